"""Reads of the hotline: the console's lists and the live look-up of published verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import HotlineCall

MAX_LOOKUP_TEXT = 10_000


# A call announced longer ago than this is no longer on the line: it leaves the console's
# list (it stays in the call list, marked pending, until the retention purge).
PENDING_WINDOW = timedelta(hours=2)


def pending_calls() -> QuerySet[HotlineCall]:
    """Live calls the PBX announced recently that no operator has logged yet (newest first)."""
    since = timezone.now() - PENDING_WINDOW
    return HotlineCall.objects.filter(report__isnull=True, from_recording=False,
                                      received_at__gte=since).select_related("taken_by")[:50]


def review_calls(*, reviewed: bool = False) -> QuerySet[HotlineCall]:
    """Calls that came from a recording: those not reviewed yet, oldest first (or the reviewed ones)."""
    rows = HotlineCall.objects.filter(from_recording=True, reviewed_at__isnull=not reviewed).select_related("report")
    return rows.order_by("-reviewed_at") if reviewed else rows.order_by("received_at", "pk")


def recent_calls() -> QuerySet[HotlineCall]:
    return HotlineCall.objects.select_related("report", "taken_by").order_by("-received_at", "-pk")


@dataclass
class Lookup:
    """What the operator can tell the caller at once: published verdicts close to what they saw."""

    matches: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    asked: bool = False


def lookup(text: str, urls: str) -> Lookup:
    """Published verdicts matching the text or the first link (the public check, run for staff)."""
    from publishing.check import check
    from publishing.labels import label_info
    from publishing.search import QueryError

    text = (text or "")[: MAX_LOOKUP_TEXT * 2]
    first_url = next(iter((urls or "").split()), "")
    if not text.strip() and not first_url:
        return Lookup()
    try:
        result = check(text, first_url)
    except QueryError as exc:
        return Lookup(error=str(exc), asked=True)
    matches = [{
        "title": m.verdict.title, "label": m.verdict.label, "label_name": label_info(m.verdict.label).name,
        "claim_reviewed": m.verdict.claim_reviewed, "url": m.verdict.get_absolute_url(),
        "closeness": m.closeness_label, "reasons": m.reason_labels,
    } for m in result.matches]
    return Lookup(matches=matches, asked=True)
