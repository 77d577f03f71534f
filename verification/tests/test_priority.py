"""The priority formula on its own (no database): each part behaves as documented."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from verification.priority import compute

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def score(reports: int, recent: int, hours_old: float, risk: float = 1.0, sla: int = 48):  # noqa: ANN201
    return compute(report_count=reports, recent=recent, first_seen=NOW - timedelta(hours=hours_old), now=NOW,
                   risk_weight=risk, sla_hours=sla)


def test_steady_claims_have_no_surge_and_bursts_do():
    steady = score(reports=100, recent=3, hours_old=200)  # ~0.5 per hour, 3 in 6 h as usual
    assert steady.surge == 0 and steady.expected > 2
    burst = score(reports=100, recent=40, hours_old=200)
    assert burst.surge > 2 and burst.surging and burst.score > steady.score
    fresh = score(reports=6, recent=6, hours_old=2)
    assert fresh.expected == 0 and fresh.surge > 2


def test_risk_multiplies_and_deadline_adds():
    low, high = score(5, 0, 10, risk=1.0), score(5, 0, 10, risk=3.0)
    assert high.score - low.score == pytest.approx(2 * low.volume, abs=0.02)  # parts are rounded to 0.01
    due = score(5, 0, 60, sla=48)
    assert due.overdue and due.deadline > 1
    capped = score(5, 0, 10_000, sla=48)
    assert capped.deadline == 2.0


def test_bad_inputs_are_clamped():
    odd = compute(report_count=-3, recent=-1, first_seen=NOW + timedelta(hours=5), now=NOW,
                  risk_weight=-2, sla_hours=0)
    assert odd.score == 0 and odd.age_hours == 0 and odd.sla_hours == 1 and not odd.overdue
