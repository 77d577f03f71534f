"""Keeping `SearchEntry` (the folded copy of each public verdict) in step with the verdicts.

Two paths keep it right. Saving a verdict refreshes its entry in the same transaction (a
post_save receiver), which covers the desk's services. `reconcile` compares every public
verdict's `updated_at` with its entry and repairs what differs, which also covers writes
that bypass signals (queryset.update, raw SQL, a restore); the search index calls it
whenever the verdicts' change stamp moves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from vntext import search_key

from .models import SearchEntry

log = logging.getLogger(__name__)
PUBLIC = Q(published_at__isnull=False, unpublished_at__isnull=True)


def fold_verdict(title: str, claim_reviewed: str, explanation: str) -> tuple[str, str]:
    """(title key, body key): the forms search compares, accents and chat spelling folded."""
    return search_key(title or ""), search_key(f"{claim_reviewed or ''}\n{explanation or ''}")


def entry_for(verdict) -> SearchEntry:  # noqa: ANN001 - verification.models.Verdict
    title_key, body_key = fold_verdict(verdict.title, verdict.claim_reviewed, verdict.explanation)
    return SearchEntry(
        verdict_id=verdict.pk,
        title_key=title_key,
        body_key=body_key,
        topic=verdict.claim.topic if verdict.claim_id else "",
        label=verdict.label,
        published_at=verdict.published_at,
        verdict_updated_at=getattr(verdict, "updated_at", None),
        indexed_at=timezone.now(),
    )


def refresh_entry(verdict) -> None:  # noqa: ANN001
    """Write or remove the entry of one verdict (public: written; otherwise: removed)."""
    if not verdict.is_public:
        SearchEntry.objects.filter(verdict_id=verdict.pk).delete()
        return
    entry = entry_for(verdict)
    SearchEntry.objects.update_or_create(
        verdict_id=verdict.pk,
        defaults={
            f.name: getattr(entry, f.name) for f in SearchEntry._meta.concrete_fields if f.name != "verdict"
        },
    )


@dataclass(frozen=True)
class Stamp:
    """What changes whenever a public verdict is added, changed or withdrawn."""

    count: int
    latest: datetime | None
    top_id: int | None


def verdict_stamp() -> Stamp:
    """One aggregate query; a withdrawal moves `latest` too (the desk saves the verdict)."""
    from verification.models import Verdict

    row = Verdict.objects.filter(published_at__isnull=False).aggregate(
        n=Count("pk", filter=Q(unpublished_at__isnull=True)), latest=Max("updated_at"), top=Max("pk")
    )
    return Stamp(row["n"], row["latest"], row["top"])


def reconcile(batch: int = 200) -> int:
    """Repair every missing, stale or orphaned entry; returns how many were written or removed."""
    from verification.models import Verdict

    current = dict(Verdict.objects.filter(PUBLIC).values_list("pk", "updated_at"))
    stored = dict(SearchEntry.objects.values_list("verdict_id", "verdict_updated_at"))
    orphans = [pk for pk in stored if pk not in current]
    stale = [pk for pk, stamp in current.items() if pk not in stored or stored[pk] != stamp]
    if orphans:
        SearchEntry.objects.filter(verdict_id__in=orphans).delete()
    for start in range(0, len(stale), batch):
        _write_entries(stale[start : start + batch])
    if orphans or stale:
        log.info("Search entries repaired: %d written, %d removed.", len(stale), len(orphans))
    return len(orphans) + len(stale)


def _write_entries(ids: Iterable[int]) -> None:
    from verification.models import Verdict

    verdicts = Verdict.objects.filter(pk__in=list(ids)).select_related("claim")
    entries = [entry_for(v) for v in verdicts]
    with transaction.atomic():
        SearchEntry.objects.filter(verdict_id__in=[e.verdict_id for e in entries]).delete()
        SearchEntry.objects.bulk_create(entries)
