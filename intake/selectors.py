"""Reads for report pages and the API: what a reporter may see about their report."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from verification.workflow import public_status, published_verdict

from .models import Report, normalise_tracking_code


def report_by_code(raw: str) -> Report | None:
    code = normalise_tracking_code(raw or "")
    if len(code) != 10:
        return None
    return Report.objects.select_related("claim", "claim__verdict").filter(tracking_code=code).first()


def report_status(report: Report) -> dict[str, Any]:
    """The public view of a report: never personal data, never other reports' content."""
    status = public_status(report.claim)
    verdict = published_verdict(report.claim)
    return {
        "tracking_code": report.display_code,
        "status": status.value,
        "status_label": str(status.label),
        "received_at": report.received_at.isoformat(),
        "url": settings.SITE_URL + reverse("intake:status", args=[report.display_code]),
        "verdict": None if verdict is None else {
            "title": verdict.title, "label": verdict.label, "url": settings.SITE_URL + verdict.get_absolute_url(),
        },
    }
