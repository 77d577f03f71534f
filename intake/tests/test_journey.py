"""The report → tracking code → status journey, on the site and over the API."""

import re

import pytest

from intake.models import Report, ReporterContact
from verification.models import Claim

pytestmark = pytest.mark.django_db


def test_web_report_gives_a_code_and_a_status_page(web, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post("/phan-anh/", {
            "text": "Tin đồn: uống nước chanh nóng chữa khỏi ung thư giai đoạn cuối",
            "urls": "https://www.facebook.com/tinnong/posts/123?fbclid=abc",
            "platform": "facebook", "province": "Hà Giang",
        })
    assert response.status_code == 302
    code = re.search(r"/theo-doi/([A-Z0-9-]+)/", response["Location"]).group(1)
    page = web.get(response["Location"])
    assert page.status_code == 200
    assert code in page.content.decode()
    report = Report.objects.get()
    assert report.province == "tuyen-quang"  # Hà Giang merged into Tuyên Quang in 2025
    assert report.channel == "web"
    assert report.claim is not None and Claim.objects.count() == 1


def test_api_report_and_status(web, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = web.post("/api/v1/reports", {
            "text": "Nhắn tin trúng thưởng xe máy, bấm link để nhận quà", "urls": ["https://bit.ly/abc"],
            "platform": "zalo", "topic": "scam_link", "province": "ha-noi",
            "contact": {"email": "nguoibao@example.com", "phone": "0912345678", "consent": True},
        }, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "received"
    status = web.get(f"/api/v1/reports/{body['tracking_code']}")
    assert status.status_code == 200
    assert status.json()["tracking_code"] == body["tracking_code"]
    assert "nguoibao" not in status.content.decode()
    contact = ReporterContact.objects.get()
    assert contact.phone == "+84912345678" and contact.consent_to_contact
