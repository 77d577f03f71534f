"""The hotline, e-mail and chat desks reuse the one validation (ReportForm) and the one service
(submit_report): no channel-specific copy of the rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from core.reference import Channel
from intake.forms import ReportForm
from intake.models import Report, ReporterContact
from intake.services import ReportSubmission, submit_report

pytestmark = pytest.mark.django_db


def take_down(channel: str, data: dict, files: dict | None = None, **extra) -> Report:
    """What a desk does with a call or a mail: fill the form, then submit through the service."""
    form = ReportForm(data=data, files=files)
    assert form.is_valid(), form.errors
    return submit_report(ReportSubmission.from_form(form.cleaned_data, channel, **extra))


@pytest.mark.parametrize("channel", [Channel.HOTLINE, Channel.EMAIL, Channel.CHAT])
def test_a_desk_report_is_stored_with_its_channel(channel):
    operator = User.objects.create_user("tongdaivien", password="mat-khau-dai-du-12")
    report = take_down(channel, {
        "text": "Người gọi kể: có tin nhắn báo trúng thưởng 500 triệu", "urls": "https://example.com/trung-thuong",
        "platform": "zalo", "topic": "scam_link", "province": "Thừa Thiên Huế",
        "contact_phone": "0912.345.678", "consent": "on",
    }, entered_by=operator, language="vi")
    assert report.channel == channel and report.entered_by == operator
    assert report.province == "hue" and report.links.get().url == "https://example.com/trung-thuong"
    assert ReporterContact.objects.get(report=report).phone == "+84912345678"


@pytest.mark.parametrize("channel", [Channel.HOTLINE, Channel.EMAIL])
def test_a_desk_gets_the_same_refusals_as_the_web_and_the_api(channel):
    cases = [
        ({}, "__all__", "empty_report"),
        ({"text": "x" * 10_001}, "text", "max_length"),
        ({"urls": "ftp://example.com/a"}, "urls", "invalid_link"),
        ({"text": "Tin", "province": "Atlantis"}, "province", "unknown_province"),
        ({"text": "Tin", "contact_phone": "123", "consent": "on"}, "contact_phone", "invalid_phone"),
        ({"text": "Tin\x00"}, "text", "control_characters"),
    ]
    for data, field, code in cases:
        form = ReportForm(data=data)
        assert not form.is_valid()
        assert code in [e.code for e in form.errors.as_data()[field]], (data, form.errors)
    assert not Report.objects.exists()


def test_the_web_form_is_the_report_form_plus_a_honeypot():
    from intake.forms import WebReportForm

    shared = set(ReportForm.base_fields) - {"language"}
    assert shared <= set(WebReportForm.base_fields)
    assert set(WebReportForm.base_fields) - shared == {"homepage"}
