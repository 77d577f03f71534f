"""Referrals to agencies (deadline, answer as evidence) and takedown requests per reported link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEntry
from verification import actions, handling
from verification.models import Claim, EvidenceItem, Referral, TakedownRequest
from verification.workflow import IllegalTransition

from .conftest import RUMOUR
from .test_workflow import proposed

pytestmark = pytest.mark.django_db


def test_referral_with_deadline_and_the_answer_as_evidence(claim, verifier, as_user):
    client = as_user(verifier)
    deadline = timezone.localdate() + timedelta(days=3)
    past = client.post(f"/staff/claims/{claim.pk}/referrals/", {
        "agency": "Sở Y tế Hà Nội", "agency_kind": "province", "request": "Xác nhận",
        "deadline": (timezone.localdate() - timedelta(days=1)).isoformat()})
    assert past.status_code == 400 and "in the past" in past.content.decode()
    response = client.post(f"/staff/claims/{claim.pk}/referrals/", {
        "agency": "Sở Y tế Hà Nội", "agency_kind": "province",
        "request": "Đề nghị xác nhận có khuyến cáo nào về lá ổi hay không.", "deadline": deadline.isoformat()})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.deadline == deadline and not referral.is_overdue()
    assert referral.is_overdue(deadline + timedelta(days=1))
    answer = client.post(f"/staff/claims/{claim.pk}/referrals/{referral.pk}/answer/", {
        "summary": "Sở Y tế khẳng định không có khuyến cáo như vậy.",
        "file": SimpleUploadedFile("tra-loi.pdf", b"%PDF answer", content_type="application/pdf")})
    assert answer.status_code == 302
    referral.refresh_from_db()
    assert referral.answered_at is not None and referral.answered_by == verifier
    item = EvidenceItem.objects.get(referral=referral)
    assert item.kind == "agency_answer" and item.file_name == "tra-loi.pdf"
    assert not referral.is_overdue(deadline + timedelta(days=10))
    with pytest.raises(IllegalTransition, match="already has its answer"):
        handling.record_answer(referral, verifier, summary="lần hai")
    actions_seen = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"claim.referral", "claim.referral_answer", "claim.evidence"} <= actions_seen


def published(claim: Claim, verifier, editor, label: str = "fabricated") -> Claim:  # noqa: ANN001
    proposed(claim, verifier, label)
    return actions.approve(claim, editor)


def test_takedowns_only_for_published_false_verdicts(claim, verifier, editor, send_report):
    link = handling.reported_links(claim)[0]
    with pytest.raises(IllegalTransition, match="published fake or distorted"):
        handling.request_takedown(claim, verifier, url=link, platform="facebook")
    true_claim = Claim.objects.get(pk=send_report(
        "Bộ Y tế xác nhận đã phê duyệt vắc xin sốt xuất huyết mới cho trẻ em từ tháng sau, tiêm miễn phí",
        urls=("https://example.org/bai-viet",)).claim_id)
    published(true_claim, verifier, editor, "true")
    with pytest.raises(IllegalTransition, match="published fake or distorted"):
        handling.request_takedown(true_claim, verifier, url="https://example.org/bai-viet", platform="website")


def test_takedown_flow_counts_and_page(claim, verifier, editor, send_report, as_user):
    second = send_report(RUMOUR, urls=("https://www.tiktok.com/@laoi.demo/video/7390000000000000009",))
    assert second.claim_id == claim.pk
    published(claim, verifier, editor)
    claim.refresh_from_db()
    links = handling.reported_links(claim)
    assert len(links) == 2
    with pytest.raises(IllegalTransition, match="links reporters gave"):
        handling.request_takedown(claim, verifier, url="https://example.org/not-reported", platform="website")
    client = as_user(verifier)
    for link, platform in zip(links, ("facebook", "tiktok")):
        assert client.post(f"/staff/claims/{claim.pk}/takedowns/", {"url": link, "platform": platform}).status_code == 302
    first, second_request = TakedownRequest.objects.order_by("pk")
    client.post(f"/staff/claims/{claim.pk}/takedowns/{first.pk}/", {"status": "acknowledged"})
    client.post(f"/staff/claims/{claim.pk}/takedowns/{first.pk}/", {
        "status": "removed", "evidence_url": "https://example.org/anh-chup-bai-da-go"})
    client.post(f"/staff/claims/{claim.pk}/takedowns/{second_request.pk}/", {"status": "refused", "note": "Không vi phạm"})
    first.refresh_from_db()
    assert first.status == "removed" and first.acknowledged_at and first.resolved_at
    assert first.evidence.get().url == "https://example.org/anh-chup-bai-da-go"
    back = client.post(f"/staff/claims/{claim.pk}/takedowns/{first.pk}/", {"status": "acknowledged"})
    assert back.status_code == 409  # removed is final
    assert handling.takedown_summary(claim) == {
        "reported_links": 2, "requested": 2, "sent": 0, "acknowledged": 0, "removed": 1, "refused": 1}
    counts = handling.takedown_counts()
    assert counts["requested"] == 2 and counts["removed"] == 1 and counts["refused"] == 1
    assert counts["removed_facebook"] == 1
    assert handling.takedown_counts(since=timezone.now() + timedelta(days=1))["requested"] == 0
    html = client.get(f"/staff/claims/{claim.pk}/").content.decode()
    assert "1 of 2 reported links removed" in html
    assert AuditEntry.objects.filter(action="claim.takedown_update").count() == 3


def test_a_duplicate_takedown_is_refused(claim, verifier, editor):
    published(claim, verifier, editor)
    handling.request_takedown(claim, verifier, url=handling.reported_links(claim)[0], platform="facebook")
    with pytest.raises(IllegalTransition, match="already recorded"):
        handling.request_takedown(claim, verifier, url=handling.reported_links(claim)[0], platform="facebook")
    assert TakedownRequest.objects.count() == 1
