"""Merge two claims that are one rumour, or split reports off into a claim of their own.

Both are editor actions, audited on every claim involved. Reports move with their links
and screenshots; the claims' counts and matching data (links, screenshot hashes) are
recomputed from the reports they hold afterwards, and the matcher's index follows from the
database on its next sync (a merged-away claim is dismissed, which removes it from the index).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.roles import check
from intake.models import Report, ReportImage, ReportLink

from . import locks
from .actions import _locked, _refresh_matcher_after_commit, transition
from .models import Claim, ClaimNote, ClaimState, DismissReason, EvidenceItem, Referral, TakedownRequest
from .notifications import schedule_report_notification
from .search import refresh_search_text
from .placeholders import representative_text
from .workflow import OPEN_STATES, IllegalTransition, published_verdict

MAX_MATCH_KEYS = 50


def _matching_data(claim: Claim) -> dict[str, Any]:
    """Counts, dates and matching keys recomputed from the reports the claim holds now."""
    reports = Report.objects.filter(claim=claim)
    span = reports.aggregate(first=Min("received_at"), last=Max("received_at"))
    urls = sorted({c or u for c, u in ReportLink.objects.filter(report__claim=claim)
                   .values_list("canonical_url", "url")})[:MAX_MATCH_KEYS]
    hashes = sorted(set(ReportImage.objects.filter(report__claim=claim).exclude(phash="")
                        .values_list("phash", flat=True)))[:MAX_MATCH_KEYS]
    data: dict[str, Any] = {"report_count": reports.count(), "match_urls": urls, "match_image_hashes": hashes}
    if span["first"] is not None:
        data.update(first_seen=min(span["first"], claim.first_seen), last_seen=max(span["last"], claim.last_seen))
    return data


def merge(target: Claim, source: Claim, actor: Any, *, expected_versions: tuple[int, int] | None = None) -> Claim:
    """Move everything of `source` into `target`; `source` is dismissed as merged.

    `source` must still be open (a published claim keeps its own page); `target` may be
    published, and then the moved reporters are told its verdict like any resurfacing report.
    """
    check(actor, "claim.merge_split")
    if target.pk == source.pk:
        raise IllegalTransition(_("A claim cannot be merged into itself."))
    with transaction.atomic():
        first, second = sorted([target.pk, source.pk])  # lock in id order: no deadlock between merges
        locked = {first: _locked(first), second: _locked(second)}
        tgt, src = locked[target.pk], locked[source.pk]
        if expected_versions is not None:
            if tgt.version != expected_versions[0]:
                raise locks.StaleClaim(expected_versions[0], tgt.version)
            if src.version != expected_versions[1]:
                raise locks.StaleClaim(expected_versions[1], src.version)
        if src.state not in OPEN_STATES:
            raise IllegalTransition(_("Only an open claim can be merged into another."))
        if tgt.state == ClaimState.DISMISSED:
            raise IllegalTransition(_("A dismissed claim cannot receive reports; reopen it first."))
        for claim in (tgt, src):
            holder = claim.lock_holder()
            if holder is not None and holder.pk != actor.pk:
                raise locks.LockHeld(holder, claim.lock_expires_at)
        moved = list(Report.objects.filter(claim=src).values_list("pk", flat=True))
        Report.objects.filter(pk__in=moved).update(claim=tgt)
        for model in (ClaimNote, EvidenceItem, Referral):
            model.objects.filter(claim=src).update(claim=tgt)
        TakedownRequest.objects.filter(claim=src).exclude(
            url__in=TakedownRequest.objects.filter(claim=tgt).values("url")).update(claim=tgt)
        suggestions = [s for s in tgt.suggestions if s.get("claim_id") != src.pk]
        locks.bump_version(tgt, None, suggestions=suggestions, **_matching_data(tgt))
        refresh_search_text(tgt)
        transition(src, ClaimState.DISMISSED, actor, reason=DismissReason.MERGED,
                   detail={"merged_into": tgt.pk, "reports_moved": len(moved)})
        Claim.objects.filter(pk=src.pk).update(merged_into=tgt, report_count=0)
        audit.record("claim.merge", actor=actor, obj=tgt, detail={
            "source": src.pk, "target": tgt.pk, "reports_moved": len(moved), "version": tgt.version})
        verdict = published_verdict(tgt)
        if verdict is not None:
            for report in Report.objects.filter(pk__in=moved).select_related("contact"):
                schedule_report_notification(report, verdict)
        _refresh_matcher_after_commit()
    target.refresh_from_db()
    source.refresh_from_db()
    return target


def split(claim: Claim, report_ids: Iterable[int], actor: Any, *, expected_version: int | None = None) -> Claim:
    """Move the selected reports to a new claim (state new); returns the new claim."""
    check(actor, "claim.merge_split")
    ids = sorted({int(pk) for pk in report_ids})
    if not ids:
        raise IllegalTransition(_("Select the reports to split off."))
    with transaction.atomic():
        current = _locked(claim)
        if expected_version is not None and current.version != expected_version:
            raise locks.StaleClaim(expected_version, current.version)
        locks.ensure_editable(current, actor)
        own = set(Report.objects.filter(claim=current).values_list("pk", flat=True))
        if not set(ids) <= own:
            raise IllegalTransition(_("Some selected reports do not belong to this claim."))
        if set(ids) == own:
            raise IllegalTransition(_("Leave at least one report on this claim (or dismiss it instead)."))
        moving = list(Report.objects.filter(pk__in=ids).order_by("received_at", "pk"))
        first = moving[0]
        text = representative_text(first, [link.url for link in first.links.all()])
        now = timezone.now()
        new = Claim.objects.create(
            representative_text=text, topic=first.topic or current.topic, state=ClaimState.NEW,
            first_seen=first.received_at, last_seen=moving[-1].received_at, embedding=_embed(first.text),
        )
        Report.objects.filter(pk__in=ids).update(claim=new)
        Claim.objects.filter(pk=new.pk).update(**_matching_data(new))
        new.refresh_from_db()
        locks.bump_version(current, None, **_matching_data(current))
        refresh_search_text(current)
        refresh_search_text(new)
        detail = {"source": current.pk, "new_claim": new.pk, "reports_moved": len(ids)}
        audit.record("claim.split", actor=actor, obj=current, detail={**detail, "version": current.version})
        audit.record("claim.split_created", actor=actor, obj=new, detail=detail)
        ClaimNote.objects.create(claim=new, author=actor, kind=ClaimNote.Kind.WORKFLOW, created_at=now,
                                 text=_("Split off claim %(pk)s.") % {"pk": current.pk})
        _refresh_matcher_after_commit()
    claim.refresh_from_db()
    return new


def _embed(text: str) -> bytes | None:
    from .actions import _embedding_of

    return _embedding_of(text) if text.strip() else None
