"""Writes of the hotline: calls logged by operators, calls announced by the PBX, transcripts.

Every report still enters through intake's one service (`intake.services.submit_report`,
channel "hotline"); this module keeps the call record beside it (caller number, recording,
transcript draft) and changes a hotline report's text when its transcript arrives or an
operator corrects it, then hands the report to matching again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit, outbox
from core.reference import Channel
from intake.models import Report
from intake.services import PROCESS_REPORT, ReportSubmission, submit_report

from . import signing
from .audio import looks_like_audio
from .models import HotlineCall, RecordingState, TranscriptState


# --- the operator console ---------------------------------------------------------------------

def take_call(call: HotlineCall, operator: Any) -> HotlineCall:
    """An operator opens a pending call: from now on it is theirs (they see the number in full)."""
    with transaction.atomic():
        locked = HotlineCall.objects.select_for_update().get(pk=call.pk)
        if locked.taken_by_id is None:
            locked.taken_by, locked.taken_at = operator, timezone.now()
            locked.save(update_fields=["taken_by", "taken_at"])
            audit.record("hotline.call_taken", actor=operator, obj=locked)
    return locked


def log_call(cleaned: dict[str, Any], caller_number: str, operator: Any, *,
             pending: HotlineCall | None = None) -> tuple[HotlineCall, Report]:
    """Store what the operator took down as a hotline report, and the call record beside it.

    `cleaned` is a valid ConsoleForm's cleaned_data (the one ReportForm validation);
    `pending` is the telephony call the operator opened, if any (logged once only).
    """
    now = timezone.now()
    with transaction.atomic():
        call = None
        if pending is not None:
            call = HotlineCall.objects.select_for_update().get(pk=pending.pk)
            if call.report_id is not None:
                raise AlreadyLogged(call)
        report = submit_report(ReportSubmission.from_form(cleaned, Channel.HOTLINE, entered_by=operator,
                                                          language="vi"))
        if call is None:
            call = HotlineCall(source=HotlineCall.Source.CONSOLE, started_at=now)
        call.report = report
        call.caller_number = caller_number or call.caller_number
        call.taken_by = call.taken_by or operator
        call.taken_at = call.taken_at or now
        call.save()
        audit.record("hotline.call_logged", actor=operator, obj=call,
                     detail={"report_id": report.pk, "callback_consent": bool(cleaned.get("consent"))})
    return call, report


class AlreadyLogged(Exception):
    """The pending call was logged meanwhile (by another operator, or a second submit)."""

    def __init__(self, call: HotlineCall):
        super().__init__(f"call {call.pk} already has a report")
        self.call = call


# --- telephony events -------------------------------------------------------------------------

@dataclass
class CallEvent:
    call_id: str
    caller_number: str = ""
    started_at: datetime | None = None
    duration_s: float | None = None
    recording_url: str = ""
    recording_problem: str = ""  # why the URL will not be fetched (a host we do not fetch from)


def accept_event(event: CallEvent, recording: UploadedFile | None, signature: str) -> tuple[HotlineCall, bool]:
    """Store a telephony event durably; returns (call, created). Replays raise SignatureProblem.

    The same call id twice is one call (and one report): a second event only adds a
    recording the call did not have yet. A call with a recording becomes a hotline report
    at once, with no text until the transcript arrives, so it is matched and queued now.
    """
    with transaction.atomic():
        signing.remember(signature)
        call = HotlineCall.objects.select_for_update().filter(external_id=event.call_id).first()
        created = call is None
        if created:
            try:
                with transaction.atomic():
                    call = HotlineCall.objects.create(
                        source=HotlineCall.Source.TELEPHONY, external_id=event.call_id,
                        caller_number=event.caller_number, started_at=event.started_at or timezone.now(),
                        duration_s=event.duration_s)
            except IntegrityError:  # the same call id arrived concurrently: that one won
                created = False
                call = HotlineCall.objects.select_for_update().get(external_id=event.call_id)
        has_recording = recording is not None or bool(event.recording_url)
        if has_recording and call.recording_state == RecordingState.NONE:
            _attach_recording(call, recording, event.recording_url, event.recording_problem)
            if call.report_id is None:
                call.report = submit_report(ReportSubmission(channel=Channel.HOTLINE, text="", language="vi"))
            call.save()
            audit.record("hotline.recording_received", obj=call, actor_label="telephony",
                         detail={"report_id": call.report_id, "upload": recording is not None,
                                 "transcript_state": call.transcript_state})
        elif created:
            audit.record("hotline.call_announced", obj=call, actor_label="telephony")
        if call.recording_state == RecordingState.TO_FETCH or call.transcript_state == TranscriptState.PENDING:
            from .pipeline import enqueue

            call_pk = call.pk
            transaction.on_commit(lambda: enqueue(call_pk))
    return call, created


def _attach_recording(call: HotlineCall, upload: UploadedFile | None, url: str, problem: str = "") -> None:
    call.from_recording = True
    if upload is not None:
        head = upload.read(64)
        upload.seek(0)
        call.recording.save(f"call-{call.pk}.audio", upload, save=False)
        call.recording_bytes = upload.size
        call.recording_state = RecordingState.STORED
        call.transcript_state = TranscriptState.PENDING if looks_like_audio(head) else TranscriptState.NOT_AUDIO
    elif problem:
        call.recording_url = url
        call.recording_state = RecordingState.UNAVAILABLE
        call.transcript_state = TranscriptState.NO_RECORDING
        call.last_error = problem
    else:
        call.recording_url = url
        call.recording_state = RecordingState.TO_FETCH
        call.transcript_state = TranscriptState.PENDING


# --- the report's text: transcripts and corrections ------------------------------------------

def replace_report_text(call: HotlineCall, text: str, *, actor: Any = None, reason: str) -> bool:
    """Give the call's report a new text and send it to matching again; True when it changed.

    A recorded call's report was matched while its text was still unknown, which opened a
    claim of its own. If nobody has touched that claim yet (still new, only this report,
    no notes, evidence or verdict) it is removed and the report is matched afresh, so it
    can join the claim of the rumour it is about. Otherwise staff already work on it and
    the report stays where it is, with its new text.
    """
    with transaction.atomic():
        call = HotlineCall.objects.select_for_update().get(pk=call.pk)
        if call.report_id is None:
            return False
        report = Report.objects.select_for_update().get(pk=call.report_id)
        if report.text == text:
            return False
        report.text = text
        report.save(update_fields=["text"])
        call.transcript_version += 1
        call.save(update_fields=["transcript_version"])
        removed = _release_placeholder_claim(report)
        rematch = report.claim_id is None
        if not rematch:  # a claim staff already touched keeps the report: drop its "pending" label
            from verification.services import replace_placeholder_text

            replace_placeholder_text(report)
        if rematch:
            outbox.schedule(PROCESS_REPORT, f"report:{report.pk}:hotline-text:{call.transcript_version}",
                            {"report_id": report.pk})
        audit.record("hotline.report_text_changed", actor=actor, obj=call, actor_label="" if actor else "transcription",
                     detail={"report_id": report.pk, "reason": reason, "version": call.transcript_version,
                             "rematched": rematch, "removed_claim": removed})
    return True


def _release_placeholder_claim(report: Report) -> int | None:
    """Detach the report from the claim its empty text opened, if nobody touched it; its id or None."""
    from verification.models import Claim, ClaimState

    if report.claim_id is None:
        return None
    claim = Claim.objects.select_for_update().filter(pk=report.claim_id).first()
    if claim is None:
        return None
    untouched = (claim.state == ClaimState.NEW and claim.version == 1 and claim.assignee_id is None
                 and not Report.objects.filter(claim=claim).exclude(pk=report.pk).exists()
                 and not claim.notes.exists() and not claim.evidence.exists()
                 and not claim.referrals.exists() and not claim.takedowns.exists()
                 and not _has_verdict(claim))
    if not untouched:
        return None
    claim_id = claim.pk
    Report.objects.filter(pk=report.pk).update(claim=None, matched_at=None, match_reasons=[])
    report.claim_id = None
    claim.delete()
    return claim_id


def _has_verdict(claim: Any) -> bool:
    from verification.models import Verdict

    return Verdict.objects.filter(claim=claim).exists()


def apply_transcript(call_id: int, *, state: str, text: str, engine: str, model: str,
                     duration_s: float | None) -> HotlineCall:
    """Store the transcription's outcome; a finished draft becomes the report's text.

    A draft never overwrites what an operator already reviewed.
    """
    from intake.forms import MAX_TEXT

    with transaction.atomic():
        call = HotlineCall.objects.select_for_update().get(pk=call_id)
        call.transcript_state = state
        call.transcript = clean_transcript(text)[:MAX_TEXT] if state == TranscriptState.DONE else ""
        call.transcript_engine, call.transcript_model = engine[:64], model[:200]
        call.audio_seconds = duration_s
        call.work_started_at = None
        call.last_error = ""
        call.save()
        if state == TranscriptState.DONE and call.reviewed_at is None and call.transcript:
            replace_report_text(call, call.transcript, reason="transcript")
            call.refresh_from_db()
    return call


def clean_transcript(text: str) -> str:
    """An engine's text as the report rules want it: NFC, no control characters."""
    import unicodedata

    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    return unicodedata.normalize("NFC", kept.replace("\ufffd", "")).strip()


def review_transcript(call: HotlineCall, operator: Any, text: str) -> HotlineCall:
    """The operator's corrected transcript becomes the report's text; the call is marked reviewed."""
    with transaction.atomic():
        locked = HotlineCall.objects.select_for_update().get(pk=call.pk)
        changed = replace_report_text(locked, text, actor=operator, reason="review")
        locked.refresh_from_db()
        first_review = locked.reviewed_at is None
        locked.reviewed_at, locked.reviewed_by = timezone.now(), operator
        locked.save(update_fields=["reviewed_at", "reviewed_by"])
        audit.record("hotline.transcript_reviewed", actor=operator, obj=locked,
                     detail={"report_id": locked.report_id, "text_changed": changed, "first_review": first_review,
                             "transcript_state": locked.transcript_state})
    return locked
