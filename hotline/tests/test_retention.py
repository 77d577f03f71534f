"""Caller numbers and recordings are deleted with the other personal data after the retention period."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from core import retention
from core.models import PersonalDataPurge
from core.tasks import purge_expired_personal_data
from hotline.models import HotlineCall, RecordingState
from intake.models import Report
from verification.models import Claim, ClaimState

from .conftest import wav_bytes

pytestmark = pytest.mark.django_db


def call_on_claim(days_since_conclusion: int | None, number: str) -> HotlineCall:
    now = timezone.now()
    claim = Claim.objects.create(representative_text="Tin đồn", state=ClaimState.PUBLISHED if days_since_conclusion
                                 is not None else ClaimState.NEW,
                                 concluded_at=None if days_since_conclusion is None
                                 else now - timedelta(days=days_since_conclusion))
    report = Report.objects.create(channel="hotline", text="Người gọi kể lại tin đồn", claim=claim)
    call = HotlineCall.objects.create(source="telephony", external_id=f"ret-{number}", caller_number=number,
                                      report=report, from_recording=True, recording_state=RecordingState.STORED)
    call.recording.save(f"call-{call.pk}.audio", ContentFile(wav_bytes(0.1)))
    return call


def test_the_hotline_registers_its_purgers():
    assert {"hotline_caller_numbers", "hotline_recordings"} <= set(retention.registered_kinds())


def test_numbers_and_recordings_of_long_concluded_claims_are_deleted_the_rest_kept():
    expired = call_on_claim(181, "0911000001")
    recent = call_on_claim(179, "0911000002")
    still_open = call_on_claim(None, "0911000003")
    old_pending = HotlineCall.objects.create(source="telephony", external_id="pending-old", caller_number="0911000004",
                                             received_at=timezone.now() - timedelta(days=200))
    new_pending = HotlineCall.objects.create(source="telephony", external_id="pending-new", caller_number="0911000005")
    expired_file = Path(expired.recording.path)
    assert expired_file.exists()
    purge_expired_personal_data()
    numbers = dict(HotlineCall.objects.values_list("external_id", "caller_number"))
    assert numbers == {"ret-0911000001": "", "ret-0911000002": "0911000002", "ret-0911000003": "0911000003",
                       "pending-old": "", "pending-new": "0911000005"}
    expired.refresh_from_db()
    assert not expired.recording and expired.recording_state == RecordingState.DELETED and not expired_file.exists()
    assert expired.report is not None and expired.report.text  # the report itself stays
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.recording and Path(kept.recording.path).exists()
    assert PersonalDataPurge.objects.get(kind="hotline_caller_numbers").count == 2
    assert PersonalDataPurge.objects.get(kind="hotline_recordings").count == 1
    assert old_pending.pk and new_pending.pk
