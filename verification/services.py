"""Writes of the verification side that intake triggers: grouping reports into claims.

Staff actions on claims live in verification.actions, .handling and .merging.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from intake.models import Report

from .matching import get_matcher, vectors_to_bytes
from .models import Claim, ClaimState
from .placeholders import representative_text
from .search import folded, with_report_text

log = logging.getLogger(__name__)


def _report_inputs(report: Report) -> tuple[str, list[str], list[str]]:
    urls = [link.canonical_url or link.url for link in report.links.all()]
    hashes = [img.phash for img in report.images.all() if img.phash]
    return report.text, urls, hashes


def match_report(report_id: int) -> Claim | None:
    """Attach a report to the claim it repeats, or open a new claim with suggestions.

    Idempotent: a report that already has a claim is left alone, so a task that runs
    twice (a worker killed after committing, a sweeper re-run) changes nothing.
    """
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None or report.claim_id is not None:
        return None if report is None else report.claim
    _hash_screenshots(report)
    text, urls, hashes = _report_inputs(report)
    matcher = get_matcher()
    candidates = matcher.query(text, urls, hashes)
    decision = matcher.decide(text, candidates)
    now = timezone.now()
    if decision.action == "link" and decision.claim_id is not None:
        claim = Claim.objects.select_for_update().filter(pk=decision.claim_id).first()
        if claim is not None:
            Claim.objects.filter(pk=claim.pk).update(
                report_count=F("report_count") + 1, last_seen=now, updated_at=now,
                match_urls=sorted(set(claim.match_urls) | set(urls))[:50],
                match_image_hashes=sorted(set(claim.match_image_hashes) | set(hashes))[:50],
                search_text=with_report_text(claim.search_text, report.text),
            )
            _attach(report, claim, list(decision.reasons), now)
            claim.refresh_from_db()
            _conclude_if_debunked(report, claim, now)
            transaction.on_commit(lambda: _reindex(claim.pk))
            return claim
    vectors = matcher.embed(text) if text.strip() else None
    claim = Claim.objects.create(
        representative_text=representative_text(report, urls), topic=report.topic,
        report_count=1, first_seen=report.received_at, last_seen=now,
        embedding=None if vectors is None else vectors_to_bytes(vectors),
        match_urls=urls, match_image_hashes=hashes,
        search_text=f" {folded(representative_text(report, urls))} ",
        suggestions=[{"claim_id": c.claim_id, "score": round(c.score, 4), "reasons": list(c.reasons)}
                     for c in decision.suggestions],
    )
    _attach(report, claim, [], now)
    transaction.on_commit(lambda: _reindex(claim.pk))
    return claim


def _conclude_if_debunked(report: Report, claim: Claim, now) -> None:  # noqa: ANN001
    """A report of a rumour already debunked: concluded at once, its reporter told, editors alerted.

    The report's public status follows its claim (published: concluded, with the verdict
    linked); the resurfacing counter is what the queue's alert reads.
    """
    from .notifications import schedule_report_notification
    from .workflow import published_verdict

    verdict = published_verdict(claim)
    if verdict is None:
        return
    Claim.objects.filter(pk=claim.pk).update(resurfaced_count=F("resurfaced_count") + 1,
                                             last_resurfaced_at=now)
    claim.refresh_from_db(fields=["resurfaced_count", "last_resurfaced_at"])
    schedule_report_notification(report, verdict)


def _attach(report: Report, claim: Claim, reasons: list[str], now) -> None:  # noqa: ANN001
    report.claim = claim
    report.match_reasons = reasons
    report.matched_at = now
    report.save(update_fields=["claim", "match_reasons", "matched_at"])


def _reindex(claim_id: int) -> None:
    get_matcher()  # refreshes every claim changed since the last sync, this one included


def _hash_screenshots(report: Report) -> None:
    try:
        from claimmatch.images import image_hash
    except ImportError:  # pragma: no cover - the module ships with the engine
        return
    for img in report.images.all():
        if img.phash:
            continue
        try:
            with img.file.open("rb") as fh:
                img.phash = image_hash(fh.read())
        except Exception:  # noqa: BLE001 - a bad stored image must not stop matching
            log.warning("Could not hash screenshot %s of report %s.", img.pk, report.pk)
            continue
        img.save(update_fields=["phash"])


def claim_is_open(claim: Claim) -> bool:
    return claim.state not in (ClaimState.PUBLISHED, ClaimState.DISMISSED)


def replace_placeholder_text(report: Report) -> bool:
    """The report's claim still shows a label ("transcript pending") and the report now has words.

    A recorded call's claim that staff already touched is kept when its transcript arrives
    (hotline.services.replace_report_text); its label would then say "pending" for ever.
    The claim takes the report's text instead, with a new version (an open edit form goes
    stale, as after any change) and fresh matching data. A text staff wrote is never replaced.
    Call inside the transaction that changed the report; True when the claim changed.
    """
    from core import audit

    from . import locks
    from .actions import _embedding_of, _refresh_matcher_after_commit
    from .placeholders import placeholder_labels
    from .search import refresh_search_text

    text = report.text.strip()
    if not text or report.claim_id is None:
        return False
    claim = Claim.objects.select_for_update().filter(pk=report.claim_id).first()
    if claim is None or claim.representative_text not in placeholder_labels():
        return False
    locks.bump_version(claim, None, representative_text=text, embedding=_embedding_of(text))
    refresh_search_text(claim)
    audit.record("claim.placeholder_replaced", obj=claim, actor_label="system",
                 detail={"report_id": report.pk, "version": claim.version})
    _refresh_matcher_after_commit()
    return True
