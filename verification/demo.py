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
# The original report of each demo rumour staged here (keys of intake.demo_reports).
PUBLISHED_KEY = "la-oi-1"
REVIEW_KEY = "vac-xin-soi-1"
REFERRAL_KEY = "pha-san-1"

PUBLISHED_TEXT = VerdictText(
    title="Nước lá ổi không chữa khỏi tiểu đường tuýp 2",
    claim_reviewed="Uống nước lá ổi non ba lần mỗi ngày chữa khỏi hẳn tiểu đường tuýp 2 sau mười ngày, "
                   "không cần dùng thuốc.",
    explanation="Không có nghiên cứu nào cho thấy nước lá ổi chữa khỏi tiểu đường tuýp 2. Đây là bệnh mạn "
                "tính cần điều trị lâu dài theo chỉ định của bác sĩ; tự ý bỏ thuốc có thể gây biến chứng "
                "nguy hiểm. (Nội dung minh họa cho bản demo.)",
    sources=[{"title": "Hướng dẫn điều trị đái tháo đường (minh họa)", "url": "https://example.org/demo/dai-thao-duong"}],
)
REVIEW_TEXT = VerdictText(
    title="Không có trẻ tử vong vì lô vắc xin sởi bị lỗi",
    claim_reviewed="Lô vắc xin sởi tiêm đợt này bị lỗi và đã làm 5 trẻ tử vong ở trạm y tế xã.",
    explanation="Cơ quan y tế địa phương xác nhận không ghi nhận ca tử vong nào sau tiêm; lô vắc xin đạt "
                "yêu cầu kiểm định. (Nội dung minh họa cho bản demo.)",
    sources=[{"title": "Thông báo của trung tâm kiểm soát bệnh tật (minh họa)",
              "url": "https://example.org/demo/vac-xin-soi"}],
)


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
    """Put three demo claims into other states; claims already moved on are left alone."""
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
        handling.refer(referred, verifier, agency="Ngân hàng Nhà nước (minh họa)",
                       agency_kind=Referral.AgencyKind.MINISTRY,
                       request="Đề nghị xác nhận tình hình thanh khoản của ngân hàng được nêu trong tin đồn.",
                       deadline=timezone.localdate() + timedelta(days=3))
        actions.assign(referred, verifier, verifier)
    if referred is not None and referred.referrals.exists():
        lines.append(f"claim {referred.pk}: in verification with a referral to an agency")
    return lines
