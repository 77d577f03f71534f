"""Published verdicts made the way the desk makes them (ORM rows), for tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from verification.models import Claim, ClaimState, Verdict

_seq = count(1)


def published_verdict(
    title: str,
    claim: str = "",
    explanation: str = "",
    *,
    label: str = "fabricated",
    topic: str = "health",
    published_at: datetime | None = None,
    urls: list[str] | None = None,
    sources: list[dict[str, str]] | None = None,
    state: str = ClaimState.PUBLISHED,
    report_count: int = 1,
    first_seen: datetime | None = None,
) -> Verdict:
    """A claim in the published state with its public verdict (indexed through the save signal)."""
    now = timezone.now()
    published_at = published_at or now - timedelta(hours=6) + timedelta(
        seconds=next(_seq)
    )  # later made, newer
    claim_text = claim or title
    row = Claim.objects.create(
        representative_text=claim_text,
        topic=topic,
        state=state,
        report_count=report_count,
        first_seen=first_seen or published_at - timedelta(hours=10),
        last_seen=published_at,
        concluded_at=published_at,
        match_urls=urls or [],
    )
    from verification.actions import verdict_slug

    return Verdict.objects.create(
        claim=row,
        label=label,
        title=title,
        slug=verdict_slug(title),
        claim_reviewed=claim_text,
        explanation=explanation or f"Giải thích về: {title}.",
        sources=sources or [],
        published_at=published_at,
    )
