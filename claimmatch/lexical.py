"""BM25 over folded syllables, with accented syllables as a second, boosted vocabulary
and pairs of adjacent folded syllables (``bigram_terms``, Vietnamese two-syllable words) as
a third.

Written here rather than taken from ``bm25s`` because claims arrive and leave one by one
(the matcher must add and remove without rebuilding a whole sparse matrix), and because we
also need a bounded per-pair figure, the IDF-weighted share of the query's words that a
claim contains, which fusion and thresholds can read as a probability-like feature.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

import numpy as np

# Accented terms carry this prefix (see ``claimmatch.text_keys.EXACT_PREFIX``).
_EXACT_PREFIX = "="


def bigram_terms(tokens: Sequence[str]) -> list[str]:
    """Adjacent folded syllables as one term ("sinh vien", "ca canh").

    Most Vietnamese words are two syllables, so a syllable index alone scores "sinh viên"
    (student) the same as "sinh" and "viên" scattered in unrelated words; a pair term puts
    the word back. Tokens never contain a space, so the joined term cannot collide with a
    syllable, and ``is_unigram`` can tell the two apart.
    """
    return [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def pair_supported(tokens: Sequence[str], has_term) -> set[str]:
    """Tokens of the query that a matching adjacent pair vouches for in another text.

    A claim's body (a verdict's explanation, an article past its lead) is long, so almost
    any report's single words turn up somewhere in it; a two-syllable word of the report
    ("cá cảnh", "tiền cọc") found there is evidence that the body is about the same thing.
    ``has_term(pair)`` says whether that text holds the folded pair.
    """
    out: set[str] = set()
    for a, b in zip(tokens, tokens[1:]):
        if has_term(f"{a} {b}"):
            out.add(a)
            out.add(b)
    return out


def is_unigram(term: str) -> bool:
    """A folded single syllable (not an accented ``=`` term, not a syllable pair)."""
    return not term.startswith(_EXACT_PREFIX) and " " not in term


class BM25Index:
    """Incremental Okapi BM25 (Lucene's IDF, so scores stay positive)."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._slot_of: dict[Hashable, int] = {}
        self._key_of: list[Hashable | None] = []
        self._free: list[int] = []
        self._tf: list[Counter[str] | None] = []
        self._len = np.zeros(0, np.float64)
        self._postings: dict[str, dict[int, int]] = {}
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._total_len = 0.0

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._slot_of

    def add(self, key: Hashable, terms: Iterable[str]) -> None:
        """Index ``terms`` under ``key``, replacing what was there for that key."""
        if key in self._slot_of:
            self.remove(key)
        tf = Counter(terms)
        slot = self._free.pop() if self._free else self._new_slot()
        self._slot_of[key] = slot
        self._key_of[slot] = key
        self._tf[slot] = tf
        length = float(sum(tf.values()))
        self._len[slot] = length
        self._total_len += length
        for term, count in tf.items():
            self._postings.setdefault(term, {})[slot] = count
            self._arrays.pop(term, None)

    def remove(self, key: Hashable) -> bool:
        slot = self._slot_of.pop(key, None)
        if slot is None:
            return False
        tf = self._tf[slot] or Counter()
        for term in tf:
            posting = self._postings.get(term)
            if posting is not None:
                posting.pop(slot, None)
                if not posting:
                    del self._postings[term]
            self._arrays.pop(term, None)
        self._total_len -= self._len[slot]
        self._len[slot] = 0.0
        self._tf[slot] = None
        self._key_of[slot] = None
        self._free.append(slot)
        return True

    def _new_slot(self) -> int:
        slot = len(self._key_of)
        self._key_of.append(None)
        self._tf.append(None)
        if slot >= len(self._len):
            grown = np.zeros(max(16, 2 * len(self._len)), np.float64)
            grown[: len(self._len)] = self._len
            self._len = grown
        return slot

    def idf(self, term: str) -> float:
        n = len(self._slot_of)
        df = len(self._postings.get(term, ()))
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _posting_arrays(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        arrays = self._arrays.get(term)
        if arrays is None:
            posting = self._postings[term]
            arrays = (
                np.fromiter(posting.keys(), np.int64, len(posting)),
                np.fromiter(posting.values(), np.float64, len(posting)),
            )
            self._arrays[term] = arrays
        return arrays

    def _accumulate(self, weighted_terms: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """BM25 per slot, and which slots share at least one term with the query."""
        size = len(self._key_of)
        acc = np.zeros(size, np.float64)
        touched = np.zeros(size, bool)
        n = len(self._slot_of)
        if n == 0 or not weighted_terms:
            return acc, touched
        avgdl = self._total_len / n or 1.0
        norm = self.k1 * (1.0 - self.b + self.b * self._len[:size] / avgdl)
        for term, weight in weighted_terms.items():
            if term not in self._postings or weight == 0:
                continue
            slots, tf = self._posting_arrays(term)
            acc[slots] += weight * self.idf(term) * tf * (self.k1 + 1.0) / (tf + norm[slots])
            touched[slots] = True
        return acc, touched

    def scores(self, weighted_terms: dict[str, float]) -> dict[Hashable, float]:
        """BM25 of every document that shares a term with the query (term weights scale)."""
        acc, touched = self._accumulate(weighted_terms)
        return {self._key_of[s]: float(acc[s]) for s in np.flatnonzero(touched)}

    def top(self, weighted_terms: dict[str, float], k: int) -> list[tuple[Hashable, float]]:
        acc, touched = self._accumulate(weighted_terms)
        hits = np.flatnonzero(touched)
        if k <= 0 or len(hits) == 0:
            return []
        if len(hits) > k:
            hits = hits[np.argpartition(-acc[hits], k - 1)[:k]]
        hits = hits[np.argsort(-acc[hits], kind="stable")]
        return [(self._key_of[s], float(acc[s])) for s in hits]

    def score_of(self, weighted_terms: dict[str, float], keys: list[Hashable]) -> list[float]:
        """BM25 of the given documents only (0 for unknown keys)."""
        acc, _ = self._accumulate(weighted_terms)
        return [float(acc[self._slot_of[k]]) if k in self._slot_of else 0.0 for k in keys]

    def coverage(self, weighted_terms: dict[str, float], key: Hashable) -> float:
        """Share of the query's IDF mass whose terms occur in document ``key`` (0..1)."""
        slot = self._slot_of.get(key)
        if slot is None or not weighted_terms:
            return 0.0
        tf = self._tf[slot] or Counter()
        total = found = 0.0
        for term, weight in weighted_terms.items():
            mass = weight * self.idf(term)
            total += mass
            if term in tf:
                found += mass
        return found / total if total > 0 else 0.0

    def coverage_many(
        self,
        weighted_terms: dict[str, float],
        keys: list[Hashable],
        partial: Sequence[dict[str, float] | None] | None = None,
    ) -> list[float]:
        """``coverage`` for several documents, each term's IDF computed once (the matcher's
        hot path scores ~50 candidates per query).

        ``partial[i]``, if given, credits terms that document ``keys[i]`` lacks with a share
        (0..1) of their mass: the matcher credits words found only in a claim's body.
        """
        masses = [(term, weight * self.idf(term)) for term, weight in weighted_terms.items()]
        total = sum(mass for _, mass in masses)
        out = []
        for n, key in enumerate(keys):
            slot = self._slot_of.get(key)
            if slot is None or total <= 0:
                out.append(0.0)
                continue
            tf = self._tf[slot] or Counter()
            extra = partial[n] if partial is not None else None
            if extra:
                found = sum(mass if term in tf else mass * extra.get(term, 0.0)
                            for term, mass in masses)
            else:
                found = sum(mass for term, mass in masses if term in tf)
            out.append(found / total)
        return out

    def has_term(self, key: Hashable, term: str) -> bool:
        """Whether document ``key`` holds ``term`` (False for unknown keys)."""
        slot = self._slot_of.get(key)
        tf = self._tf[slot] if slot is not None else None
        return tf is not None and term in tf
