"""Background work on a recorded call: fetch the recording, then transcribe it.

The call row is the truth, as the outbox row is for other tasks: `process` takes a lease
on the row in a short transaction, does the slow part (network, audio) outside any
transaction (on SQLite a long transaction would hold the only write lock), and writes the
outcome in another short transaction. A worker killed half-way leaves a stale lease that
`sweep` hands out again; a failure is retried with backoff up to HOTLINE_WORK_MAX_ATTEMPTS
and then shown to operators as failed. Every step is idempotent: a second message for the
same call finds nothing left to do.
"""

from __future__ import annotations

import logging
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Iterator

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .audio import looks_like_audio
from .fetch import FetchError, fetch_to
from .models import HotlineCall, RecordingState, TranscriptState
from .services import apply_transcript

log = logging.getLogger(__name__)

SPEECH_STATES = {"done": TranscriptState.DONE, "silence": TranscriptState.SILENCE,
                 "too_long": TranscriptState.TOO_LONG, "not_audio": TranscriptState.NOT_AUDIO}
MAX_BACKOFF = 1800


def _work_left() -> Q:
    return Q(recording_state=RecordingState.TO_FETCH) | Q(
        transcript_state__in=[TranscriptState.PENDING, TranscriptState.TRANSCRIBING])


def enqueue(call_id: int) -> bool:
    """Hand the call to the transcription queue; a broker failure is left to the sweeper."""
    from .tasks import process_call

    try:
        process_call.apply_async(args=[call_id])
    except Exception:  # noqa: BLE001 - the row is safe; the sweeper enqueues it later
        log.warning("Could not enqueue hotline call %s; the sweeper will retry.", call_id, exc_info=True)
        return False
    HotlineCall.objects.filter(pk=call_id).update(work_enqueued_at=timezone.now())
    return True


def due(now=None) -> list[int]:  # noqa: ANN001
    """Calls with work left that nobody is known to be doing."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.HOTLINE_WORK_LEASE_SECONDS)
    rows = HotlineCall.objects.filter(_work_left(), work_available_at__lte=now)
    rows = rows.filter(Q(work_started_at__isnull=True) | Q(work_started_at__lte=stale))
    rows = rows.filter(Q(work_enqueued_at__isnull=True) | Q(work_enqueued_at__lte=stale))
    return list(rows.order_by("pk").values_list("pk", flat=True)[:500])


def sweep(now=None) -> int:  # noqa: ANN001
    return sum(1 for call_id in due(now) if enqueue(call_id))


def _lease(call_id: int) -> HotlineCall | None:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.HOTLINE_WORK_LEASE_SECONDS)
    with transaction.atomic():
        call = HotlineCall.objects.select_for_update().filter(_work_left(), pk=call_id).first()
        if call is None or call.work_available_at > now:
            return None
        if call.work_started_at is not None and call.work_started_at > stale:
            return None  # another worker is on it
        if call.work_attempts >= settings.HOTLINE_WORK_MAX_ATTEMPTS:
            _give_up(call, call.last_error or "every attempt was interrupted before it ended")
            return None
        call.work_attempts += 1
        call.work_started_at = now
        if call.recording_state != RecordingState.TO_FETCH:
            call.transcript_state = TranscriptState.TRANSCRIBING
        call.save(update_fields=["work_attempts", "work_started_at", "transcript_state"])
    return call


def _give_up(call: HotlineCall, error: str) -> None:
    call.last_error = error[:500]
    call.work_started_at = None
    if call.recording_state == RecordingState.TO_FETCH:
        call.recording_state = RecordingState.UNAVAILABLE
        call.transcript_state = TranscriptState.NO_RECORDING
    else:
        call.transcript_state = TranscriptState.FAILED
    call.save(update_fields=["last_error", "work_started_at", "recording_state", "transcript_state"])
    log.error("Hotline call %s: giving up after %s attempts: %s", call.pk, call.work_attempts, error)


def _retry_later(call_id: int, error: str) -> str:
    with transaction.atomic():
        call = HotlineCall.objects.select_for_update().get(pk=call_id)
        if call.work_attempts >= settings.HOTLINE_WORK_MAX_ATTEMPTS:
            _give_up(call, error)
            return "failed"
        delay = min(MAX_BACKOFF, 10 * 2 ** max(0, call.work_attempts - 1))
        call.last_error = error[:500]
        call.work_started_at = None
        call.work_enqueued_at = None
        call.work_available_at = timezone.now() + timedelta(seconds=delay)
        if call.recording_state != RecordingState.TO_FETCH:
            call.transcript_state = TranscriptState.PENDING
        call.save(update_fields=["last_error", "work_started_at", "work_enqueued_at", "work_available_at",
                                 "transcript_state"])
    log.warning("Hotline call %s failed (%s); retrying in %s s.", call_id, error, delay)
    return "retry"


def process(call_id: int) -> str:
    """Do what is left for one call. Returns "done", "skipped", "retry" or "failed"."""
    call = _lease(call_id)
    if call is None:
        return "skipped"
    try:
        if call.recording_state == RecordingState.TO_FETCH:
            call = _fetch(call)
            if call.transcript_state != TranscriptState.TRANSCRIBING:
                return "done"  # not audio, or nothing to transcribe
        return _transcribe(call)
    except FetchError as exc:
        if not exc.retry:
            with transaction.atomic():
                locked = HotlineCall.objects.select_for_update().get(pk=call_id)
                _give_up(locked, str(exc))
            return "failed"
        return _retry_later(call_id, str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried, never lost
        log.exception("Hotline call %s: unexpected error.", call_id)
        return _retry_later(call_id, f"{type(exc).__name__}: {exc}")


def _fetch(call: HotlineCall) -> HotlineCall:
    with tempfile.TemporaryFile() as tmp:
        size, _content_type = fetch_to(call.recording_url, tmp)
        tmp.seek(0)
        head = tmp.read(64)
        tmp.seek(0)
        with transaction.atomic():
            locked = HotlineCall.objects.select_for_update().get(pk=call.pk)
            locked.recording.save(f"call-{locked.pk}.audio", File(tmp), save=False)
            locked.recording_bytes = size
            locked.recording_state = RecordingState.STORED
            audio = looks_like_audio(head)
            locked.transcript_state = TranscriptState.TRANSCRIBING if audio else TranscriptState.NOT_AUDIO
            locked.work_attempts = 0 if audio else locked.work_attempts  # transcription gets its own tries
            locked.work_started_at = timezone.now() if audio else None
            locked.last_error = ""
            locked.save()
    return locked


@contextmanager
def local_copy(call: HotlineCall) -> Iterator[Path]:
    """A path to the recording on this machine (a temporary copy when storage is remote)."""
    try:
        path = Path(call.recording.path)
    except NotImplementedError:  # S3 and other remote storages have no local path
        path = None
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".audio") as tmp:
        with call.recording.open("rb") as src:
            for chunk in iter(lambda: src.read(1024 * 1024), b""):
                tmp.write(chunk)
        tmp.flush()
        yield Path(tmp.name)


def transcriber():  # noqa: ANN201 - a function with hotline.speech.transcribe_file's contract
    """hotline.speech.transcribe_file, run in a child process (see hotline.speech_child for why)."""
    from .speech_child import transcribe_in_child

    return transcribe_in_child


def _transcribe(call: HotlineCall) -> str:
    transcribe_file = transcriber()
    max_seconds = float(getattr(settings, "HOTLINE_MAX_AUDIO_SECONDS", 600))
    with local_copy(call) as path:
        result = transcribe_file(path, max_seconds=max_seconds,
                                 engine=getattr(settings, "HOTLINE_ASR_ENGINE", None) or None,
                                 model_path=getattr(settings, "HOTLINE_ASR_MODEL_PATH", None) or None)
    state = SPEECH_STATES.get(result.state)
    if state is None:  # "failed" (or a state this code does not know): try again later
        return _retry_later(call.pk, f"transcription {result.state}: {result.detail}"[:500])
    apply_transcript(call.pk, state=state, text=result.text, engine=result.engine, model=result.model,
                     duration_s=result.duration_s)
    return "done"
