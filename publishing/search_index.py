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
from array import array
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
    """Postings grouped with one sort over (term id, row) pairs instead of per-term Python lists."""
    vocab: dict[str, int] = {}
    term_ids: array[int] = array("i")
    rows: array[int] = array("i")
    tfs: array[float] = array("d")
    ids = np.empty(len(entries), dtype=np.int64)
    lengths = np.empty(len(entries), dtype=np.float64)
    for row, (pk, title_key, body_key) in enumerate(entries):
        terms = doc_terms(title_key, body_key)
        ids[row] = pk
        lengths[row] = sum(terms.values())
        term_ids.extend([vocab.setdefault(term, len(vocab)) for term in terms])
        rows.extend([row] * len(terms))
        tfs.extend(terms.values())
    term_arr = np.frombuffer(term_ids, dtype=np.int32)
    order = np.argsort(term_arr, kind="stable")
    sorted_terms = term_arr[order]
    row_arr = np.frombuffer(rows, dtype=np.int32)[order]
    tf_arr = np.frombuffer(tfs, dtype=np.float64)[order]
    starts = np.searchsorted(sorted_terms, np.arange(len(vocab)), side="left")
    ends = np.searchsorted(sorted_terms, np.arange(len(vocab)), side="right")
    postings = {term: (row_arr[starts[i]:ends[i]], tf_arr[starts[i]:ends[i]]) for term, i in vocab.items()}
    return _Base(ids, lengths, postings, {int(pk): row for row, pk in enumerate(ids)})


@dataclass(frozen=True)
class Scores:
    """Matching verdict ids with their BM25 score and the share of the query's IDF they cover."""

    ids: np.ndarray
    scores: np.ndarray
    cover: np.ndarray


EMPTY = Scores(np.empty(0, np.int64), np.empty(0), np.empty(0))


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

    def score(self, terms: list[str]) -> Scores:
        """BM25 over the live set, computed in NumPy for the base and in Python for the overlay."""
        if not self.size or not terms:
            return EMPTY
        n_base = len(self.base.ids)
        base_scores = np.zeros(n_base)
        base_cover = np.zeros(n_base)
        extra_scores: dict[int, float] = {}
        extra_cover: dict[int, float] = {}
        idf_total = 0.0
        norm = K1 * (1 - B + B * self.base.lengths / self.avg_length)
        for term in sorted(set(terms)):
            rows, tfs = self.base.postings.get(term, (None, None))
            df = 0
            if rows is not None:
                if self.overlay.dead_rows:
                    keep = self.alive[rows]
                    rows, tfs = rows[keep], tfs[keep]
                df = len(rows)
            overlay_hits = [(pk, doc[term], length) for pk, (doc, length) in self.overlay.docs.items()
                            if term in doc]
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
        hit_rows = np.flatnonzero(base_scores)
        extra_ids = np.fromiter(extra_scores, dtype=np.int64, count=len(extra_scores))
        ids = np.concatenate([self.base.ids[hit_rows], extra_ids])
        scores = np.concatenate([base_scores[hit_rows], np.fromiter(extra_scores.values(), float, len(extra_scores))])
        cover = np.concatenate([base_cover[hit_rows], np.fromiter(extra_cover.values(), float, len(extra_cover))])
        return Scores(ids, scores, cover / idf_total if idf_total > 0 else cover)

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
