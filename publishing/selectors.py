"""Reads of the public side: which verdicts are public, and what the desk lets us show.

A verdict is public when it has been published and not withdrawn. Claims still under
verification are shown only by their editor-approved neutral title. What the desk may not
have yet (revisions, takedown counts) is read defensively here, so the public pages keep
working while the desk evolves; each gap degrades to "not shown" rather than an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from django.db.models import QuerySet

from verification.models import Claim, ClaimState, Verdict

OPEN_STATES = (ClaimState.TRIAGED, ClaimState.IN_VERIFICATION, ClaimState.AWAITING_REVIEW)


def public_verdicts() -> QuerySet[Verdict]:
    """Published, not withdrawn, newest first (ties by id so every database agrees)."""
    return (
        Verdict.objects.filter(published_at__isnull=False, unpublished_at__isnull=True)
        .select_related("claim")
        .order_by("-published_at", "-pk")
    )


def visible_verdict(pk: int) -> Verdict | None:
    """A verdict that has ever been published (a withdrawn one shows its notice), or None."""
    return (
        Verdict.objects.filter(pk=pk, published_at__isnull=False)
        .select_related("claim", "import_record")
        .first()
    )


def filter_verdicts(
    qs: QuerySet[Verdict],
    *,
    topic: str = "",
    label: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Verdict]:
    if topic:
        qs = qs.filter(claim__topic=topic)
    if label:
        qs = qs.filter(label=label)
    if since is not None:
        qs = qs.filter(published_at__gte=since)
    if until is not None:
        qs = qs.filter(published_at__lt=until)
    return qs


@dataclass(frozen=True)
class RevisionView:
    seq: int
    kind: str
    kind_label: str
    at: datetime
    note: str


def revisions(verdict: Verdict) -> list[RevisionView]:
    """The verdict's public history (published, corrected, withdrawn), oldest first."""
    related = getattr(verdict, "revisions", None)
    if related is None:
        return []
    rows = []
    for rev in related.order_by("seq"):
        kind = getattr(rev, "kind", "")
        label = rev.get_kind_display() if hasattr(rev, "get_kind_display") else kind
        rows.append(RevisionView(getattr(rev, "seq", 0), kind, str(label), rev.at, getattr(rev, "note", "")))
    return rows


@dataclass(frozen=True)
class UnderVerification:
    count: int
    titles: list[str]  # editor-approved neutral titles only, newest claim first


def under_verification(limit: int = 5) -> UnderVerification:
    """Claims being verified now: a count, and the neutral titles an editor approved.

    Raw report text is never read here: it can carry the rumour itself and other people's
    personal data. Only `Claim.public_title` is shown, which holds nothing until a second
    editor approves a proposal (verification.actions.approve_public_title); a proposal
    waits in its own field. Concluded and dismissed claims are not listed.
    """
    open_claims = Claim.objects.filter(state__in=OPEN_STATES)
    titles = (
        open_claims.filter(public_title_approved_at__isnull=False)
        .exclude(public_title="")
        .order_by("-first_seen", "-pk")
        .values_list("public_title", flat=True)[:limit]
    )
    return UnderVerification(open_claims.count(), list(titles))


def takedown_counts() -> dict[str, int] | None:
    """Takedown requests and links removed, from the desk's records; None if it keeps none."""
    try:
        from verification.handling import takedown_counts as desk_counts
    except ImportError:
        return None
    try:
        counts = desk_counts()
    except Exception:  # noqa: BLE001 - a desk table not migrated yet must not break statistics
        return None
    return {"requested": counts.get("requested", 0), "removed": counts.get("removed", 0)}
