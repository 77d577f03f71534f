"""Demo hotline calls (development only): one waiting in the console, one recorded call to
review, one already logged by the demo operator. Idempotent (keyed by the call ids).

Reports go through intake's service like real ones and are matched here, in this process.
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

from core import outbox
from core.models import OutboxTask
from core.reference import Channel
from intake.services import PROCESS_REPORT, ContactInput, ReportSubmission, submit_report

from .models import HotlineCall, RecordingState, TranscriptState

DRAFT = ("alo tôi thấy trên zalo người ta nói là uống nước lá ổi đun sôi thì khỏi bệnh tiểu đường "
         "không cần thuốc có đúng không ạ")
LOGGED = "Người gọi nhận tin nhắn giả danh ngân hàng báo tài khoản bị khóa, yêu cầu bấm vào đường link để mở lại"


def _tone_wav(seconds: float = 1.5) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / 8000)))
                               for i in range(int(seconds * 8000))))
    return out.getvalue()


def _match(report_id: int) -> None:
    task = OutboxTask.objects.filter(kind=PROCESS_REPORT, key=f"report:{report_id}", done_at__isnull=True).first()
    if task is not None:
        outbox.run(task.pk)


def load_demo_calls() -> list[str]:
    now = timezone.now()
    lines = []
    if not HotlineCall.objects.filter(external_id="demo-live-1").exists():
        HotlineCall.objects.create(source=HotlineCall.Source.TELEPHONY, external_id="demo-live-1",
                                   caller_number="0912000111", started_at=now - timedelta(seconds=40))
    lines.append("a call waiting in /staff/hotline/ (sign in as demo-operator and open it)")
    if not HotlineCall.objects.filter(external_id="demo-voicemail-1").exists():
        report = submit_report(ReportSubmission(channel=Channel.HOTLINE, text=DRAFT, language="vi"))
        call = HotlineCall.objects.create(
            source=HotlineCall.Source.TELEPHONY, external_id="demo-voicemail-1", caller_number="0987000222",
            started_at=now - timedelta(hours=3), duration_s=14, report=report, from_recording=True,
            recording_state=RecordingState.STORED, transcript_state=TranscriptState.DONE, transcript=DRAFT,
            transcript_engine="demo", transcript_model="(demo data, not a real transcription)", audio_seconds=1.5)
        content = _tone_wav()
        call.recording.save(f"call-{call.pk}.audio", ContentFile(content), save=False)
        call.recording_bytes = len(content)
        call.save()
        _match(report.pk)
    lines.append("a recorded call to review in /staff/hotline/review/")
    operator = get_user_model().objects.filter(username="demo-operator").first()
    if operator is not None and not HotlineCall.objects.filter(external_id="demo-logged-1").exists():
        report = submit_report(ReportSubmission(
            channel=Channel.HOTLINE, text=LOGGED, platform="website", topic="scam_link", province="ha-noi",
            contact=ContactInput(phone="+84903000333", consent=True), entered_by=operator, language="vi"))
        HotlineCall.objects.create(source=HotlineCall.Source.CONSOLE, external_id="demo-logged-1",
                                   caller_number="+84903000333", report=report, taken_by=operator,
                                   taken_at=now - timedelta(hours=1), started_at=now - timedelta(hours=1))
        _match(report.pk)
    lines.append("a call logged by demo-operator in /staff/hotline/calls/")
    return lines
