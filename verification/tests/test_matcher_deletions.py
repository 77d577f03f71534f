"""A deleted claim leaves every process's matcher on its next sync, whoever deleted it.

Each process keeps its own in-memory index synced by Claim.updated_at; a deleted row has
no updated_at to read, so deletions leave a tombstone (DeletedClaim) in the deleting
transaction. "Another process" is played here by deleting with SQL that sends no Django
signal: all this process's matcher can learn from is what the database holds.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from intake.models import Report
from verification import matching
from verification.deletions import TOMBSTONE_KEEP
from verification.matching import get_matcher
from verification.models import Claim, DeletedClaim

from .conftest import OTHER_RUMOUR, POST, RUMOUR

pytestmark = pytest.mark.django_db


def found(text: str = RUMOUR, urls: tuple[str, ...] = (POST,)) -> set[int]:
    return {c.claim_id for c in get_matcher().query(text, list(urls), [])}


def test_a_claim_deleted_through_the_orm_is_never_returned_again(send_report):
    kept = send_report(OTHER_RUMOUR)
    doomed = send_report(RUMOUR, urls=(POST,))
    assert doomed.claim_id in found()  # indexed, so the deletion has something to undo
    claim_id = doomed.claim_id
    Claim.objects.get(pk=claim_id).delete()
    assert DeletedClaim.objects.filter(claim_id=claim_id).exists()
    assert claim_id not in found() and claim_id not in get_matcher()
    assert claim_id not in found(RUMOUR, ()) and claim_id not in found("", (POST,))
    assert kept.claim_id in found(OTHER_RUMOUR, ())  # the others stay


def test_a_queryset_delete_also_leaves_a_tombstone(send_report):
    doomed = send_report(RUMOUR, urls=(POST,))
    assert doomed.claim_id in found()
    Claim.objects.filter(pk=doomed.claim_id).delete()
    assert doomed.claim_id not in found()


def _delete_elsewhere(claim_id: int, *, tombstone: bool) -> None:
    """What this process sees of a deletion made by another one: rows changed, no signal here."""
    Report.objects.filter(claim_id=claim_id).update(claim=None)
    Claim.objects.filter(pk=claim_id)._raw_delete(connection.alias)  # no signal, as in another process
    if tombstone:
        DeletedClaim.objects.create(claim_id=claim_id)  # that process's signal wrote this


def test_a_deletion_made_by_another_process_is_read_from_its_tombstone(send_report):
    doomed = send_report(RUMOUR, urls=(POST,))
    assert doomed.claim_id in found()
    _delete_elsewhere(doomed.claim_id, tombstone=True)
    assert not Claim.objects.filter(pk=doomed.claim_id).exists()
    assert doomed.claim_id not in found()


def test_without_a_tombstone_a_recent_sync_does_not_scan_the_table(send_report):
    """The cheap path reads tombstones only (this is what makes them necessary)."""
    doomed = send_report(RUMOUR, urls=(POST,))
    assert doomed.claim_id in found()
    _delete_elsewhere(doomed.claim_id, tombstone=False)
    assert doomed.claim_id in found()  # stale: nothing in the database says it went


def test_a_matcher_idle_longer_than_tombstones_are_kept_compares_ids(send_report):
    doomed = send_report(RUMOUR, urls=(POST,))
    assert doomed.claim_id in found()
    _delete_elsewhere(doomed.claim_id, tombstone=False)  # its tombstone was pruned meanwhile
    matching._synced_at -= TOMBSTONE_KEEP + timedelta(minutes=5)
    assert doomed.claim_id not in found()


def test_old_tombstones_are_pruned_when_a_claim_is_deleted(send_report):
    from django.utils import timezone

    old = DeletedClaim.objects.create(claim_id=999_999, deleted_at=timezone.now() - TOMBSTONE_KEEP * 2)
    doomed = send_report(RUMOUR)
    Claim.objects.get(pk=doomed.claim_id).delete()
    assert not DeletedClaim.objects.filter(pk=old.pk).exists()
    assert DeletedClaim.objects.filter(claim_id=doomed.claim_id).exists()
