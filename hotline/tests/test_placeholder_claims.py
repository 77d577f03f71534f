"""A recorded call's claim before and after its transcript: the label, then the placeholder's removal.

The claim opened while the report had no text says "transcript pending" in the queue; when
the transcript arrives, hotline deletes that untouched claim and matches the report again.
The matcher, which indexed the placeholder, must never return it afterwards.
"""

from __future__ import annotations

import pytest

from hotline.models import HotlineCall
from verification.matching import get_matcher
from verification.models import Claim, DeletedClaim

from .conftest import multipart, send, wav_bytes

pytestmark = pytest.mark.django_db

TRANSCRIPT = "Tin nhắn báo trúng thưởng 500 triệu từ ngân hàng là lừa đảo"


def _upload(data: bytes):  # noqa: ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("call.wav", data, content_type="audio/wav")


def _matched_not_transcribed(client, capture, call_id: str):  # noqa: ANN001, ANN202
    """A recorded call posted and matched (the first on-commit callback); transcription waits.

    Returns the call and the callbacks still to run.
    """
    payload, content_type = multipart({"call_id": call_id, "recording": _upload(wav_bytes())})
    with capture(execute=False) as callbacks:
        assert send(client, payload, content_type).status_code == 201
    callbacks[0]()  # matching only
    return HotlineCall.objects.select_related("report").get(external_id=call_id), callbacks[1:]


def _transcribe(capture, callbacks) -> None:  # noqa: ANN001
    with capture(execute=True):
        for callback in callbacks:
            callback()


def test_the_placeholder_claim_is_labelled_then_removed_from_the_matcher(client, transcribe_as,
                                                                         django_capture_on_commit_callbacks):
    transcribe_as("done", TRANSCRIPT)
    call, pending = _matched_not_transcribed(client, django_capture_on_commit_callbacks, "ph-1")
    placeholder = Claim.objects.get(pk=call.report.claim_id)
    assert placeholder.representative_text == "Cuộc gọi ghi âm, đang chờ chép lời"
    assert placeholder.pk in get_matcher()  # indexed in this process, so removal has work to do

    _transcribe(django_capture_on_commit_callbacks, pending)
    call.report.refresh_from_db()
    assert call.report.text == TRANSCRIPT
    assert not Claim.objects.filter(pk=placeholder.pk).exists()
    assert DeletedClaim.objects.filter(claim_id=placeholder.pk).exists()
    assert call.report.claim_id not in (None, placeholder.pk)
    assert placeholder.pk not in get_matcher()
    for text in (TRANSCRIPT, "", "Cuộc gọi ghi âm, đang chờ chép lời"):
        assert placeholder.pk not in {c.claim_id for c in get_matcher().query(text, [], [])}
    assert call.report.claim_id in {c.claim_id for c in get_matcher().query(TRANSCRIPT, [], [])}


def test_a_touched_placeholder_claim_keeps_the_report_and_takes_its_transcript_as_text(
        client, transcribe_as, django_capture_on_commit_callbacks):
    """Staff already triaged the claim: it stays, but no longer says "transcript pending"."""
    from core.models import AuditEntry
    from verification.models import ClaimState

    transcribe_as("done", TRANSCRIPT)
    call, pending = _matched_not_transcribed(client, django_capture_on_commit_callbacks, "ph-2")
    claim = Claim.objects.get(pk=call.report.claim_id)
    Claim.objects.filter(pk=claim.pk).update(state=ClaimState.TRIAGED, version=2)  # staff touched it

    _transcribe(django_capture_on_commit_callbacks, pending)
    call.report.refresh_from_db()
    claim.refresh_from_db()
    assert call.report.claim_id == claim.pk and call.report.text == TRANSCRIPT
    assert claim.representative_text == TRANSCRIPT and claim.version == 3
    assert "trung thuong" in claim.search_text  # folded: searchable in the queue
    assert claim.pk in {c.claim_id for c in get_matcher().query(TRANSCRIPT, [], [])}
    assert AuditEntry.objects.filter(action="claim.placeholder_replaced", object_id=str(claim.pk)).exists()


def test_a_text_staff_wrote_is_never_replaced_by_the_transcript(client, transcribe_as,
                                                                django_capture_on_commit_callbacks):
    from verification.models import ClaimState

    transcribe_as("done", TRANSCRIPT)
    call, pending = _matched_not_transcribed(client, django_capture_on_commit_callbacks, "ph-3")
    Claim.objects.filter(pk=call.report.claim_id).update(state=ClaimState.TRIAGED, version=2,
                                                          representative_text="Người gọi kể về tin trúng thưởng")
    _transcribe(django_capture_on_commit_callbacks, pending)
    claim = Claim.objects.get(pk=call.report.claim_id)
    assert claim.representative_text == "Người gọi kể về tin trúng thưởng" and claim.version == 2
