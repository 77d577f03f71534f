"""The edit lock and the version check that keep two people from overwriting each other.

The lock says who is working on a claim now; it expires by itself (a person who walks away
does not block the claim for the day) and an editor may take it over. The version number
is what makes a save safe even without the lock: every save states the version its form
was built from, and a compare-and-set update refuses it when the claim moved on since.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.roles import check

from .models import Claim

LOCK_MINUTES = 15


class LockHeld(Exception):
    """Someone else holds the claim's edit lock."""

    def __init__(self, holder: Any, until: Any):
        self.holder, self.until = holder, until
        name = holder.get_username() if holder is not None else "?"
        when = timezone.localtime(until).strftime("%H:%M") if until else "?"
        super().__init__(_("%(name)s is editing this claim (lock until %(when)s). "
                           "Wait, or ask an editor to take the lock over.") % {"name": name, "when": when})


class StaleClaim(Exception):
    """The form was built from an older version of the claim than the one stored now."""

    def __init__(self, expected: int, current: int):
        self.expected, self.current = expected, current
        super().__init__(_("This claim was changed by someone else since you opened it (your version "
                           "%(expected)s, now %(current)s). Reload the page and redo your change.")
                         % {"expected": expected, "current": current})


def lock_expiry() -> Any:
    return timezone.now() + timedelta(minutes=LOCK_MINUTES)


def acquire(claim: Claim, user: Any) -> Claim:
    """Take or renew the lock if it is free, expired or already ours; LockHeld otherwise."""
    now = timezone.now()
    free = Q(locked_by__isnull=True) | Q(lock_expires_at__lte=now) | Q(locked_by=user)
    taken = Claim.objects.filter(pk=claim.pk).filter(free).update(locked_by=user, lock_expires_at=lock_expiry())
    claim.refresh_from_db(fields=["locked_by", "lock_expires_at"])
    if not taken:
        raise LockHeld(claim.locked_by, claim.lock_expires_at)
    return claim


def take_over(claim: Claim, user: Any) -> Claim:
    """An editor takes the lock from whoever holds it; audited with the previous holder's id."""
    check(user, "lock.take_over")
    previous = claim.lock_holder()
    Claim.objects.filter(pk=claim.pk).update(locked_by=user, lock_expires_at=lock_expiry())
    claim.refresh_from_db(fields=["locked_by", "lock_expires_at"])
    audit.record("claim.lock_take_over", actor=user, obj=claim,
                 detail={"previous_holder_id": getattr(previous, "pk", None)})
    return claim


def release(claim: Claim, user: Any) -> bool:
    """Give the lock back (only its holder can); True when something was released."""
    released = Claim.objects.filter(pk=claim.pk, locked_by=user).update(locked_by=None, lock_expires_at=None)
    claim.refresh_from_db(fields=["locked_by", "lock_expires_at"])
    return bool(released)


def ensure_editable(claim: Claim, user: Any) -> None:
    """Before a save: the lock must be ours or free (then we take it). Call inside the save's transaction."""
    holder = claim.lock_holder()
    if holder is not None and holder.pk != user.pk:
        raise LockHeld(holder, claim.lock_expires_at)
    acquire(claim, user)


def bump_version(claim: Claim, expected_version: int | None, **fields: Any) -> Claim:
    """Save `fields` and move the version on, only if nobody saved since `expected_version`.

    None skips the check (system changes, e.g. matching). The update is one compare-and-set
    statement, so two concurrent saves of the same version cannot both pass.
    """
    rows = Claim.objects.filter(pk=claim.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    updated = rows.update(version=F("version") + 1, updated_at=timezone.now(), **fields)
    if not updated:
        current = Claim.objects.filter(pk=claim.pk).values_list("version", flat=True).first() or 0
        raise StaleClaim(expected_version or 0, current)
    claim.refresh_from_db()
    return claim
