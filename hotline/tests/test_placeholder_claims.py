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


def test_the_placeholder_claim_is_labelled_then_removed_from_the_matcher(client, transcribe_as,
                                                                         django_capture_on_commit_callbacks):
    transcribe_as("done", TRANSCRIPT)
    payload, content_type = multipart({"call_id": "ph-1", "recording": _upload(wav_bytes())})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert send(client, payload, content_type).status_code == 201
    call = HotlineCall.objects.get(external_id="ph-1")
    # Run matching only (the first callback); the transcription waits.
    callbacks[0]()
    call.report.refresh_from_db()
    placeholder = Claim.objects.get(pk=call.report.claim_id)
    assert placeholder.representative_text == "Cuộc gọi ghi âm, đang chờ chép lời"
    assert placeholder.pk in get_matcher()  # indexed in this process, so removal has work to do

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks[1:]:
            callback()
    call.report.refresh_from_db()
    assert call.report.text == TRANSCRIPT
    assert not Claim.objects.filter(pk=placeholder.pk).exists()
    assert DeletedClaim.objects.filter(claim_id=placeholder.pk).exists()
    assert call.report.claim_id not in (None, placeholder.pk)
    assert placeholder.pk not in get_matcher()
    for text in (TRANSCRIPT, "", "Cuộc gọi ghi âm, đang chờ chép lời"):
        assert placeholder.pk not in {c.claim_id for c in get_matcher().query(text, [], [])}
    assert call.report.claim_id in {c.claim_id for c in get_matcher().query(TRANSCRIPT, [], [])}
