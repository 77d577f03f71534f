"""The queue's priority: a score a person can read back into its parts.

    score = risk × (volume + 2 × surge) + 2 × deadline

* volume   = log2(1 + reports): the tenth report matters more than the hundred-and-tenth.
* surge    = log2((recent + 1) / (expected + 1)), never below 0: reports in the last
  VELOCITY_WINDOW against what the claim's own history predicts for such a window. A new
  claim with a burst has no history, so the whole burst counts; an old claim trickling at
  its usual rate scores 0. Weighted twice, so a surge rises to the top.
* risk     = the topic's risk weight (core.topics, set by admins; 1.0 by default).
* deadline = age / the topic's SLA target, capped at 2; above 1 the claim is overdue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

VELOCITY_WINDOW = timedelta(hours=6)
SURGE_WEIGHT = 2.0
DEADLINE_WEIGHT = 2.0
DEADLINE_CAP = 2.0


@dataclass(frozen=True)
class Priority:
    score: float
    volume: float
    surge: float
    risk: float
    deadline: float
    recent: int
    expected: float
    age_hours: float
    sla_hours: int
    overdue: bool

    @property
    def surging(self) -> bool:
        """At least twice the usual rate, with a few reports: worth a badge in the queue."""
        return self.surge >= 1.0 and self.recent >= 3


def compute(*, report_count: int, recent: int, first_seen: datetime, now: datetime,
            risk_weight: float, sla_hours: int) -> Priority:
    """The priority of one claim; bad inputs (negative counts, future dates) are clamped."""
    window_hours = VELOCITY_WINDOW.total_seconds() / 3600
    report_count = max(report_count, 0)
    recent = min(max(recent, 0), report_count) if report_count else max(recent, 0)
    age_hours = max((now - first_seen).total_seconds() / 3600, 0.0)
    older = max(report_count - recent, 0)
    history_hours = age_hours - window_hours
    rate = older / max(history_hours, window_hours) if older and history_hours > 0 else 0.0
    expected = rate * window_hours
    surge = max(0.0, math.log2((recent + 1) / (expected + 1)))
    volume = math.log2(1 + report_count)
    sla = max(int(sla_hours or 1), 1)
    deadline = min(age_hours / sla, DEADLINE_CAP)
    risk = max(float(risk_weight), 0.0)
    score = risk * (volume + SURGE_WEIGHT * surge) + DEADLINE_WEIGHT * deadline
    return Priority(score=round(score, 2), volume=round(volume, 2), surge=round(surge, 2), risk=risk,
                    deadline=round(deadline, 2), recent=recent, expected=round(expected, 1),
                    age_hours=round(age_hours, 1), sla_hours=sla, overdue=age_hours > sla)
