"""Verdict saves refresh their search entry in the same transaction (see publishing.indexing)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from verification.models import Claim, ClaimState, Verdict

from verification.matching import mark_stale as mark_matcher_stale

from .indexing import refresh_entry
from .search_index import mark_changed


@receiver(post_save, sender=Verdict, dispatch_uid="publishing.verdict_saved")
def verdict_saved(sender: Any, instance: Verdict, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loading fixtures: reconcile() builds the entries later
        return
    refresh_entry(instance)
    _changed()


@receiver(post_delete, sender=Verdict, dispatch_uid="publishing.verdict_deleted")
def verdict_deleted(sender: Any, instance: Verdict, **kwargs: Any) -> None:
    _changed()


def _changed() -> None:
    """Look again now (this connection sees the change) and once more after the commit."""
    mark_changed()
    transaction.on_commit(mark_changed)


@receiver(post_save, sender=Claim, dispatch_uid="publishing.claim_saved")
def claim_saved(
    sender: Any, instance: Claim, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    """A published claim's topic lives on the claim: keep the entry's copy of it right."""
    if created or raw or instance.state != ClaimState.PUBLISHED:
        return
    verdict = Verdict.objects.filter(claim=instance).first()
    if verdict is not None and verdict.is_public:
        refresh_entry(verdict)


@receiver(post_save, sender=Claim, dispatch_uid="publishing.claim_saved_matcher")
def claim_saved_matcher(sender: Any, instance: Claim, **kwargs: Any) -> None:
    """The check page reads the matcher with a little staleness; this process's own changes show at once."""
    mark_matcher_stale()
    transaction.on_commit(mark_matcher_stale)
