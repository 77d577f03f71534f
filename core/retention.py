"""Deleting personal data when its retention period is over, and recording that we did.

Each app registers what it holds (reporter contacts, caller numbers, recordings) as a
purger: a function that deletes the records of claims concluded before a cut-off and
returns how many it deleted. The schedule runs them all daily. Each purge is recorded
(PersonalDataPurge and the audit log, counts only), also when nothing was due, so the
record shows the job ran. Data of claims still open is never touched by the cut-off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit
from .models import PersonalDataPurge

log = logging.getLogger(__name__)

Purger = Callable[[datetime], int]
_PURGERS: dict[str, Purger] = {}


class PurgeFailed(RuntimeError):
    """One or more purgers failed; the others still ran and were recorded."""


def purger(kind: str) -> Callable[[Purger], Purger]:
    """Register `func(cutoff) -> deleted count` for one kind of personal data."""

    def register(func: Purger) -> Purger:
        _PURGERS[kind] = func
        return func

    return register


def registered_kinds() -> list[str]:
    return sorted(_PURGERS)


def cutoff_for(now: datetime | None = None) -> datetime:
    """Claims concluded before this moment have outlived the retention period."""
    days = settings.PERSONAL_DATA_RETENTION_DAYS
    if days < 0:
        raise ValueError("PERSONAL_DATA_RETENTION_DAYS must not be negative.")
    return (now or timezone.now()) - timedelta(days=days)


def purge_expired(now: datetime | None = None) -> int:
    """Run every purger for data of claims concluded more than the retention period ago.

    A failing purger does not stop the others (its deletion rolls back); the run then
    raises PurgeFailed so the scheduler shows the failure.
    """
    days = settings.PERSONAL_DATA_RETENTION_DAYS
    cutoff = cutoff_for(now)
    total = 0
    failed: list[str] = []
    for kind, func in sorted(_PURGERS.items()):
        try:
            with transaction.atomic():
                count = func(cutoff)
                PersonalDataPurge.objects.create(kind=kind, count=count, retention_days=days)
                audit.record("personal_data.purge", object_type=kind,
                             detail={"count": count, "retention_days": days})
        except Exception:  # noqa: BLE001 - reported below, after the other purgers ran
            log.exception("Purging %s failed.", kind)
            failed.append(kind)
            continue
        total += count
    if failed:
        raise PurgeFailed(f"Purging failed for: {', '.join(failed)}")
    return total
