"""A verifier and an editor take a claim from the queue to a published verdict, in a real browser.

The reports come in through the real intake service and matching; both people sign in
through the staff login page and type real TOTP codes from devices created here; every step
is a click or a typed field on the desk's pages (no JavaScript on them, so none is needed).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.roles import EDITOR, VERIFIER
from core.tests.staff_support import PASSWORD, enrol_device, make_staff
from intake.models import Report
from intake.services import ContactInput, ReportSubmission, submit_report
from verification.models import Claim, ClaimState, Referral, TakedownRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUMOUR = ("Khẩn cấp: đập thủy điện Khe Mây đã nứt một đoạn dài, có thể vỡ trong đêm nay, bà con vùng "
          "hạ du sơ tán lên chỗ cao ngay, không chờ thông báo của chính quyền")
COPY = ("Khan cap: dap thuy dien Khe May da nut mot doan dai, co the vo trong dem nay, ba con vung "
        "ha du so tan len cho cao ngay, khong cho thong bao cua chinh quyen")
POST = "https://www.facebook.com/canhbao.thientai.demo/posts/pfbid0browserKheMay"


def reports_of_one_rumour() -> Claim:
    """Two reports through the real intake path; matching groups them (outbox runs on commit)."""
    first = submit_report(ReportSubmission(channel="web", text=RUMOUR, urls=[POST], platform="facebook",
                                           topic="disaster_epidemic", province="da-nang",
                                           contact=ContactInput(name="Võ Thị Mai", email="mai.demo@example.com",
                                                                consent=True)))
    second = submit_report(ReportSubmission(channel="api", text=COPY, platform="zalo", province="da-nang"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.claim_id is not None and first.claim_id == second.claim_id, "matching did not group them"
    return Claim.objects.get(pk=first.claim_id)


def test_queue_to_published_verdict_with_referral_and_takedown(browser):
    verifier = make_staff("lan.verifier", VERIFIER)
    editor = make_staff("minh.editor", EDITOR)
    verifier_device, editor_device = enrol_device(verifier), enrol_device(editor)
    claim = reports_of_one_rumour()

    # --- the verifier: from the queue to a proposal -------------------------------------------
    browser.sign_in(verifier.username, PASSWORD, verifier_device)
    browser.visit("/staff/claims/")
    browser.fill("q", "thuy dien khe may")  # searching without accents finds the accented claim
    browser.press("form.filters button[type=submit]")
    browser.press(f"a.claim-link[href='/staff/claims/{claim.pk}/']")
    assert browser.path == f"/staff/claims/{claim.pk}/"
    assert "Khe Mây" in browser.text and "m***@example.com" in browser.text  # contact masked
    browser.press("#do-triage")
    browser.press("#do-start")
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.IN_VERIFICATION

    deadline = timezone.localdate() + timedelta(days=2)
    browser.find("#referrals details summary").click()
    browser.fill("agency", "Ban chỉ huy phòng chống thiên tai tỉnh", within="form.referral-form")
    browser.fill("agency_kind", "province", within="form.referral-form")
    browser.fill("request", "Đề nghị xác nhận tình trạng đập Khe Mây.", within="form.referral-form")
    browser.fill("deadline", deadline.isoformat(), within="form.referral-form")
    browser.press("form.referral-form button[type=submit]")
    assert "Referral recorded" in browser.text or "Ban chỉ huy" in browser.text

    browser.choose("outcome", "fabricated", within="form.verdict-form")
    browser.fill("title", "Đập Khe Mây không bị nứt, không có lệnh sơ tán", within="form.verdict-form")
    browser.fill("claim_reviewed", "Đập thủy điện Khe Mây đã nứt và sắp vỡ.", within="form.verdict-form")
    browser.fill("explanation", "Cơ quan phòng chống thiên tai đã kiểm tra: thân đập không nứt.",
                 within="form.verdict-form")
    browser.fill("sources", "Thông báo phòng chống thiên tai | https://example.org/pctt", within="form.verdict-form")
    browser.press("#do-propose")
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.AWAITING_REVIEW
    assert "do-approve" not in browser.driver.page_source  # a verifier cannot publish

    # --- the editor: review, publish, ask the platform to take the post down -------------------
    browser.sign_in(editor.username, PASSWORD, editor_device)
    browser.visit("/staff/claims/?state=awaiting_review")
    browser.press(f"a.claim-link[href='/staff/claims/{claim.pk}/']")
    assert "Đập Khe Mây không bị nứt" in browser.text
    browser.press("#do-approve")
    claim.refresh_from_db()
    assert claim.state == ClaimState.PUBLISHED and claim.concluded_at is not None
    revision = claim.verdict.revisions.get()
    assert (revision.proposed_by, revision.approved_by) == (verifier, editor)

    browser.fill("platform", "facebook", within="form.takedown-form")
    browser.press("form.takedown-form button[type=submit]")
    request = TakedownRequest.objects.get(claim=claim)
    browser.fill("status", "removed", within="form.takedown-update")
    browser.press("form.takedown-update button[type=submit]")
    request.refresh_from_db()
    assert request.status == "removed" and request.resolved_at is not None
    assert browser.find("#links-removed").text.strip() == "1 / 1"

    referral = Referral.objects.get(claim=claim)
    assert referral.deadline == deadline and referral.created_by == verifier
    # The consenting reporter was told, with the link to the verdict.
    assert [m.to for m in mail.outbox] == [["mai.demo@example.com"]]
    assert claim.verdict.get_absolute_url() in mail.outbox[0].body
    report = Report.objects.filter(claim=claim).order_by("pk").first()
    browser.visit(f"/theo-doi/{report.display_code}/")
    assert claim.verdict.title in browser.text
