"""An in-memory BM25 index over the folded text of public verdicts, one per process.

Ranking happens here, in Python and NumPy, not in the database, so SQLite and PostgreSQL
return the same results in the same order. The index is built from `SearchEntry` rows
(text already folded) into per-term posting arrays; a verdict published, corrected or
withdrawn later goes into a small overlay (delta rows, dead base rows) instead of forcing
a rebuild, and the overlay is folded into a fresh base once it grows.

Scores are exact BM25 over the live set (document frequencies discount dead rows), so
the split between base and overlay never changes a result.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from . import freshness
from .indexing import Stamp, reconcile
from .models import SearchEntry

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3  # a title word counts as three body words
MAX_OVERLAY = 300  # changed verdicts kept in the overlay before the base is rebuilt


def doc_terms(title_key: str, body_key: str) -> Counter[str]:
    terms: Counter[str] = Counter(body_key.split())
    for term in title_key.split():
        terms[term] += TITLE_WEIGHT
    return terms


@dataclass
class _Base:
    ids: np.ndarray  # verdict id per row
    lengths: np.ndarray  # weighted term count per row
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # term -> (rows, term frequencies)
    row_of: dict[int, int]


@dataclass
class _Overlay:
    docs: dict[int, tuple[Counter[str], int]] = field(default_factory=dict)  # id -> (terms, length)
    dead_rows: set[int] = field(default_factory=set)


def _build_base(entries: list[tuple[int, str, str]]) -> _Base:
    rows: dict[str, list[int]] = {}
    tfs: dict[str, list[int]] = {}
    ids = np.empty(len(entries), dtype=np.int64)
    lengths = np.empty(len(entries), dtype=np.float64)
    for row, (pk, title_key, body_key) in enumerate(entries):
        terms = doc_terms(title_key, body_key)
        ids[row] = pk
        lengths[row] = sum(terms.values())
        for term, tf in terms.items():
            rows.setdefault(term, []).append(row)
            tfs.setdefault(term, []).append(tf)
    postings = {
        t: (np.asarray(r, dtype=np.int32), np.asarray(tfs[t], dtype=np.float64)) for t, r in rows.items()
    }
    return _Base(ids, lengths, postings, {int(pk): row for row, pk in enumerate(ids)})


class SearchIndex:
    """Immutable snapshot: a base plus an overlay. Updates produce a new snapshot."""

    def __init__(self, base: _Base, overlay: _Overlay | None = None):
        self.base = base
        self.overlay = overlay or _Overlay()
        alive = np.ones(len(base.ids), dtype=bool)
        if self.overlay.dead_rows:
            alive[list(self.overlay.dead_rows)] = False
        self.alive = alive
        n_live_base = int(alive.sum())
        self.size = n_live_base + len(self.overlay.docs)
        total = float(base.lengths[alive].sum()) + sum(length for _, length in self.overlay.docs.values())
        self.avg_length = total / self.size if self.size else 1.0

    def __len__(self) -> int:
        return self.size

    def ids(self) -> set[int]:
        live = {int(pk) for pk in self.base.ids[self.alive]}
        return live | set(self.overlay.docs)

    def score(self, terms: list[str]) -> tuple[dict[int, float], dict[int, float]]:
        """BM25 score per matching verdict id, and the share of the query's IDF each covers."""
        if not self.size or not terms:
            return {}, {}
        unique = sorted(set(terms))
        base_scores = np.zeros(len(self.base.ids))
        base_cover = np.zeros(len(self.base.ids))
        extra_scores: dict[int, float] = {}
        extra_cover: dict[int, float] = {}
        idf_total = 0.0
        norm = K1 * (1 - B + B * self.base.lengths / self.avg_length) if len(self.base.ids) else None
        for term in unique:
            rows, tfs = self.base.postings.get(term, (None, None))
            df = 0
            if rows is not None:
                keep = self.alive[rows]
                rows, tfs = rows[keep], tfs[keep]
                df = len(rows)
            overlay_hits = [
                (pk, terms_[term], length)
                for pk, (terms_, length) in self.overlay.docs.items()
                if term in terms_
            ]
            df += len(overlay_hits)
            idf = math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))
            idf_total += idf
            if rows is not None and len(rows):
                base_scores[rows] += idf * tfs * (K1 + 1) / (tfs + norm[rows])
                base_cover[rows] += idf
            for pk, tf, length in overlay_hits:
                denominator = tf + K1 * (1 - B + B * length / self.avg_length)
                extra_scores[pk] = extra_scores.get(pk, 0.0) + idf * tf * (K1 + 1) / denominator
                extra_cover[pk] = extra_cover.get(pk, 0.0) + idf
        hit_rows = np.nonzero(base_scores)[0]
        scores = {int(self.base.ids[r]): float(base_scores[r]) for r in hit_rows}
        cover = {int(self.base.ids[r]): float(base_cover[r]) for r in hit_rows}
        scores.update(extra_scores)
        cover.update(extra_cover)
        if idf_total > 0:
            cover = {pk: value / idf_total for pk, value in cover.items()}
        return scores, cover

    def with_changes(self, upserts: dict[int, tuple[str, str]], removed: set[int]) -> SearchIndex:
        """A new snapshot with these verdicts added or replaced and those removed."""
        overlay = _Overlay(dict(self.overlay.docs), set(self.overlay.dead_rows))
        for pk in set(upserts) | removed:
            row = self.base.row_of.get(pk)
            if row is not None:
                overlay.dead_rows.add(row)
            overlay.docs.pop(pk, None)
        for pk, (title_key, body_key) in upserts.items():
            terms = doc_terms(title_key, body_key)
            overlay.docs[pk] = (terms, sum(terms.values()))
        return SearchIndex(self.base, overlay)

    @property
    def overlay_size(self) -> int:
        return len(self.overlay.docs) + len(self.overlay.dead_rows)


def build_index() -> SearchIndex:
    rows = SearchEntry.objects.order_by("verdict_id").values_list("verdict_id", "title_key", "body_key")
    return SearchIndex(_build_base(list(rows.iterator(chunk_size=1000))))


class _Holder:
    """The process's current snapshot, the stamp it reflects and what it holds."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: SearchIndex | None = None
        self.stamp: Stamp | None = None
        self.versions: dict[int, object] = {}


_holder = _Holder()


def mark_changed() -> None:
    """Called when this process saved a verdict: look at the database on the next search."""
    freshness.mark_changed()


def reset_index() -> None:
    with _holder.lock:
        _holder.index, _holder.stamp, _holder.versions = None, None, {}
    freshness.reset()


def get_index() -> SearchIndex:
    """The current snapshot, refreshed when the verdicts' change stamp moved."""
    holder = _holder
    stamp = freshness.current()
    if holder.index is not None and stamp == holder.stamp:
        return holder.index
    with holder.lock:
        if holder.index is not None and stamp == holder.stamp:
            return holder.index
        reconcile()
        versions = dict(SearchEntry.objects.values_list("verdict_id", "verdict_updated_at"))
        if holder.index is None:
            holder.index = build_index()
        else:
            changed = [pk for pk, v in versions.items() if holder.versions.get(pk, _MISSING) != v]
            removed = set(holder.versions) - set(versions)
            if len(changed) + len(removed) + holder.index.overlay_size > MAX_OVERLAY:
                holder.index = build_index()
            elif changed or removed:
                texts = {
                    pk: (t, b)
                    for pk, t, b in SearchEntry.objects.filter(verdict_id__in=changed).values_list(
                        "verdict_id", "title_key", "body_key"
                    )
                }
                holder.index = holder.index.with_changes(texts, removed)
        holder.versions = versions
        holder.stamp = stamp
        return holder.index


_MISSING = object()
