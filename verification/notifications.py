"""Telling reporters the outcome: once each, by e-mail or SMS, in the background.

Publishing a verdict schedules one fan-out task; it schedules one task per reporter who
consented to be contacted (keyed by report, verdict and publication revision, so a second
publish of the same revision or a resurfacing report cannot schedule a second message).
A report that joins an already published claim schedules its own task the same way.

Delivery guarantee (our choice): AT-LEAST-ONCE, with duplicates confined to one narrow
window. The handler first inserts the reporter's Notification row (unique on report,
verdict, revision), then sends, then marks the row sent, all inside the outbox task's
transaction, which also records the task as done. A second run of the task, a concurrent
run, a sweeper re-run after a crash before sending, all find the row (or wait on its unique
index) and send nothing. A send that fails rolls the row back and the outbox retries with
backoff. Only a worker killed after the gateway accepted the message and before the commit
leads to a second message. We accept that rather than at-most-once (marking the row in its
own transaction first), because a reporter who is never told is the worse failure and the
window is a few milliseconds; the e-mail's Message-ID and the SMS reference are stable
across retries, so mail clients and gateways that deduplicate will drop the rare second copy.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import outbox
from core.personal import report_contact
from core.sms import get_sender
from intake.models import Report

from .models import Claim, Notification, Verdict

log = logging.getLogger(__name__)

NOTIFY_CLAIM = "verification.notify_claim"
NOTIFY_REPORTER = "verification.notify_reporter"
QUEUE = "notifications"


def reporter_task_key(report_id: int, verdict_id: int, revision: int) -> str:
    return f"notify:report:{report_id}:verdict:{verdict_id}:rev:{revision}"


def schedule_claim_notifications(verdict: Verdict) -> None:
    """Call in the publishing transaction: the fan-out runs once it commits."""
    outbox.schedule(NOTIFY_CLAIM, f"notify:claim:{verdict.claim_id}:verdict:{verdict.pk}:rev:{verdict.revision}",
                    {"verdict_id": verdict.pk, "revision": verdict.revision})


def schedule_report_notification(report: Report, verdict: Verdict) -> bool:
    """Tell one reporter about the current publication, if they consented; True when scheduled."""
    contact = report_contact(report)
    if contact is None or not contact.consent_to_contact or not (contact.email or contact.phone):
        return False
    outbox.schedule(NOTIFY_REPORTER, reporter_task_key(report.pk, verdict.pk, verdict.revision),
                    {"report_id": report.pk, "verdict_id": verdict.pk, "revision": verdict.revision})
    return True


@outbox.handler(NOTIFY_CLAIM, queue=QUEUE)
def fan_out(payload: dict[str, Any]) -> None:
    """Schedule one task per consenting reporter of the verdict's claim."""
    verdict = Verdict.objects.filter(pk=payload["verdict_id"]).select_related("claim").first()
    if verdict is None or not verdict.is_public or verdict.revision != payload["revision"]:
        return  # withdrawn or republished since: the newer publication has its own fan-out
    reports = (Report.objects.filter(claim=verdict.claim, contact__consent_to_contact=True)
               .select_related("contact").order_by("pk"))
    for report in reports.iterator(chunk_size=500):
        schedule_report_notification(report, verdict)


@outbox.handler(NOTIFY_REPORTER, queue=QUEUE)
def notify_reporter(payload: dict[str, Any]) -> None:
    """Send one reporter one message; the Notification row makes a second run a no-op."""
    report = Report.objects.filter(pk=payload["report_id"]).select_related("contact").first()
    verdict = Verdict.objects.filter(pk=payload["verdict_id"]).first()
    if report is None or verdict is None or not verdict.is_public or report.claim_id != verdict.claim_id:
        return  # withdrawn, or the report was moved to another claim: nothing true to tell
    contact = report_contact(report)
    if contact is None or not contact.consent_to_contact:
        return  # consent withdrawn, or contact purged by retention
    channel = Notification.Channel.EMAIL if contact.email else Notification.Channel.SMS
    if channel == Notification.Channel.SMS and not contact.phone:
        return
    try:
        with transaction.atomic():
            note = Notification.objects.create(report=report, verdict=verdict,
                                               revision=int(payload["revision"]), channel=channel)
    except IntegrityError:
        return  # told already
    reference = reporter_task_key(report.pk, verdict.pk, note.revision)
    with translation.override(report.language or settings.LANGUAGE_CODE):
        if channel == Notification.Channel.EMAIL:
            _send_email(contact.email, report, verdict, reference)
        else:
            _send_sms(contact.phone, report, verdict, reference)
    Notification.objects.filter(pk=note.pk).update(sent_at=timezone.now())


def verdict_url(verdict: Verdict) -> str:
    return settings.SITE_URL + verdict.get_absolute_url()


def _send_email(address: str, report: Report, verdict: Verdict, reference: str) -> None:
    subject = _("The centre has concluded on the news you reported")
    body = _(
        "Thank you for your report %(code)s.\n\n"
        "The centre has checked it and published its verdict: %(title)s\n%(url)s\n\n"
        "You receive this message once, because you agreed to be contacted about your report."
    ) % {"code": report.display_code, "title": verdict.title, "url": verdict_url(verdict)}
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address],
                           headers={"Message-ID": f"<{reference.replace(':', '.')}@{domain}>"})
    message.send(fail_silently=False)


def _send_sms(phone: str, report: Report, verdict: Verdict, reference: str) -> None:
    text = _("Report %(code)s: the centre published its verdict. %(url)s") % {
        "code": report.display_code, "url": verdict_url(verdict)}
    get_sender().send(phone, text, reference=reference)


def notified_counts(claim: Claim) -> dict[str, int]:
    """How many reporters of this claim were told (for the claim page)."""
    rows = Notification.objects.filter(report__claim=claim)
    return {"scheduled": rows.count(), "sent": rows.filter(sent_at__isnull=False).count()}
