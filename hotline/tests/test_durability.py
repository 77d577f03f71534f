"""A transcription worker killed with SIGKILL mid-transcription: the call is neither lost nor done twice.

Real processes: a Celery worker (with its scheduler) on the test's own queues and database,
killed while it holds the call's lease; a restarted worker's sweeper finds the stale lease
and finishes the call. The file-system broker deleted the first message when it was read,
so only the call row (and the sweeper) can have saved it.
"""

from __future__ import annotations

import os
import signal
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from core.reference import Channel
from hotline.models import HotlineCall, RecordingState, TranscriptState
from intake.services import ReportSubmission, submit_report
from tests.support import processes as procs

from .conftest import wav_bytes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def worker_argv(env: dict[str, str], module: str | None) -> list[str]:
    prefix = env["TINGIA_QUEUE_PREFIX"]
    options = ["--pool=solo", "--concurrency=1", f"--queues={prefix}default,{prefix}transcription",
               "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO",
               f"--hostname={prefix}{uuid.uuid4().hex[:6]}@%h",
               "--beat", f"--schedule={Path(env['TINGIA_VAR_DIR']) / 'beat-schedule'}"]
    if module:
        return [sys.executable, "-m", module, *options]
    return [str(procs.BIN / "celery"), "-A", "tingia", "worker", *options]


def test_a_worker_killed_while_transcribing_is_recovered_by_the_sweeper(tmp_path):
    report = submit_report(ReportSubmission(channel=Channel.HOTLINE, text=""))
    call = HotlineCall.objects.create(source="telephony", external_id="kill-9", report=report, from_recording=True,
                                      recording_state=RecordingState.STORED, transcript_state=TranscriptState.PENDING)
    call.recording.save(f"call-{call.pk}.audio", ContentFile(wav_bytes()))
    signal_file = tmp_path / "transcribing"
    env = procs.child_env(tmp_path / "var", "filesystem", TINGIA_OUTBOX_SWEEP_SECONDS="1",
                          TINGIA_TEST_SIGNAL_FILE=str(signal_file))
    first_log = tmp_path / "killed-worker.log"
    hanging = procs.start(worker_argv(env, "hotline.tests.hanging_worker"), env, first_log)
    try:
        procs.wait_for(signal_file.exists, 90, "the first transcription to start", (first_log,))
        call.refresh_from_db()
        assert call.transcript_state == TranscriptState.TRANSCRIBING and call.work_attempts == 1
        os.killpg(hanging.pid, signal.SIGKILL)
        assert hanging.wait(timeout=10) == -signal.SIGKILL
    finally:
        procs.stop(hanging)
    call.refresh_from_db()
    assert call.transcript_state == TranscriptState.TRANSCRIBING and call.report.text == ""  # nothing half-done

    second_log = tmp_path / "worker.log"
    restarted = dict(env, TINGIA_HOTLINE_WORK_LEASE="2")  # the dead worker's lease soon counts as stale
    proc = procs.start(worker_argv(restarted, "hotline.tests.hanging_worker"), restarted, second_log)
    try:
        procs.wait_for(lambda: HotlineCall.objects.get(pk=call.pk).transcript_state == TranscriptState.DONE,
                       90, "the restarted worker to finish the call", (first_log, second_log))
    finally:
        procs.stop(proc)
    call.refresh_from_db()
    assert call.work_attempts == 2 and call.transcript_version == 1
    assert call.report.text == "Bản nháp sau khi worker bị giết" and call.transcript == call.report.text
    assert "sweep_calls" in second_log.read_text(errors="replace")
