"""The process's claim matcher, derived from the database and kept in step with it.

The database holds each claim's text, canonical links, screenshot hashes and vectors;
the matcher's index is rebuilt from those (never by re-running the model) and then
refreshed incrementally from claims changed since the last refresh. Matching tasks run
on their own queue with one consumer, so one process owns the index that decides
("link" or "new") and two reports of one rumour cannot both create a claim.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from claimmatch import HashingEmbedder, Matcher, MatchConfig

from .models import Claim, ClaimState

_lock = threading.Lock()
_matcher: Matcher | None = None
_synced_at: datetime | None = None
_indexed: dict[int, datetime] = {}  # claim id -> updated_at of the version in the index
SYNC_MARGIN = timedelta(seconds=60)

INDEXED_STATES = {ClaimState.NEW, ClaimState.TRIAGED, ClaimState.IN_VERIFICATION,
                  ClaimState.AWAITING_REVIEW, ClaimState.PUBLISHED}


def _new_matcher() -> Matcher:
    embedder = None
    if getattr(settings, "MATCHING_EMBEDDER", "e5") == "hashing":
        embedder = HashingEmbedder()
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
    matcher.add(claim.pk, claim.representative_text, claim.match_urls, claim.match_image_hashes, vectors)


def get_matcher() -> Matcher:
    """The process-wide matcher, brought up to date with the database."""
    global _matcher, _synced_at
    with _lock:
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
        _synced_at = now
        return _matcher


def reset_matcher() -> None:
    """Forget the in-memory index (tests; a process that must reload the model)."""
    global _matcher, _synced_at
    with _lock:
        _matcher, _synced_at = None, None
        _indexed.clear()
