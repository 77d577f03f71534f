"""Reads of the public side: which verdicts are public, and what the desk lets us show.

A verdict is public when it has been published and not withdrawn. Everything the desk
models may or may not have yet (revisions, a neutral public title for claims still under
verification, takedown counts) is read defensively here, so the public pages keep working
while the desk evolves; each gap degrades to "not shown" rather than an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from verification.models import Claim, ClaimState, Verdict

OPEN_STATES = (ClaimState.TRIAGED, ClaimState.IN_VERIFICATION, ClaimState.AWAITING_REVIEW)
# Field names the desk may give an editor-approved neutral title of a claim under verification.
PUBLIC_TITLE_FIELDS = ("public_title",)
PUBLIC_TITLE_APPROVAL_FIELDS = ("public_title_approved_at", "public_title_approved")


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


def _field_names(model: type) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


@dataclass(frozen=True)
class UnderVerification:
    count: int
    titles: list[str]  # editor-approved neutral titles only; empty when the desk has none


def under_verification(limit: int = 5) -> UnderVerification:
    """Claims being verified now: a count, and only titles an editor wrote and approved.

    Raw report text is never shown: it can carry the rumour itself and other people's
    personal data. Until the desk stores an approved neutral title, only the count shows.
    """
    open_claims = Claim.objects.filter(state__in=OPEN_STATES)
    count = open_claims.count()
    names = _field_names(Claim)
    title_field = next((f for f in PUBLIC_TITLE_FIELDS if f in names), None)
    approval = next((f for f in PUBLIC_TITLE_APPROVAL_FIELDS if f in names), None)
    if title_field is None or approval is None:
        return UnderVerification(count, [])
    approved: dict[str, Any] = (
        {f"{approval}__isnull": False} if approval.endswith("_at") else {approval: True}
    )
    titles = (
        open_claims.filter(**approved)
        .exclude(**{title_field: ""})
        .order_by("-last_seen", "-pk")
        .values_list(title_field, flat=True)[:limit]
    )
    return UnderVerification(count, [t for t in titles if t])


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
