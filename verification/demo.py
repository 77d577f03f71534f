"""Demo claims in different states, so a new user finds the desk with something to show.

Called by `manage.py load_demo` after the demo reports were matched and the demo staff
accounts exist. It works through the real services (propose, approve, refer, request a
takedown) as the demo verifier and editor, so the audit log, the verdict's revision history
and the reporters' notifications look exactly as they would after real work. Every verdict
text here was written for the demo about an invented rumour. Development only.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from intake.models import Report

from . import actions, handling
from .actions import VerdictText
from .models import Claim, ClaimState, Referral

VERIFIER = "demo-verifier"
EDITOR = "demo-editor"
# The original report of each demo rumour staged here (keys of intake.demo_reports); rumours
# that publishing.demo does not conclude, so the two demo loaders never touch the same claim.
PUBLISHED_KEY = "vo-dap-1"
REVIEW_KEY = "thu-hoi-dat-1"
REFERRAL_KEY = "bat-coc-1"

PUBLISHED_TEXT = VerdictText(
    title="Đập thủy điện Khe Mây không bị nứt, không có lệnh sơ tán",
    claim_reviewed="Đập thủy điện Khe Mây đã nứt một đoạn dài và có thể vỡ trong đêm; dân vùng hạ du "
                   "phải tự sơ tán ngay.",
    explanation="Ban chỉ huy phòng chống thiên tai của tỉnh đã kiểm tra đập trong ngày: thân đập không có "
                "vết nứt, mực nước hồ dưới mức cho phép. Không có lệnh sơ tán nào. Khi cần sơ tán, chính "
                "quyền thông báo qua loa phát thanh và tin nhắn chính thức. (Nội dung minh họa cho bản demo.)",
    sources=[{"title": "Thông báo của Ban chỉ huy phòng chống thiên tai (minh họa)",
              "url": "https://example.org/demo/phong-chong-thien-tai"}],
)
REVIEW_TEXT = VerdictText(
    title="Quyết định thu hồi toàn bộ đất nông nghiệp của ba xã là giả mạo",
    claim_reviewed="UBND tỉnh ra quyết định thu hồi toàn bộ đất nông nghiệp của ba xã làm khu công "
                   "nghiệp và yêu cầu dân nộp sổ đỏ trước ngày 30.",
    explanation="Văn phòng UBND tỉnh xác nhận không ban hành quyết định này; số hiệu văn bản không có "
                "trong sổ văn bản đi, con dấu bị ghép. Thu hồi đất phải có thông báo và phương án bồi "
                "thường công khai. (Nội dung minh họa cho bản demo.)",
    sources=[{"title": "Xác nhận của Văn phòng UBND tỉnh (minh họa)", "url": "https://example.org/demo/ubnd-tinh"}],
)


# Neutral titles (the subject, not the rumour's assertion) the home page lists these open claims by.
PUBLIC_TITLES = {
    REVIEW_KEY: "Thông tin về việc thu hồi đất nông nghiệp của ba xã",
    REFERRAL_KEY: "Thông tin về một vụ bắt cóc trẻ em trước cổng trường",
}


def _claim_of(key: str) -> Claim | None:
    from intake.management.commands.load_demo import demo_tracking_code

    report = Report.objects.filter(tracking_code=demo_tracking_code(key)).select_related("claim").first()
    return report.claim if report is not None else None


def _start(claim: Claim, verifier) -> None:  # noqa: ANN001
    if claim.state == ClaimState.NEW:
        actions.transition(claim, ClaimState.TRIAGED, verifier)
    if claim.state == ClaimState.TRIAGED:
        actions.transition(claim, ClaimState.IN_VERIFICATION, verifier)


def stage_demo_claims() -> list[str]:
    """Put three demo claims into other states; claims already moved on are left alone.

    The two open ones get an approved neutral title, so the home page lists them.
    """
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo claims are staged only with DEBUG on (TINGIA_DEBUG=1).")
    users = {u.username: u for u in get_user_model()._default_manager.filter(username__in=[VERIFIER, EDITOR])}
    if len(users) < 2:
        return ["Demo claims: not staged (the demo verifier and editor accounts are missing)."]
    verifier, editor = users[VERIFIER], users[EDITOR]
    lines = []
    published = _claim_of(PUBLISHED_KEY)
    if published is not None and published.state == ClaimState.NEW:
        _start(published, verifier)
        actions.propose(published, verifier, "fabricated", PUBLISHED_TEXT)
        actions.approve(published, editor)
        published.refresh_from_db()
        links = handling.reported_links(published)
        if links:
            handling.request_takedown(published, verifier, url=links[0], platform="facebook",
                                      note="Demo: gửi yêu cầu gỡ bài qua kênh hỗ trợ của nền tảng.")
    if published is not None and published.state == ClaimState.PUBLISHED:
        lines.append(f"claim {published.pk}: published verdict (Tin giả) with a takedown request")
    review = _claim_of(REVIEW_KEY)
    if review is not None and review.state == ClaimState.NEW:
        _start(review, verifier)
        actions.propose(review, verifier, "fabricated", REVIEW_TEXT)
    if review is not None and review.state == ClaimState.AWAITING_REVIEW:
        lines.append(f"claim {review.pk}: awaiting review (proposed by {VERIFIER}; approve as {EDITOR})")
    referred = _claim_of(REFERRAL_KEY)
    if referred is not None and referred.state == ClaimState.NEW:
        _start(referred, verifier)
        handling.refer(referred, verifier, agency="Công an tỉnh (minh họa)",
                       agency_kind=Referral.AgencyKind.POLICE,
                       request="Đề nghị xác nhận có vụ trẻ em bị bắt cóc trước cổng trường như tin đồn nêu không.",
                       deadline=timezone.localdate() + timedelta(days=3))
        actions.assign(referred, verifier, verifier)
    if referred is not None and referred.referrals.exists():
        lines.append(f"claim {referred.pk}: in verification with a referral to an agency")
    for key, title in PUBLIC_TITLES.items():
        claim = _claim_of(key)
        if claim is None or claim.state not in (ClaimState.TRIAGED, ClaimState.IN_VERIFICATION,
                                                 ClaimState.AWAITING_REVIEW):
            continue
        if not claim.public_title:  # written by the verifier, approved by the editor (two people)
            actions.propose_public_title(claim, verifier, title)
            actions.approve_public_title(claim, editor, title)
        lines.append(f"claim {claim.pk}: listed on the home page as “{claim.public_title}”")
    return lines
