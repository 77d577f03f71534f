"""`manage.py load_demo`: fill a development database with invented reports to click through.

Demo reports enter through the real intake path (``ReportForm`` then ``submit_report``), so
they are validated, stored and matched exactly like real ones; only their arrival times are
moved back afterwards, so the claim queue shows rumours spreading over two weeks. Each demo
report's tracking code is derived from its stable key, which makes the command idempotent
and gives a new user codes to paste into the status page.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from core import outbox
from core.models import OutboxTask
from intake.demo_reports import DEMO_REPORTS, DemoContact, DemoReport
from intake.forms import ReportForm
from intake.models import CODE_ALPHABET, CODE_LENGTH, Report, ReporterContact
from intake.services import PROCESS_REPORT, ReportSubmission, submit_report
from verification.demo import stage_demo_claims
from verification.models import Claim

REFUSAL = ("load_demo only runs with DEBUG on (TINGIA_DEBUG=1): demo data must never reach a "
           "production database.")


def demo_codes() -> list[str]:
    return [demo_tracking_code(item.key) for item in DEMO_REPORTS]


def demo_tracking_code(key: str) -> str:
    """The fixed tracking code of a demo report: same key, same code, on every machine."""
    digest = hashlib.sha256(f"tingia-demo-report:{key}".encode()).digest()
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:CODE_LENGTH])


def form_data(item: DemoReport) -> dict[str, Any]:
    """What a reporter would have typed into the form for this demo report."""
    contact = item.contact or DemoContact()
    return {
        "text": item.text, "urls": list(item.urls), "platform": item.platform, "topic": item.topic,
        "province": item.province, "contact_name": contact.name, "contact_email": contact.email,
        "contact_phone": contact.phone, "consent": item.contact is not None,
    }


def submit_demo_report(item: DemoReport, now: datetime) -> Report:
    """Validate and submit one demo report, then give it its fixed code and arrival time."""
    form = ReportForm(data=form_data(item))
    if not form.is_valid():
        raise CommandError(f"Demo report {item.key!r} does not pass the report form: "
                           f"{form.errors.as_text()}")
    submission = ReportSubmission.from_form(form.cleaned_data, channel=item.channel,
                                            language=item.language)
    received_at = now - timedelta(hours=item.hours_ago)
    with transaction.atomic():  # the report is either fully demo-shaped or not there at all
        report = submit_report(submission)
        Report.objects.filter(pk=report.pk).update(
            tracking_code=demo_tracking_code(item.key), received_at=received_at)
        ReporterContact.objects.filter(report=report).update(created_at=received_at)
    report.refresh_from_db()
    return report


def load_reports(items: Iterable[DemoReport], now: datetime) -> tuple[list[Report], int]:
    """Submit the demo reports not in the database yet, oldest first.

    Returns (the reports added, how many were already there).
    """
    items = list(items)
    codes = [demo_tracking_code(i.key) for i in items]
    present = set(Report.objects.filter(tracking_code__in=codes)
                  .values_list("tracking_code", flat=True))
    missing = [i for i in items if demo_tracking_code(i.key) not in present]
    added = [submit_demo_report(i, now) for i in sorted(missing, key=lambda i: -i.hours_ago)]
    return added, len(items) - len(missing)


def match_now(report_ids: Iterable[int]) -> list[str]:
    """Run the matching task of each unmatched demo report here, in arrival order.

    Tasks are run by id rather than through ``run_pending_inline``, and a task that failed
    before (say the engine was broken on an earlier load) is made due again first, so the
    claims exist when the site starts. Returns the errors of the tasks that still failed.
    """
    keys = [f"report:{pk}" for pk in report_ids]  # the outbox key intake.services gives a report
    tasks = OutboxTask.objects.filter(kind=PROCESS_REPORT, key__in=keys, done_at__isnull=True,
                                      failed_at__isnull=True)
    tasks.update(available_at=timezone.now())
    errors = []
    for task_id in list(tasks.order_by("id").values_list("id", flat=True)):
        if outbox.run(task_id) != "done":
            errors.append(OutboxTask.objects.get(pk=task_id).last_error or "not run")
    return errors


def align_claim_times(claim_ids: Iterable[int]) -> None:
    """Date each claim by its reports' arrival, as if they had been matched when they came.

    Matching ran seconds ago for reports dated days ago; without this every claim would
    look created and last seen "now" and the queue would show no velocity.
    """
    spans = (Claim.objects.filter(pk__in=list(claim_ids))
             .annotate(first=Min("reports__received_at"), last=Max("reports__received_at")))
    for claim in spans:
        if claim.first is not None:
            Claim.objects.filter(pk=claim.pk).update(
                first_seen=claim.first, last_seen=claim.last, created_at=claim.first)


def create_demo_staff_accounts() -> list[str]:
    """Extension point: one demo account per desk role (operator, verifier, editor, admin).

    Returns one printable line per account (user name, published demo password and, for
    roles that need two-factor, the TOTP secret); core.demo_staff refuses unless DEBUG is on.
    """
    from core.demo_staff import describe_demo_staff

    return describe_demo_staff()


@dataclass(frozen=True)
class DemoSummary:
    reports: int
    added: int
    claims: int
    grouped_claims: int
    unmatched: int
    showcase: list[tuple[str, str, int]]  # (tracking code, rumour, reports in its claim)


def summarise(added: int) -> DemoSummary:
    by_code = {demo_tracking_code(item.key): item for item in DEMO_REPORTS}
    reports = list(Report.objects.filter(tracking_code__in=list(by_code)).order_by("received_at"))
    claim_ids = {r.claim_id for r in reports if r.claim_id}
    sizes = dict(Claim.objects.filter(pk__in=claim_ids).annotate(n=Count("reports"))
                 .values_list("pk", "n"))
    first_of: dict[int, Report] = {}
    for report in reports:
        if report.claim_id is not None:
            first_of.setdefault(report.claim_id, report)
    ranked = sorted(first_of, key=lambda cid: (-sizes[cid], first_of[cid].received_at))
    # The largest claims show grouping; one claim of a single report shows the ordinary case.
    picks = ([cid for cid in ranked if sizes[cid] > 1][:3]
             + [cid for cid in ranked if sizes[cid] == 1][:1])
    showcase = [
        (first_of[cid].display_code, by_code[first_of[cid].tracking_code].rumour, sizes[cid])
        for cid in picks
    ]
    if not showcase:  # nothing matched yet: the status pages still work
        showcase = [(r.display_code, by_code[r.tracking_code].rumour, 0) for r in reports[:3]]
    return DemoSummary(
        reports=len(reports), added=added, claims=len(claim_ids),
        grouped_claims=sum(1 for n in sizes.values() if n > 1),
        unmatched=sum(1 for r in reports if r.claim_id is None), showcase=showcase,
    )


def _grouping(size: int) -> str:
    if not size:
        return "not matched yet"
    return f"{size} report{'s' if size > 1 else ''} in its claim"


class Command(BaseCommand):
    help = ("Load invented demo reports (development only) through the real intake service "
            "and match them into claims.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(REFUSAL)
        started = time.monotonic()
        added, present = load_reports(DEMO_REPORTS, timezone.now())
        demo = Report.objects.filter(tracking_code__in=demo_codes())
        unmatched = demo.filter(claim__isnull=True).order_by("pk")
        errors = match_now(unmatched.values_list("pk", flat=True))
        claims = demo.filter(claim__isnull=False).values_list("claim_id", flat=True).distinct()
        align_claim_times(claims)
        staff = create_demo_staff_accounts()
        staff += [f"(desk) {line}" for line in stage_demo_claims()]  # verification.demo: claims in several states
        from hotline.demo import load_demo_calls  # a waiting call, a recording to review, a logged call

        staff += [f"(hotline) {line}" for line in load_demo_calls()]
        from publishing.demo import load_demo_verdicts  # published example verdicts on some rumours

        verdicts_added, verdicts_present, _missing = load_demo_verdicts()
        self.stdout.write(f"Demo verdicts: {verdicts_added} published now, {verdicts_present} already there.")
        self._report(summarise(len(added)), present, errors, staff, time.monotonic() - started)

    def _report(self, summary: DemoSummary, present: int, errors: list[str], staff: list[str],
                seconds: float) -> None:
        out = self.stdout
        embedder = getattr(settings, "MATCHING_EMBEDDER", "e5")
        out.write(f"Demo reports: {summary.reports} "
                  f"({summary.added} added now, {present} already there).")
        out.write(f"Claims: {summary.claims}, of which {summary.grouped_claims} group more than "
                  f"one report (matching embedder: {embedder}).")
        if summary.unmatched:
            self.stderr.write(self.style.WARNING(
                f"{summary.unmatched} demo reports could not be matched yet; the worker will "
                f"retry them. First error: {errors[0] if errors else 'unknown'}"))
        if summary.showcase:
            out.write("Paste a tracking code into /theo-doi/ to see what a reporter sees:")
            for code, rumour, size in summary.showcase:
                out.write(f"  {code}  {rumour} ({_grouping(size)})")
        if staff:
            out.write("Staff demo accounts (development only):")
            for line in staff:
                out.write(f"  {line.strip()}")
        else:
            out.write("Staff demo accounts: none yet.")
        out.write(self.style.SUCCESS(f"Done in {seconds:.1f} s."))
