"""Tombstones for deleted claims, written in the deleting transaction.

Every process that matches keeps its own in-memory index (verification.matching) and syncs
it from the claim table; a deleted claim leaves no row to read, so the deletion is recorded
here and read back by every process's next sync. Light on purpose: registered at start-up
by every process, it must not load the matching engine.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from .models import Claim, DeletedClaim

TOMBSTONE_KEEP = timedelta(days=2)


@receiver(post_delete, sender=Claim, dispatch_uid="verification.deletions.claim_deleted")
def claim_deleted(sender, instance: Claim, using: str, **kwargs) -> None:  # noqa: ANN001
    """Record the deletion (and prune tombstones older than any live sync needs: an indexed delete)."""
    now = timezone.now()
    DeletedClaim.objects.using(using).create(claim_id=instance.pk, deleted_at=now)
    DeletedClaim.objects.using(using).filter(deleted_at__lt=now - TOMBSTONE_KEEP).delete()
    matching = sys.modules.get("verification.matching")
    if matching is not None:  # this process has a matcher: its readers that accept staleness sync next
        transaction.on_commit(matching.mark_stale, using=using)
