"""The process's claim matcher, derived from the database and kept in step with it.

The database holds each claim's text, canonical links, screenshot hashes and vectors;
the matcher's index is rebuilt from those (never by re-running the model) and then
refreshed incrementally from claims changed since the last refresh. Matching tasks run
on their own queue with one consumer, so one process owns the index that decides
("link" or "new") and two reports of one rumour cannot both create a claim.

Deleted claims leave no row to read: a deletion writes a tombstone (DeletedClaim) in the
deleting transaction, whichever process deletes, and each sync drops the tombstoned ids.
Tombstones are kept TOMBSTONE_KEEP; a matcher whose last sync is older than that compares
its ids with the claim table instead, so a long-idle process cannot miss a deletion.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from claimmatch import E5Embedder, HashingEmbedder, Matcher, MatchConfig

from .deletions import TOMBSTONE_KEEP
from .models import Claim, ClaimState, DeletedClaim
from .placeholders import placeholder_labels

_lock = threading.Lock()
_matcher: Matcher | None = None
_synced_at: datetime | None = None
_indexed: dict[int, datetime] = {}  # claim id -> updated_at of the version in the index
_synced_mono = 0.0  # time.monotonic() of the last sync, for readers that accept a little staleness
SYNC_MARGIN = timedelta(seconds=60)

INDEXED_STATES = {ClaimState.NEW, ClaimState.TRIAGED, ClaimState.IN_VERIFICATION,
                  ClaimState.AWAITING_REVIEW, ClaimState.PUBLISHED}


def _new_matcher() -> Matcher:
    embedder = None
    if getattr(settings, "MATCHING_EMBEDDER", "e5") == "hashing":
        embedder = HashingEmbedder()
    else:
        # Web processes run several requests at once on few cores: one model thread each
        # (TINGIA_EMBED_THREADS=1) avoids oversubscription; unset keeps the engine's default.
        raw = os.environ.get("TINGIA_EMBED_THREADS", "").strip()
        if raw.isdigit() and int(raw) > 0:
            embedder = E5Embedder(num_threads=int(raw))
    return Matcher(MatchConfig(), embedder=embedder)


def vectors_to_bytes(vectors: np.ndarray) -> bytes:
    return np.ascontiguousarray(vectors, dtype=np.float32).tobytes()


def vectors_from_bytes(data: bytes | memoryview | None, dim: int) -> np.ndarray | None:
    if not data:
        return None
    flat = np.frombuffer(bytes(data), dtype=np.float32)
    if flat.size == 0 or flat.size % dim:
        return None  # stored by another model: the matcher re-embeds this claim
    return flat.reshape(-1, dim)


def index_claim(matcher: Matcher, claim: Claim) -> None:
    if claim.state not in INDEXED_STATES:
        matcher.remove(claim.pk)
        return
    vectors = vectors_from_bytes(claim.embedding, matcher.embedder.dim)
    # A label ("(screenshot)", "hotline recording, transcript pending") is not the claim's
    # words: indexed as text it would make every such claim look like every other one.
    text = "" if claim.representative_text in placeholder_labels() else claim.representative_text
    matcher.add(claim.pk, text, claim.match_urls, claim.match_image_hashes, vectors)


def get_matcher(max_staleness: float = 0.0) -> Matcher:
    """The process-wide matcher, brought up to date with the database.

    `max_staleness` (seconds): a reader that may see changes a moment late (the public
    "check" page) skips the sync query when the last sync is that recent, so a burst of
    checks neither queries the claim table each time nor queues on the sync lock. The
    matching worker, which decides, always syncs (the default 0).
    """
    global _matcher, _synced_at, _synced_mono
    if max_staleness > 0 and _matcher is not None and time.monotonic() - _synced_mono < max_staleness:
        return _matcher
    with _lock:
        if max_staleness > 0 and _matcher is not None and time.monotonic() - _synced_mono < max_staleness:
            return _matcher  # another thread synced while this one waited
        if _matcher is None:
            _matcher = _new_matcher()
            _synced_at = None
            _indexed.clear()
        now = timezone.now()
        # The margin re-reads claims whose transaction committed after our last read even
        # though their updated_at is older; re-indexing reuses stored vectors, so it is cheap.
        since = None if _synced_at is None else _synced_at - SYNC_MARGIN
        changed = Claim.objects.all() if since is None else Claim.objects.filter(updated_at__gte=since)
        for claim in changed.order_by("pk").iterator(chunk_size=500):
            if _indexed.get(claim.pk) == claim.updated_at:
                continue  # already indexed in this version: the margin re-read it
            index_claim(_matcher, claim)
            _indexed[claim.pk] = claim.updated_at
        if since is not None:
            _drop_deleted(_matcher, since, now)
        _synced_at = now
        _synced_mono = time.monotonic()
        return _matcher


def _drop_deleted(matcher: Matcher, since: datetime, now: datetime) -> None:
    """Remove from the index the claims deleted since `since` (by any process)."""
    if since < now - TOMBSTONE_KEEP + SYNC_MARGIN:
        # Tombstones this old may be pruned already: compare with the table itself (rare).
        existing = set(Claim.objects.values_list("pk", flat=True))
        gone = [pk for pk in _indexed if pk not in existing]
    else:
        gone = [pk for pk in DeletedClaim.objects.filter(deleted_at__gte=since)
                .values_list("claim_id", flat=True) if pk in _indexed]
    for pk in gone:
        matcher.remove(pk)
        _indexed.pop(pk, None)


def mark_stale() -> None:
    """This process changed a claim: the next reader syncs, whatever staleness it accepts."""
    global _synced_mono
    _synced_mono = 0.0


def reset_matcher() -> None:
    """Forget the in-memory index (tests; a process that must reload the model)."""
    global _matcher, _synced_at, _synced_mono
    with _lock:
        _matcher, _synced_at, _synced_mono = None, None, 0.0
        _indexed.clear()
