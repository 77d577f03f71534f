"""Telling reporters: once each, by e-mail or SMS, through the outbox; and the already-debunked path."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from core import outbox
from core.models import OutboxTask
from core.sms import LoggingSmsSender
from intake.selectors import report_status
from verification import actions, notifications
from verification.models import Claim, ClaimState, Notification
from verification.selectors import resurfacing

from .conftest import RUMOUR, RUMOUR_UNACCENTED
from .test_workflow import proposed

pytestmark = pytest.mark.django_db

HOTLINE_CALLER = {"name": "Lê Thị Hoa", "phone": "0912345678"}


@pytest.fixture(autouse=True)
def _no_sms_left():
    LoggingSmsSender.sent.clear()
    yield
    LoggingSmsSender.sent.clear()


def publish(claim: Claim, verifier, editor, capture) -> Claim:  # noqa: ANN001
    proposed(claim, verifier)
    with capture(execute=True):
        actions.approve(claim, editor)
    return Claim.objects.get(pk=claim.pk)


def test_consenting_reporters_are_told_once_by_email_or_sms(claim, send_report, verifier, editor,
                                                            django_capture_on_commit_callbacks, caplog):
    send_report(RUMOUR, channel="hotline", contact=HOTLINE_CALLER)
    send_report(RUMOUR_UNACCENTED)  # anonymous: nobody to tell
    mail.outbox.clear()
    with caplog.at_level(logging.INFO, logger="core.sms"):
        claim = publish(claim, verifier, editor, django_capture_on_commit_callbacks)
    verdict = claim.verdict
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["binh.demo@example.com"]
    assert verdict.get_absolute_url() in message.body and verdict.title in message.body
    assert len(LoggingSmsSender.sent) == 1 and verdict.get_absolute_url() in LoggingSmsSender.sent[0]["text"]
    assert "0912345678" not in caplog.text and "+84912345678" not in caplog.text  # never the number in clear
    rows = Notification.objects.order_by("channel")
    assert [(n.channel, n.revision, n.sent_at is not None) for n in rows] == [("email", 1, True), ("sms", 1, True)]
    # Everything again (a sweeper re-run, a duplicate message): nobody is told twice.
    for task in OutboxTask.objects.filter(kind=notifications.NOTIFY_REPORTER):
        OutboxTask.objects.filter(pk=task.pk).update(done_at=None)
        assert outbox.run(task.pk) == "done"
    assert len(mail.outbox) == 1 and len(LoggingSmsSender.sent) == 1 and Notification.objects.count() == 2


def test_the_handler_run_twice_sends_one_message(claim, verifier, editor, django_capture_on_commit_callbacks):
    proposed(claim, verifier)
    actions.approve(claim, editor)  # callbacks not run: we call the handler ourselves
    report = claim.reports.get(contact__isnull=False)
    payload = {"report_id": report.pk, "verdict_id": claim.verdict.pk, "revision": 1}
    mail.outbox.clear()
    notifications.notify_reporter(payload)
    notifications.notify_reporter(payload)
    assert len(mail.outbox) == 1 and Notification.objects.get().sent_at is not None


def test_a_failed_send_is_retried_and_then_sent_once(claim, verifier, editor, settings,
                                                    django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "verification.tests.flaky_mail.FailingOnceBackend"
    from . import flaky_mail

    flaky_mail.reset()
    publish(claim, verifier, editor, django_capture_on_commit_callbacks)
    task = OutboxTask.objects.get(kind=notifications.NOTIFY_REPORTER)
    assert task.done_at is None and task.attempts == 1 and "refused" in task.last_error
    assert not Notification.objects.exists()  # rolled back with the failed attempt
    OutboxTask.objects.filter(pk=task.pk).update(available_at=task.created_at)
    assert outbox.run(task.pk) == "done"
    assert flaky_mail.delivered == 1 and Notification.objects.get().sent_at is not None
    assert outbox.run(task.pk) == "skipped"
    assert flaky_mail.delivered == 1


def test_reporters_without_consent_are_not_told(send_report, verifier, editor, django_capture_on_commit_callbacks):
    report = send_report(RUMOUR)
    from intake.models import ReporterContact

    ReporterContact.objects.create(report=report, email="khong.dongy@example.com", consent_to_contact=False)
    claim = Claim.objects.get(pk=report.claim_id)
    mail.outbox.clear()
    publish(claim, verifier, editor, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not Notification.objects.exists()


def test_already_debunked_reports_are_concluded_at_once(claim, send_report, verifier, editor,
                                                       django_capture_on_commit_callbacks, as_user):
    publish(claim, verifier, editor, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    late = send_report(RUMOUR_UNACCENTED, contact={"name": "Đỗ An", "email": "an.do@example.net"})
    assert late.claim_id == claim.pk
    status = report_status(late)
    assert status["status"] == "concluded" and status["verdict"]["url"].endswith(claim.verdict.get_absolute_url())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["an.do@example.net"]
    claim.refresh_from_db()
    assert claim.resurfaced_count == 1 and claim.state == ClaimState.PUBLISHED
    # A surge of the debunked rumour raises the queue's alert.
    for _ in range(2):
        send_report(RUMOUR)
    rows = resurfacing(editor)
    assert [(r.claim.pk, r.recent, r.alert) for r in rows] == [(claim.pk, 3, True)]
    html = as_user(editor).get("/staff/claims/").content.decode()
    assert "Debunked rumour resurfacing" in html and f"/staff/claims/{claim.pk}/" in html


def test_the_status_page_links_the_verdict(claim, send_report, verifier, editor, web,
                                           django_capture_on_commit_callbacks):
    publish(claim, verifier, editor, django_capture_on_commit_callbacks)
    late = send_report(RUMOUR)
    html = web.get(f"/theo-doi/{late.display_code}/").content.decode()
    assert claim.verdict.get_absolute_url() in html and claim.verdict.title in html


def test_sms_sender_is_chosen_by_a_setting(settings):
    from core.sms import SmsSender, get_sender

    assert isinstance(get_sender(), LoggingSmsSender)
    settings.SMS_SENDER = "verification.tests.flaky_mail.NotASender"
    with pytest.raises(TypeError, match="send"):
        get_sender()
    assert isinstance(LoggingSmsSender(), SmsSender)
