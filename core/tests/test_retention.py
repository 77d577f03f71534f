"""Retention: personal data of long-concluded claims is deleted on schedule, and recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from core import audit, retention
from core.models import AuditEntry, PersonalDataPurge
from core.tasks import purge_expired_personal_data
from intake.models import Report, ReporterContact
from verification.models import Claim, ClaimState

pytestmark = pytest.mark.django_db


def claim_concluded(days_ago: int | None, state: str = ClaimState.PUBLISHED) -> Claim:
    now = timezone.now()
    return Claim.objects.create(
        representative_text=f"Tin đồn kết luận cách đây {days_ago} ngày", state=state,
        first_seen=now - timedelta(days=400),
        concluded_at=None if days_ago is None else now - timedelta(days=days_ago),
    )


def report_with_contact(claim: Claim, phone: str) -> Report:
    report = Report.objects.create(channel="web", text="Tôi thấy tin này trên mạng", claim=claim)
    ReporterContact.objects.create(report=report, name="Người báo", email="nguoibao@example.com",
                                   phone=phone, consent_to_contact=True)
    return report


@pytest.fixture
def extra_purger():
    """Register purgers the way another app (the hotline) does, and forget them afterwards."""
    added: list[str] = []

    def register(kind: str, func):  # noqa: ANN001, ANN202
        retention.purger(kind)(func)
        added.append(kind)

    yield register
    for kind in added:
        retention._PURGERS.pop(kind, None)


def test_the_purge_is_scheduled_daily():
    entries = {e["task"]: e["schedule"] for e in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["core.tasks.purge_expired_personal_data"] == 24 * 3600
    assert "reporter_contact" in retention.registered_kinds()


def test_contacts_of_long_concluded_claims_are_deleted_and_the_rest_kept():
    assert django_settings.PERSONAL_DATA_RETENTION_DAYS == 180
    expired = report_with_contact(claim_concluded(181), "+84911000001")
    dismissed = report_with_contact(claim_concluded(365, ClaimState.DISMISSED), "+84911000002")
    recent = report_with_contact(claim_concluded(179), "+84911000003")
    open_claim = claim_concluded(None, ClaimState.IN_VERIFICATION)
    still_open = report_with_contact(open_claim, "+84911000004")
    unmatched = Report.objects.create(channel="web", text="Chưa ghép vào tin nào")
    ReporterContact.objects.create(report=unmatched, phone="+84911000005")

    deleted = purge_expired_personal_data()  # the scheduled task itself

    assert deleted == 2
    kept = set(ReporterContact.objects.values_list("report_id", flat=True))
    assert kept == {recent.pk, still_open.pk, unmatched.pk}
    assert Report.objects.filter(pk__in=[expired.pk, dismissed.pk]).count() == 2  # reports stay
    record = PersonalDataPurge.objects.get(kind="reporter_contact")
    assert (record.count, record.retention_days) == (2, 180)
    entry = AuditEntry.objects.get(action="personal_data.purge", object_type="reporter_contact")
    assert entry.detail == {"count": 2, "retention_days": 180}
    assert "+849110" not in str(entry.detail)
    assert audit.verify().ok

    assert purge_expired_personal_data() == 0  # nothing left to do, and that run is recorded too
    assert PersonalDataPurge.objects.filter(kind="reporter_contact").count() == 2


def test_the_retention_period_comes_from_the_settings(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    report_with_contact(claim_concluded(31), "+84911000011")
    young = report_with_contact(claim_concluded(29), "+84911000012")
    assert purge_expired_personal_data() == 1
    assert list(ReporterContact.objects.values_list("report_id", flat=True)) == [young.pk]
    assert PersonalDataPurge.objects.get(kind="reporter_contact").retention_days == 30


def test_other_apps_plug_in_their_own_purger(extra_purger):
    seen: list[datetime] = []

    def purge_recordings(cutoff: datetime) -> int:
        seen.append(cutoff)
        return 0

    extra_purger("hotline_recording", purge_recordings)
    now = timezone.now()
    purge_expired_personal_data()
    assert len(seen) == 1 and abs((now - seen[0]) - timedelta(days=180)) < timedelta(minutes=1)
    assert PersonalDataPurge.objects.filter(kind="hotline_recording", count=0).exists()


def test_a_failing_purger_does_not_stop_the_others(extra_purger):
    def broken(cutoff: datetime) -> int:
        raise OSError("the recording store is unreachable")

    extra_purger("a_broken_store", broken)  # sorts before reporter_contact
    report_with_contact(claim_concluded(200), "+84911000021")
    with pytest.raises(retention.PurgeFailed, match="a_broken_store"):
        purge_expired_personal_data()
    assert not ReporterContact.objects.exists()
    assert PersonalDataPurge.objects.filter(kind="reporter_contact", count=1).exists()
    assert not PersonalDataPurge.objects.filter(kind="a_broken_store").exists()


def test_a_negative_retention_period_is_refused(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = -1
    with pytest.raises(ValueError):
        retention.cutoff_for()
