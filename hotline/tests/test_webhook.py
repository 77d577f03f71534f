"""The telephony webhook: signatures, replays, duplicates, bad input; and a recording becoming a report."""

from __future__ import annotations

import time

import pytest

from core.models import AuditEntry, OutboxTask
from hotline import pipeline
from hotline.models import HotlineCall, RecordingState, TranscriptState, WebhookSignature
from intake.models import Report
from verification.models import Claim

from .conftest import SECRET, FakeResult, json_body, multipart, send, wav_bytes

pytestmark = pytest.mark.django_db


# --- authentication --------------------------------------------------------------------------------

def test_unsigned_requests_are_refused_and_store_nothing(client):
    response = send(client, json_body(call_id="c-1"), headers=False)
    assert response.status_code == 401 and response.json()["error"] == "missing_signature"
    assert not HotlineCall.objects.exists()


def test_wrong_signatures_are_refused(client):
    body = json_body(call_id="c-1", caller_number="0912345678")
    assert send(client, body, secret="another-secret").json()["error"] == "invalid_signature"
    assert send(client, body, signature="v1=" + "0" * 64).status_code == 401
    assert send(client, body, signature="sha1=abc").status_code == 401
    # A body changed after signing no longer matches.
    ts = int(time.time())
    from hotline.signing import signature_header

    signed_for_other = signature_header(SECRET, ts, json_body(call_id="c-2"))
    response = send(client, body, ts=ts, signature=signed_for_other)
    assert response.status_code == 401 and response.json()["error"] == "invalid_signature"
    assert not HotlineCall.objects.exists()


def test_timestamps_outside_the_window_are_refused(client):
    body = json_body(call_id="c-1")
    for ts in (int(time.time()) - 301, int(time.time()) + 301):
        response = send(client, body, ts=ts)
        assert response.status_code == 401 and response.json()["error"] == "timestamp_out_of_window"
    assert send(client, body, signature="v1=" + "a" * 64, ts=0).status_code == 401
    assert not HotlineCall.objects.exists()


def test_a_rotated_secret_can_be_sent_next_to_the_old_one(client):
    from hotline.signing import signature_header

    ts = int(time.time())
    body = json_body(call_id="rotation-1")
    both = signature_header("old-secret", ts, body) + "," + signature_header(SECRET, ts, body)
    assert send(client, body, ts=ts, signature=both).status_code == 201


def test_a_replayed_request_is_refused(client):
    ts = int(time.time())
    body = json_body(call_id="c-replay", caller_number="0912345678")
    first = send(client, body, ts=ts)
    assert first.status_code == 201
    again = send(client, body, ts=ts)
    assert again.status_code == 409 and again.json()["error"] == "replayed"
    assert HotlineCall.objects.count() == 1 and WebhookSignature.objects.count() == 1


def test_without_a_configured_secret_the_webhook_is_off(client, settings):
    settings.HOTLINE_WEBHOOK_SECRET = ""
    response = send(client, json_body(call_id="c-1"))
    assert response.status_code == 503 and response.json()["error"] == "webhook_disabled"


# --- calls and duplicates -----------------------------------------------------------------------

def test_a_live_call_waits_for_an_operator_without_a_report(client):
    response = send(client, json_body(call_id="live-1", caller_number="+84 912 345 678",
                                      started_at="2026-11-23T09:15:00+07:00", duration_s=0))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["duplicate"] is False and body["report_code"] is None and body["transcript_state"] == "none"
    call = HotlineCall.objects.get(external_id="live-1")
    assert call.caller_number == "+84912345678" and call.is_pending and not Report.objects.exists()
    assert call.started_at.isoformat().startswith("2026-11-23T02:15:00")


def test_the_same_call_id_twice_is_one_call_and_one_report(client, django_capture_on_commit_callbacks,
                                                           transcribe_as):
    transcribe_as("done", "Tin đồn trứng gà giả làm bằng nhựa")
    payload, content_type = multipart({"call_id": "rec-1", "caller_number": "0912345678",
                                       "recording": _upload(wav_bytes())})
    with django_capture_on_commit_callbacks(execute=True):
        first = send(client, payload, content_type)
    assert first.status_code == 201, first.json()
    with django_capture_on_commit_callbacks(execute=True):
        second = send(client, payload, content_type, ts=int(time.time()) + 1)  # same event, signed afresh
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert second.json()["report_code"] == first.json()["report_code"]
    assert HotlineCall.objects.count() == 1 and Report.objects.count() == 1


def test_a_later_recording_completes_a_call_announced_before(client, django_capture_on_commit_callbacks,
                                                              transcribe_as):
    transcribe_as("silence")
    assert send(client, json_body(call_id="vm-7", caller_number="0987654321")).status_code == 201
    payload, content_type = multipart({"call_id": "vm-7", "recording": _upload(wav_bytes(tone=0))})
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, payload, content_type)
    assert response.status_code == 200 and response.json()["report_code"]
    call = HotlineCall.objects.get(external_id="vm-7")
    assert call.from_recording and call.report.channel == "hotline" and call.transcript_state == "silence"


def test_an_event_for_a_call_id_never_seen_creates_the_call(client, django_capture_on_commit_callbacks,
                                                             transcribe_as):
    """A 'recording ready' event whose call was never announced: the call is kept, not dropped."""
    transcribe_as("done", "Có người gọi báo tin giả về bão")
    payload, content_type = multipart({"call_id": "never-seen-42", "recording": _upload(wav_bytes())})
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, payload, content_type)
    assert response.status_code == 201
    call = HotlineCall.objects.get(external_id="never-seen-42")
    assert call.report.text == "Có người gọi báo tin giả về bão" and call.caller_number == ""


@pytest.mark.parametrize("fields,code", [
    ({}, "invalid_call_id"),
    ({"call_id": ""}, "invalid_call_id"),
    ({"call_id": "a b"}, "invalid_call_id"),
    ({"call_id": "x" * 129}, "invalid_call_id"),
    ({"call_id": 42}, "invalid_call_id"),
    ({"call_id": "c", "caller_number": "call me"}, "invalid_caller_number"),
    ({"call_id": "c", "started_at": "yesterday"}, "invalid_started_at"),
    ({"call_id": "c", "duration_s": -1}, "invalid_duration"),
    ({"call_id": "c", "duration_s": "long"}, "invalid_duration"),
    ({"call_id": "c", "recording_url": "ftp://localhost/a.wav"}, "invalid_recording_url"),
    ({"call_id": "c", "colour": "blue"}, "unknown_fields"),
])
def test_bad_fields_get_a_json_error_and_store_nothing(client, fields, code):
    response = send(client, json_body(**fields))
    assert response.status_code == 400 and response.json()["error"] == code, response.json()
    assert not HotlineCall.objects.exists()


def test_bad_bodies_get_a_json_error(client):
    assert send(client, b"{not json").json()["error"] == "invalid_json"
    assert send(client, b"[1, 2]").json()["error"] == "invalid_json"
    assert send(client, b"call_id=x", "text/plain").status_code == 415
    payload, content_type = multipart({"call_id": "c", "recording": _upload(wav_bytes()),
                                       "recording_url": "https://localhost/a.wav"})
    assert send(client, payload, content_type).json()["error"] == "recording_twice"
    assert not HotlineCall.objects.exists()


def test_a_body_over_the_limit_is_refused_with_413(client, settings):
    settings.HOTLINE_MAX_RECORDING_BYTES = 10_000
    payload, content_type = multipart({"call_id": "big-1", "recording": _upload(b"RIFF" + b"\0" * 200_000)})
    response = send(client, payload, content_type)
    assert response.status_code == 413 and response.json()["error"] == "request_too_large"
    assert not HotlineCall.objects.exists()


# --- recordings ------------------------------------------------------------------------------------

def test_a_recording_becomes_a_report_matched_at_once_and_listed_for_review(client, transcribe_as,
                                                                             django_capture_on_commit_callbacks):
    seen = transcribe_as("done", "Tin nhắn báo trúng thưởng 500 triệu từ ngân hàng là lừa đảo")
    payload, content_type = multipart({"call_id": "rec-2", "caller_number": "0912345678", "duration_s": "12.5",
                                       "recording": _upload(wav_bytes())})
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, payload, content_type)
    assert response.status_code == 201
    call = HotlineCall.objects.select_related("report").get(external_id="rec-2")
    assert call.from_recording and call.needs_review and call.duration_s == 12.5
    assert call.recording_state == RecordingState.STORED and call.recording_bytes == len(wav_bytes())
    assert seen and seen[0]["head"] == b"RIFF" and seen[0]["max_seconds"] == 600
    report = call.report
    assert report.channel == "hotline" and report.entered_by is None
    assert report.text == "Tin nhắn báo trúng thưởng 500 triệu từ ngân hàng là lừa đảo"
    assert call.transcript_state == TranscriptState.DONE and call.transcript == report.text
    # Matched twice: at once with no text (a claim of its own), then again with the transcript.
    assert report.claim is not None and "500 triệu" in report.claim.representative_text
    assert Claim.objects.count() == 1  # the empty-text claim nobody touched was replaced
    assert OutboxTask.objects.filter(key__startswith=f"report:{report.pk}").count() == 2
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"hotline.recording_received", "hotline.report_text_changed"} <= actions
    assert "0912345678" not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_a_report_is_matched_even_before_its_transcript(client, django_capture_on_commit_callbacks, settings):
    """The transcription queue is separate: with no transcript yet, the report is still queued."""
    payload, content_type = multipart({"call_id": "rec-3", "recording": _upload(wav_bytes())})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = send(client, payload, content_type)
    assert response.status_code == 201 and response.json()["transcript_state"] == "pending"
    call = HotlineCall.objects.get(external_id="rec-3")
    assert OutboxTask.objects.filter(key=f"report:{call.report_id}").exists()
    assert len(callbacks) == 2  # matching enqueued, transcription enqueued


def test_audio_that_is_not_audio_is_kept_and_marked(client, django_capture_on_commit_callbacks, transcribe_as):
    seen = transcribe_as("done", "never")
    payload, content_type = multipart({"call_id": "pdf-1", "recording": _upload(b"%PDF-1.7 not a recording")})
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, payload, content_type)
    assert response.status_code == 201 and response.json()["transcript_state"] == "not_audio"
    call = HotlineCall.objects.get(external_id="pdf-1")
    assert call.needs_review and call.report is not None and call.recording and not seen


@pytest.mark.parametrize("state,expected", [
    ("silence", TranscriptState.SILENCE), ("too_long", TranscriptState.TOO_LONG),
    ("not_audio", TranscriptState.NOT_AUDIO),
])
def test_each_final_transcription_state_is_shown_and_keeps_the_report(client, transcribe_as, state, expected,
                                                                       django_capture_on_commit_callbacks):
    transcribe_as(state)
    payload, content_type = multipart({"call_id": f"s-{state}", "recording": _upload(wav_bytes())})
    with django_capture_on_commit_callbacks(execute=True):
        send(client, payload, content_type)
    call = HotlineCall.objects.get(external_id=f"s-{state}")
    assert call.transcript_state == expected and call.report.text == "" and call.recording
    assert call.report.claim is not None  # still in the claim queue, with no text


def test_a_failing_engine_is_retried_then_marked_failed_without_losing_the_call(
        client, django_capture_on_commit_callbacks, monkeypatch, settings):
    settings.HOTLINE_WORK_MAX_ATTEMPTS = 3
    attempts = []

    def broken(path, **kwargs):  # noqa: ANN001, ANN003
        attempts.append(path)
        if len(attempts) == 1:
            raise RuntimeError("engine crashed")
        return FakeResult("failed", detail="decoder error")

    monkeypatch.setattr(pipeline, "transcriber", lambda: broken)
    payload, content_type = multipart({"call_id": "fail-1", "recording": _upload(wav_bytes())})
    with django_capture_on_commit_callbacks(execute=True):
        send(client, payload, content_type)
    call = HotlineCall.objects.get(external_id="fail-1")
    assert call.transcript_state == TranscriptState.PENDING and "engine crashed" in call.last_error
    for _ in range(5):
        HotlineCall.objects.filter(pk=call.pk).update(work_available_at=call.received_at)  # backoff over
        pipeline.process(call.pk)
    call.refresh_from_db()
    assert len(attempts) == 3 and call.transcript_state == TranscriptState.FAILED
    assert "decoder error" in call.last_error and call.report is not None and call.recording


def test_a_worker_killed_while_transcribing_is_picked_up_by_the_sweeper(client, transcribe_as, settings):
    transcribe_as("done", "Tin giả về vắc xin")
    payload, content_type = multipart({"call_id": "killed-1", "recording": _upload(wav_bytes())})
    send(client, payload, content_type)  # on-commit callbacks not run: nothing was enqueued
    call = HotlineCall.objects.get(external_id="killed-1")
    # A worker took the lease and died (kill -9): the row says "transcribing" since long ago.
    from datetime import timedelta

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(seconds=settings.HOTLINE_WORK_LEASE_SECONDS + 5)
    HotlineCall.objects.filter(pk=call.pk).update(transcript_state=TranscriptState.TRANSCRIBING,
                                                  work_started_at=long_ago, work_attempts=1,
                                                  work_enqueued_at=long_ago)
    assert pipeline.process(call.pk) == "done"  # what the sweeper's message makes a worker do
    call.refresh_from_db()
    assert call.transcript_state == TranscriptState.DONE and call.report.text == "Tin giả về vắc xin"
    assert pipeline.process(call.pk) == "skipped"  # a duplicate message finds nothing to do


def test_the_sweeper_enqueues_work_nobody_is_doing(client, transcribe_as, django_capture_on_commit_callbacks):
    transcribe_as("done", "Tin đồn mất điện toàn thành phố")
    payload, content_type = multipart({"call_id": "lost-1", "recording": _upload(wav_bytes())})
    send(client, payload, content_type)  # the enqueue was lost (callbacks not run)
    call = HotlineCall.objects.get(external_id="lost-1")
    assert pipeline.due() == [call.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.sweep() == 1  # eager tasks: the sweep runs it here
    call.refresh_from_db()
    assert call.transcript_state == TranscriptState.DONE and pipeline.due() == []


def _upload(content: bytes, name: str = "call.wav"):  # noqa: ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="audio/wav")


def test_the_speech_engine_runs_in_a_child_whose_death_is_a_failed_result(tmp_path, monkeypatch):
    from hotline.speech_child import transcribe_in_child

    # A child that dies the way a native crash or the out-of-memory killer ends it.
    (tmp_path / "sitecustomize.py").write_text("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    result = transcribe_in_child(tmp_path / "call.wav")
    assert result.state == "failed" and "signal 9" in result.detail
