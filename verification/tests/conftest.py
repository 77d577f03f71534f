"""Helpers for the desk's tests: staff of each role, and reports sent in through the real intake.

Reports go through ReportForm and submit_report, and matching runs through the outbox (the
callbacks of the commit are executed), so claims are grouped exactly as in production.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from core.roles import ADMIN, EDITOR, OPERATOR, VERIFIER
from core.tests.staff_support import make_staff, sign_in
from intake.forms import ReportForm
from intake.models import Report
from intake.services import ReportSubmission, submit_report
from verification.models import Claim


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the source language); the site defaults to Vietnamese."""
    with translation.override("en"):
        yield


@pytest.fixture
def verifier(db):
    return make_staff("lan.verifier", VERIFIER)


@pytest.fixture
def editor(db):
    return make_staff("minh.editor", EDITOR)


@pytest.fixture
def editor2(db):
    return make_staff("hoa.editor", EDITOR)


@pytest.fixture
def operator(db):
    return make_staff("tuan.operator", OPERATOR)


@pytest.fixture
def admin_user(db):
    return make_staff("an.admin", ADMIN)


@pytest.fixture
def as_user(client):
    """as_user(user) -> a test client signed in (and two-factor verified where the role needs it)."""

    def sign(user: Any) -> Any:
        client.logout()
        client.defaults["HTTP_HOST"] = "127.0.0.1"
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return sign_in(client, user)

    return sign


@pytest.fixture
def send_report(django_capture_on_commit_callbacks):
    """send_report(text, ...) -> the stored Report, matched into a claim through the outbox."""

    def send(text: str = "", *, urls: tuple[str, ...] = (), channel: str = "web", platform: str = "facebook",
             topic: str = "", province: str = "", contact: dict[str, str] | None = None,
             entered_by: Any = None, language: str = "vi") -> Report:
        contact = contact or {}
        form = ReportForm(data={
            "text": text, "urls": list(urls), "platform": platform, "topic": topic, "province": province,
            "contact_name": contact.get("name", ""), "contact_email": contact.get("email", ""),
            "contact_phone": contact.get("phone", ""), "consent": bool(contact),
        })
        assert form.is_valid(), form.errors.as_text()
        with django_capture_on_commit_callbacks(execute=True):
            report = submit_report(ReportSubmission.from_form(form.cleaned_data, channel=channel, language=language,
                                                              entered_by=entered_by))
        report.refresh_from_db()
        assert report.claim_id is not None, "matching did not run"
        return report

    return send


RUMOUR = ("Đun sôi lá ổi non uống ba lần mỗi ngày là khỏi hẳn tiểu đường tuýp 2 sau mười ngày, "
          "không cần dùng thuốc của bác sĩ nữa, chia sẻ cho người thân ngay")
RUMOUR_UNACCENTED = ("Dun soi la oi non uong ba lan moi ngay la khoi han tieu duong tuyp 2 sau muoi ngay, "
                     "khong can dung thuoc cua bac si nua, chia se cho nguoi than ngay")
OTHER_RUMOUR = ("Ngân hàng Đông Phong mất thanh khoản và sẽ đóng cửa vào thứ Sáu tuần này, ai có tiền gửi "
                "thì rút hết ra ngay hôm nay trước khi quá muộn")
THIRD_RUMOUR = ("Bão số 9 sẽ đổ bộ thẳng vào Đà Nẵng đêm nay với sức gió cấp 17, mọi người phải sơ tán "
                "khỏi thành phố trước 6 giờ tối theo lệnh khẩn")
POST = "https://www.facebook.com/groups/suckhoe.demo/posts/410293847561/"


@pytest.fixture
def claim(send_report) -> Claim:
    """A claim of two reports (one with a link and a consenting e-mail contact)."""
    first = send_report(RUMOUR, urls=(POST,), topic="health", province="ha-noi",
                        contact={"name": "Nguyễn Văn Bình", "email": "binh.demo@example.com"})
    second = send_report(RUMOUR_UNACCENTED, platform="zalo", province="nghe-an")
    assert first.claim_id == second.claim_id
    return Claim.objects.get(pk=first.claim_id)
