"""A shared snapshot file plus a per-process delta: the index every process reads, kept fresh.

Why: the database is the source of truth for claim vectors; the search index is derived.
Rebuilding it in every web and worker process would cost minutes and gigabytes each, so:

- One **snapshot** file, built at a known database change sequence number ``seq`` and
  memory-mapped read-only by every process (``VectorIndex.load(path, mmap=True)``).
- A small in-memory **delta** in each reader: exact search over the claims changed since
  the snapshot, and those claims hidden in the snapshot (a claim whose vectors changed is
  served from the delta only; a deleted claim from neither).
- One **builder** (a periodic maintenance task) writes a newer snapshot atomically; readers
  notice the new file and drop the delta entries it now covers.

Concurrency model (writers never touch the index):
1. Writers (web requests, workers) only write to the database: each change to a claim's
   vectors (insert, update, delete) stores the full vector set, or a deletion mark, with a
   value from one increasing database sequence (``seq``).
2. Readers pull rows with ``seq`` above their watermark (``LayeredIndex.refresh``) and
   ``apply`` them. Applying is idempotent and order-proof: per claim, only a change with a
   higher ``seq`` than the one already applied counts, so re-reading an overlap window is
   harmless. That overlap exists for a reason: database sequences are handed out before
   commit, so a transaction can commit a LOWER seq after a higher one was already read;
   ``refresh(overlap=...)`` re-reads that window. (A writer can rule the race out by taking
   the sequence value under a short advisory lock at the end of its transaction.)
3. The builder takes an exclusive file lock (``<snapshot>.lock``) so there is one owner at a
   time, reads all current rows together with the ``seq`` they are complete up to, and
   writes the file atomically (temporary file, fsync, rename). It must pass a ``seq`` no
   in-flight transaction can still fall under, for the same reason as above.
4. Within one process, ``LayeredIndex`` serialises ``apply`` and the delta part of a search
   with a lock; the big snapshot search runs outside it on an immutable mapping, so readers
   do not queue behind each other or behind a refresh.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from claimmatch.vector_index import AnnParams, Hit, VectorIndex

__all__ = ["Change", "LayeredIndex", "SnapshotBuilder", "snapshot_seq"]


@dataclass(frozen=True)
class Change:
    """One database row of a claim's vectors as of ``seq``; ``vectors=None`` means deleted."""

    claim_id: int
    seq: int
    vectors: np.ndarray | None = None


def snapshot_seq(path: str | os.PathLike[str]) -> int | None:
    """The change sequence number a snapshot file covers, or None if there is no file yet."""
    try:
        return int(VectorIndex.read_meta(path)["seq"])
    except FileNotFoundError:
        return None


def _file_identity(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


class LayeredIndex:
    """Snapshot (shared, mapped) + delta (this process) searched as one index."""

    def __init__(self, dim: int, snapshot_path: str | os.PathLike[str] | None = None,
                 exact_below: int = 20_000, ann: AnnParams | None = None) -> None:
        self.dim = dim
        self.snapshot_path = Path(snapshot_path) if snapshot_path is not None else None
        self._delta = VectorIndex(dim, exact_below=exact_below, ann=ann)
        self._base: VectorIndex | None = None
        self._base_identity: tuple[int, int, int] | None = None
        self._snapshot_seq = 0
        self._watermark = 0
        self._changed: dict[int, int] = {}  # claim id -> seq of the change applied
        self._hidden = np.empty(0, dtype=np.int64)  # sorted ids hidden in the snapshot
        self._lock = threading.RLock()
        if self.snapshot_path is not None:
            self.reload()

    # ----------------------------------------------------------------- state
    @property
    def snapshot_seq(self) -> int:
        """Sequence number the mapped snapshot covers (0 without a snapshot)."""
        return self._snapshot_seq

    @property
    def watermark(self) -> int:
        """Highest sequence number seen so far (snapshot or applied change)."""
        return self._watermark

    @property
    def delta_claims(self) -> int:
        """Claims changed since the snapshot; a rebuild is due when this grows large."""
        return len(self._changed)

    # ----------------------------------------------------------------- updates
    def apply(self, changes: Iterable[Change]) -> int:
        """Apply database changes; returns how many were new (stale or repeated ones are skipped)."""
        with self._lock:
            latest: dict[int, Change] = {}
            for change in changes:
                if change.seq <= self._snapshot_seq:
                    continue  # the snapshot already holds this state or a newer one
                if change.seq <= self._changed.get(change.claim_id, -1):
                    continue
                held = latest.get(change.claim_id)
                if held is None or change.seq > held.seq:
                    latest[change.claim_id] = change
            if not latest:
                return 0
            ids = np.fromiter(latest, dtype=np.int64, count=len(latest))
            add_ids, add_vectors = [], []
            for change in latest.values():
                if change.vectors is not None:
                    rows = np.atleast_2d(np.asarray(change.vectors, dtype=np.float32))
                    add_ids.append(np.full(len(rows), change.claim_id, dtype=np.int64))
                    add_vectors.append(rows)
            if add_ids:
                self._delta.replace(np.concatenate(add_ids), np.concatenate(add_vectors))
            deleted = [c.claim_id for c in latest.values() if c.vectors is None]
            if deleted:
                self._delta.remove(deleted)
            for change in latest.values():
                self._changed[change.claim_id] = change.seq
                self._watermark = max(self._watermark, change.seq)
            self._hidden = np.union1d(self._hidden, ids)
            return len(latest)

    def refresh(self, fetch: Callable[[int], Iterable[Change]], overlap: int = 0) -> int:
        """Pull and apply the changes after the watermark (minus ``overlap``, see module doc)."""
        self.reload()
        return self.apply(fetch(max(0, self._watermark - overlap)))

    def reload(self) -> bool:
        """Map a newer snapshot if the builder wrote one; drop the delta entries it covers."""
        if self.snapshot_path is None:
            return False
        identity = _file_identity(self.snapshot_path)
        if identity is None or identity == self._base_identity:
            return False
        fresh = VectorIndex.load(self.snapshot_path, mmap=True)
        seq = int(fresh.meta.get("seq", 0))
        if fresh.dim != self.dim:
            raise ValueError(f"snapshot {self.snapshot_path} has dim {fresh.dim}, expected {self.dim}")
        with self._lock:
            self._base_identity = identity
            if seq < self._snapshot_seq:
                return False  # an older file than the one mapped: keep ours
            covered = [cid for cid, applied in self._changed.items() if applied <= seq]
            if covered:
                self._delta.remove(covered)
                for cid in covered:
                    del self._changed[cid]
                self._hidden = np.fromiter(sorted(self._changed), dtype=np.int64,
                                           count=len(self._changed))
            self._base = fresh
            self._snapshot_seq = seq
            self._watermark = max(self._watermark, seq)
            return True

    # ----------------------------------------------------------------- search
    def search(self, queries: np.ndarray, k: int) -> list[list[Hit]]:
        """Top ``k`` claims per query over snapshot and delta, each claim once with its best score."""
        with self._lock:
            base, hidden = self._base, self._hidden
            from_delta = self._delta.search(queries, k)
        if base is None:
            return from_delta
        from_base = base.search(queries, k, exclude=hidden)
        merged: list[list[Hit]] = []
        for old, new in zip(from_base, from_delta):
            best: dict[int, float] = {}
            for claim_id, score in (*old, *new):
                if score > best.get(claim_id, -np.inf):
                    best[claim_id] = score
            merged.append(sorted(best.items(), key=lambda hit: (-hit[1], hit[0]))[:k])
        return merged


class SnapshotBuilder:
    """Writes a new snapshot from the database rows; one owner at a time via a file lock."""

    def __init__(self, path: str | os.PathLike[str], dim: int, exact_below: int = 20_000,
                 ann: AnnParams | None = None, lock_timeout: float = 0.0,
                 batch_rows: int = 50_000) -> None:
        self.path = Path(path)
        self.dim = dim
        self.exact_below = exact_below
        self.ann = ann
        self.lock_timeout = lock_timeout
        self.batch_rows = batch_rows

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def build(self, rows: Iterable[tuple[int, np.ndarray]], seq: int,
              meta: dict[str, Any] | None = None) -> bool:
        """Index every (claim id, vectors) row as the state at ``seq``; False if not our turn.

        Returns False without writing when another builder holds the lock (after
        ``lock_timeout`` seconds) or the existing snapshot already covers ``seq``.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=self.lock_timeout)
        try:
            lock.acquire()
        except Timeout:
            return False
        try:
            current = snapshot_seq(self.path)
            if current is not None and current >= seq:
                return False
            started = time.monotonic()
            index = self._index_rows(rows)
            saved = {**(meta or {}), "seq": int(seq), "claims": len(index),
                     "build_s": round(time.monotonic() - started, 3)}
            index.save(self.path, meta=saved)
            return True
        finally:
            lock.release()

    def _index_rows(self, rows: Iterable[tuple[int, np.ndarray]]) -> VectorIndex:
        index = VectorIndex(self.dim, exact_below=self.exact_below, ann=self.ann)
        ids: list[np.ndarray] = []
        vectors: list[np.ndarray] = []
        pending = 0
        for claim_id, claim_vectors in rows:
            block = np.atleast_2d(np.asarray(claim_vectors, dtype=np.float32))
            ids.append(np.full(len(block), claim_id, dtype=np.int64))
            vectors.append(block)
            pending += len(block)
            if pending >= self.batch_rows:
                index.add(np.concatenate(ids), np.concatenate(vectors))
                ids, vectors, pending = [], [], 0
        if ids:
            index.add(np.concatenate(ids), np.concatenate(vectors))
        return index
