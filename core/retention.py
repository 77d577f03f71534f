"""Deleting personal data when its retention period is over, and recording that we did.

Each app registers what it holds (reporter contacts, caller numbers, recordings) as a
purger: a function that deletes the records of claims concluded before a cut-off and
returns how many it deleted. The schedule runs them all daily.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit
from .models import PersonalDataPurge

Purger = Callable[[datetime], int]
_PURGERS: dict[str, Purger] = {}


def purger(kind: str) -> Callable[[Purger], Purger]:
    def register(func: Purger) -> Purger:
        _PURGERS[kind] = func
        return func

    return register


def purge_expired(now: datetime | None = None) -> int:
    """Run every purger for data of claims concluded more than the retention period ago."""
    days = settings.PERSONAL_DATA_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    total = 0
    for kind, func in sorted(_PURGERS.items()):
        with transaction.atomic():
            count = func(cutoff)
            PersonalDataPurge.objects.create(kind=kind, count=count, retention_days=days)
            audit.record("personal_data.purge", object_type=kind, detail={"count": count, "retention_days": days})
        total += count
    return total
