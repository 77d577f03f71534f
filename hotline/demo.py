"""Demo hotline calls (development only), on the hotline reports intake's demo already loads.

One call waits in the console (no report yet), one demo hotline report gets the recording
and draft transcript an operator should review, and one is shown as logged by the demo
operator. No report is added, so intake's demo stays as its tests describe it.
Idempotent (keyed by the call ids); a demo report that is missing is skipped.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from intake.models import Report

from .models import HotlineCall, RecordingState, TranscriptState

VOICEMAIL_REPORT = "khau-trang"  # intake.demo_reports keys of hotline-channel demo reports
LOGGED_REPORT = "sms-ngan-hang-3"


def _tone_wav(seconds: float = 1.5) -> bytes:
    """A short tone standing in for a voicemail (the demo has no real caller's voice)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / 8000)))
                               for i in range(int(seconds * 8000))))
    return out.getvalue()


def _demo_report(key: str) -> Report | None:
    from intake.management.commands.load_demo import demo_tracking_code

    return Report.objects.filter(tracking_code=demo_tracking_code(key), channel="hotline").first()


def load_demo_calls() -> list[str]:
    now = timezone.now()
    lines = []
    if not HotlineCall.objects.filter(external_id="demo-live-1").exists():
        HotlineCall.objects.create(source=HotlineCall.Source.TELEPHONY, external_id="demo-live-1",
                                   caller_number="0912000111", started_at=now - timedelta(seconds=40))
    lines.append("a call waiting in /staff/hotline/ (sign in as demo-operator and open it)")
    report = _demo_report(VOICEMAIL_REPORT)
    if report is not None and not HotlineCall.objects.filter(external_id="demo-voicemail-1").exists():
        call = HotlineCall.objects.create(
            source=HotlineCall.Source.TELEPHONY, external_id="demo-voicemail-1", caller_number="0987000222",
            started_at=report.received_at, received_at=report.received_at, duration_s=14, report=report,
            from_recording=True, recording_state=RecordingState.STORED, transcript_state=TranscriptState.DONE,
            transcript=report.text, transcript_engine="demo", transcript_model="(demo data, not a transcription)",
            audio_seconds=1.5)
        content = _tone_wav()
        call.recording.save(f"call-{call.pk}.audio", ContentFile(content), save=False)
        call.recording_bytes = len(content)
        call.save()
    if report is not None:
        lines.append(f"a recorded call to review in /staff/hotline/review/ (report {report.display_code})")
    operator = get_user_model().objects.filter(username="demo-operator").first()
    report = _demo_report(LOGGED_REPORT)
    if operator is not None and report is not None and not HotlineCall.objects.filter(
            external_id="demo-logged-1").exists():
        HotlineCall.objects.create(source=HotlineCall.Source.CONSOLE, external_id="demo-logged-1",
                                   caller_number="+84900000102", report=report, taken_by=operator,
                                   taken_at=report.received_at, started_at=report.received_at,
                                   received_at=report.received_at)
    if operator is not None and report is not None:
        lines.append(f"a call logged by demo-operator in /staff/hotline/calls/ (report {report.display_code})")
    return lines
