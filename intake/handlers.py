"""Outbox handlers of the intake side: what happens after a report is stored."""

from __future__ import annotations

from typing import Any

from core import outbox, retention

from .services import PROCESS_REPORT


@outbox.handler(PROCESS_REPORT, queue="matching")
def process_report(payload: dict[str, Any]) -> None:
    """Group the report into a claim. Runs inside the outbox transaction (exactly once in effect)."""
    from verification.services import match_report

    match_report(int(payload["report_id"]))


@retention.purger("reporter_contact")
def purge_reporter_contacts(cutoff) -> int:  # noqa: ANN001
    """Contacts of reports whose claim was concluded before the cut-off."""
    from .models import ReporterContact

    deleted, _ = ReporterContact.objects.filter(
        report__claim__concluded_at__isnull=False, report__claim__concluded_at__lt=cutoff
    ).delete()
    return deleted
