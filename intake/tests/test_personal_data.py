"""Contact details: never shown on status pages, never written to logs, stored apart from the
report and deletable on their own."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import override_settings

from core.logging import PersonalDataFilter
from intake.models import Report, ReporterContact

from .conftest import API_REPORTS, FORM, post_json

pytestmark = pytest.mark.django_db

NAME = "Zyxwora Quelthani"
EMAIL = "zyx.quel.7731@example.org"
PHONE_TYPED = "0987 654 321"
PHONE_DIGITS = "987654321"  # in every spelling: 0987654321, +84987654321, 0987 654 321
TEXT = "Tin giả: nước muối chữa được cúm gia cầm"


def contains_personal_data(text: str) -> bool:
    digits_only = re.sub(r"\D", "", text)
    return (EMAIL in text or "zyx.quel" in text or NAME in text or "Zyxwora" in text
            or PHONE_DIGITS in digits_only.replace("84" + PHONE_DIGITS, PHONE_DIGITS))


def submit_web(client):
    return client.post(FORM, {"text": TEXT, "contact_name": NAME, "contact_email": EMAIL,
                              "contact_phone": PHONE_TYPED, "consent": "on"})


def submit_api(client):
    return post_json(client, {"text": TEXT, "contact": {"name": NAME, "email": EMAIL, "phone": PHONE_TYPED,
                                                        "consent": True}})


def test_the_marker_detects_every_spelling():
    assert contains_personal_data("call +84987654321") and contains_personal_data("0987 654 321")
    assert contains_personal_data(f"mail {EMAIL}") and not contains_personal_data("report 42 stored")


def test_status_page_and_status_api_never_show_contact_details(web):
    code = submit_api(web).json()["tracking_code"]
    submit_web(web)
    web_code = Report.objects.get(channel="web").display_code
    assert ReporterContact.objects.count() == 2
    for url in (f"{API_REPORTS}/{code}", f"/theo-doi/{code}/", f"/theo-doi/{web_code}/?new=1",
                f"{API_REPORTS}/{web_code}"):
        response = web.get(url)
        assert response.status_code == 200, url
        assert not contains_personal_data(response.content.decode()), url


class Capture(logging.Handler):
    """Keeps a copy of each record as it arrives (a filter further up may rewrite the original)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(logging.makeLogRecord(dict(vars(record))))


@pytest.fixture
def every_log_record():
    """Every record of every logger at DEBUG: the root logger and celery's own loggers.

    The capture is each logger's first handler, so it copies records before any filter on
    the configured handlers could rewrite them: what is checked is what the code logged.
    """
    handler = Capture()
    loggers = [logging.getLogger(), logging.getLogger("celery"), logging.getLogger("celery.app.trace"),
               logging.getLogger("celery.task"), logging.getLogger("django")]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.handlers.insert(0, handler)  # first in line: sees each record before any scrubbing filter
        lg.setLevel(logging.DEBUG)
        lg.disabled = False
    yield handler.records
    for lg, level, disabled in saved:
        lg.removeHandler(handler)
        lg.setLevel(level)
        lg.disabled = disabled


def _record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.args), str(record.msg)]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    parts.append(repr({k: v for k, v in vars(record).items() if k not in {"exc_info", "args", "msg"}}))
    return "\n".join(parts)


def test_contact_details_appear_in_no_log_record(web, every_log_record, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # matching and the Celery task run too
        assert submit_web(web).status_code == 302
        assert submit_api(web).status_code == 201
        # Refusals log too (django.request warnings): still nothing personal.
        assert web.post(FORM, {"text": "", "contact_email": EMAIL, "contact_phone": PHONE_TYPED}).status_code == 400
        assert post_json(web, {"text": "", "contact": {"email": EMAIL, "phone": "0987654321x"}}).status_code == 400
    assert ReporterContact.objects.count() == 2
    assert every_log_record, "the capture should see the requests' own log lines"
    leaks = [_record_text(r) for r in every_log_record if contains_personal_data(_record_text(r))]
    assert not leaks, leaks[:3]


@override_settings(DEBUG=True)
def test_debug_sql_logging_is_scrubbed_by_the_configured_filter(web, every_log_record):
    """With DEBUG on, Django logs every query with its values: the configured handler must
    not write the contact row's values out."""
    console = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, PersonalDataFilter) for f in h.filters))
    assert submit_api(web).status_code == 201
    sql = [r for r in every_log_record if r.name == "django.db.backends"]
    assert any(contains_personal_data(_record_text(r)) for r in sql), "the raw query log does hold the values"
    for record in every_log_record:
        copy = logging.makeLogRecord(dict(vars(record)))
        if console.filter(copy):
            assert not contains_personal_data(console.format(copy)), console.format(copy)[:300]


def test_contact_details_are_stored_apart_and_deleting_them_keeps_the_report(web):
    code = submit_api(web).json()["tracking_code"]
    report = Report.objects.get()
    assert not contains_personal_data(report.text)
    contact = ReporterContact.objects.get(report=report)
    assert (contact.name, contact.email, contact.phone) == (NAME, EMAIL, "+84" + PHONE_DIGITS)
    assert contact.consent_to_contact and contact.consent_text_version
    contact.delete()
    report.refresh_from_db()
    assert report.text == TEXT and not ReporterContact.objects.exists()
    assert web.get(f"{API_REPORTS}/{code}").status_code == 200


def test_no_contact_row_without_contact_details(web):
    assert post_json(web, {"text": TEXT}).status_code == 201
    assert not ReporterContact.objects.exists()
