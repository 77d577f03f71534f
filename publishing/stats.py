"""The numbers behind the statistics pages: reports, claims, verdicts, speed, takedowns.

Everything is counted in the database (GROUP BY) except the time-to-verdict percentiles,
which are taken in Python from one row per verdict. Results are cached for a few minutes:
the pages are public and the counts change slowly.
"""

from __future__ import annotations

import statistics as pystats
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from intake.models import Report
from verification.models import Claim, ClaimState

from .selectors import public_verdicts, takedown_counts

CACHE_SECONDS = 300
PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 30


@dataclass
class Stats:
    days: int
    since: datetime
    reports_total: int
    per_day: list[tuple[date, int]]
    by_channel: dict[str, int]
    by_topic: dict[str, int]
    by_platform: dict[str, int]
    by_province: dict[str, int]
    verdicts_by_label: dict[str, int]
    verdicts_in_period: int
    hours_to_verdict: dict[str, float | None]
    takedowns: dict[str, int] | None
    claims_by_state: dict[str, int] = field(default_factory=dict)
    verdicts_by_topic: dict[str, int] = field(default_factory=dict)


def _grouped(qs, name: str) -> dict[str, int]:  # noqa: ANN001
    rows = qs.order_by().values(name).annotate(n=Count("pk")).values_list(name, "n")
    counts: dict[str, int] = {}
    for key, n in rows:
        counts[key or ""] = counts.get(key or "", 0) + n
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def reports_per_day(since: datetime, days: int) -> list[tuple[date, int]]:
    tz = timezone.get_current_timezone()
    rows = (
        Report.objects.filter(received_at__gte=since)
        .annotate(day=TruncDate("received_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    counts = {day: n for day, n in rows}
    first = timezone.localdate(since)
    return [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days + 1)]


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation; None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def time_to_verdict(since: datetime) -> dict[str, float | None]:
    """Hours from a claim's first report to its verdict, for verdicts published since `since`.

    Verdicts without a report (imported from an archive) have no first report and are left out.
    """
    rows = (
        public_verdicts()
        .filter(published_at__gte=since, claim__report_count__gt=0)
        .values_list("published_at", "claim__first_seen")
    )
    hours = [max(0.0, (published - first).total_seconds() / 3600) for published, first in rows if first]
    return {
        "count": len(hours),
        "median": pystats.median(hours) if hours else None,
        "p90": percentile(hours, 90),
    }


def compute(days: int, *, staff: bool = False) -> Stats:
    now = timezone.now()
    since = now - timedelta(days=days)
    reports = Report.objects.filter(received_at__gte=since)
    verdicts = public_verdicts()
    stats = Stats(
        days=days,
        since=since,
        reports_total=reports.count(),
        per_day=reports_per_day(since, days),
        by_channel=_grouped(reports, "channel"),
        by_topic=_grouped(reports, "topic"),
        by_platform=_grouped(reports, "platform"),
        by_province=_grouped(reports, "province"),
        verdicts_by_label=_grouped(verdicts, "label"),
        verdicts_in_period=verdicts.filter(published_at__gte=since).count(),
        hours_to_verdict=time_to_verdict(since),
        takedowns=takedown_counts(),
    )
    if staff:
        stats.claims_by_state = _grouped(Claim.objects.exclude(state=ClaimState.DISMISSED), "state")
        stats.verdicts_by_topic = _grouped(verdicts, "claim__topic")
    return stats


def cached(days: int, *, staff: bool = False) -> Stats:
    key = f"publishing:stats:{'staff' if staff else 'public'}:{days}"
    value: Any = cache.get(key)
    if value is None:
        value = compute(days, staff=staff)
        cache.set(key, value, CACHE_SECONDS)
    return value
