"""The claim matcher: index claims, rank them for a new report, decide what to do.

Signals run cheapest first. Links, screenshots, MinHash and BM25 cost microseconds; the
sentence model costs tens of milliseconds, so with ``embed_query="needed"`` a report that
is a near-identical copy of a known claim is settled without embedding it. Everything the
index holds can be rebuilt from what the database stores (text, links, image hashes and
the vectors ``embed`` returned), so a restart never re-runs the model.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from claimmatch.config import MatchConfig
from claimmatch.decision import Decision, decide
from claimmatch.dense import ClaimVectors
from claimmatch.embedding import E5Embedder, Embedder
from claimmatch.fusion import Candidate, text_score
from claimmatch.lexical import BM25Index
from claimmatch.neardup import NearDupIndex
from claimmatch.nontext import LinkIndex, ScreenshotIndex
from claimmatch.text_keys import TextKeys, text_keys

# Explanatory cut-offs for reason codes shown to staff; the decision uses the fused score.
SIMILAR_MEANING_COSINE = 0.9
SAME_WORDS_COVERAGE = 0.6


@dataclass(frozen=True)
class _Query:
    keys: TextKeys
    terms: dict[str, float]
    signature: object


class Matcher:
    """Finds which known claims a new report repeats. Not tied to Django or a database."""

    def __init__(self, config: MatchConfig | None = None, embedder: Embedder | None = None):
        self.config = config or MatchConfig()
        self.embedder: Embedder = embedder if embedder is not None else E5Embedder()
        self._lock = threading.RLock()
        self._bm25 = BM25Index()
        self._neardup = NearDupIndex(self.config.minhash_perm, self.config.lsh_threshold)
        self._vectors = ClaimVectors(self.embedder.dim)
        self._links = LinkIndex(self.config.max_claims_per_link)
        self._shots = ScreenshotIndex(self.config.max_claims_per_link)
        self._claims: set[int] = set()

    def __len__(self) -> int:
        return len(self._claims)

    def __contains__(self, claim_id: int) -> bool:
        return claim_id in self._claims

    # --- indexing -------------------------------------------------------------------------

    def embed(self, text: str) -> np.ndarray:
        """Vectors to store for a claim text: accented and folded forms, (1 or 2, dim)."""
        return self.embedder.embed_passages(embed_forms(text_keys(text)))

    def embed_query(self, text: str) -> np.ndarray:
        """Query-side vectors for ``text`` (e5 wants a different prefix for questions)."""
        return self.embedder.embed_queries(embed_forms(text_keys(text)))

    def add(
        self,
        claim_id: int,
        text: str,
        urls: Iterable[str] = (),
        image_hashes: Iterable[str] = (),
        vectors: np.ndarray | None = None,
    ) -> None:
        """Index (or re-index) a claim; pass the stored ``vectors`` to avoid re-embedding."""
        claim_id = _check_id(claim_id)
        keys = text_keys(text)
        if vectors is None and self.config.embed_query != "never" and keys.folded_tokens:
            vectors = self.embed(text)
        if vectors is not None:
            vectors = np.asarray(vectors, np.float32)
        with self._lock:
            self.remove(claim_id)
            self._bm25.add(claim_id, self._doc_terms(keys))
            self._neardup.add(claim_id, self._signature(keys))
            if vectors is not None and vectors.size:
                self._vectors.add(claim_id, vectors)
            self._links.add(claim_id, self._links.keys_for(urls, text))
            self._shots.add(claim_id, image_hashes)
            self._claims.add(claim_id)

    def remove(self, claim_id: int) -> bool:
        with self._lock:
            if claim_id not in self._claims:
                return False
            self._bm25.remove(claim_id)
            self._neardup.remove(claim_id)
            self._vectors.remove(claim_id)
            self._links.remove(claim_id)
            self._shots.remove(claim_id)
            self._claims.discard(claim_id)
            return True

    # --- querying -------------------------------------------------------------------------

    def query(
        self,
        text: str,
        urls: Iterable[str] = (),
        image_hashes: Iterable[str] = (),
        k: int = 10,
        query_vectors: np.ndarray | None = None,
    ) -> list[Candidate]:
        """Ranked candidates for a report, best first, each with its reasons and signals.

        ``query_vectors`` (from ``embed_query``) skips the model when the caller has them.
        """
        if k <= 0:
            return []
        q = self._prepare(text)
        with self._lock:
            link_hits = self._links.claims_for(self._links.keys_for(urls, text))
            shot_hits = self._shots.claims_for(image_hashes)
            pool: dict[int, dict[str, float]] = {}
            retrieve = max(k, self.config.retrieve_k)
            for cid, score in self._bm25.top(q.terms, retrieve):
                pool.setdefault(int(cid), {})["bm25"] = score
            for cid, jac in self._neardup.query(q.signature):
                pool.setdefault(int(cid), {})["near_dup"] = jac
            for cid in link_hits:
                pool.setdefault(cid, {})["same_link"] = 1.0
            for cid in shot_hits:
                pool.setdefault(cid, {})["same_screenshot"] = 1.0
            has_vectors = len(self._vectors) > 0
        # the model runs outside the lock: other threads may index meanwhile
        rows = self._query_rows(q, pool, query_vectors) if has_vectors else None
        with self._lock:
            if rows is not None:
                for cid, _ in self._vectors.search(rows, retrieve):
                    pool.setdefault(cid, {})
            candidates = [
                self._score(cid, signals, q, rows)
                for cid, signals in pool.items()
                if cid in self._claims  # removed while the model ran
            ]
        candidates.sort(key=lambda c: (-c.score, c.claim_id))
        return candidates[:k]

    def compare(
        self, text: str, claim_id: int, query_vectors: np.ndarray | None = None
    ) -> Candidate | None:
        """Score ``text`` against one indexed claim (``None`` if it is not indexed)."""
        q = self._prepare(text)
        rows = query_vectors
        if rows is None and self.config.embed_query != "never" and q.keys.folded_tokens:
            rows = self.embedder.embed_queries(embed_forms(q.keys))
        with self._lock:
            if claim_id not in self._claims:
                return None
            signals: dict[str, float] = {}
            if claim_id in self._links.claims_for(self._links.keys_for((), text)):
                signals["same_link"] = 1.0
            return self._score(claim_id, signals, q, rows)

    def decide(self, text: str, candidates: Sequence[Candidate]) -> Decision:
        """Link, suggest or new, from the candidates ``query`` returned for ``text``."""
        return decide(self.config, len(text_keys(text).folded_tokens), candidates)

    def match(
        self, text: str, urls: Iterable[str] = (), image_hashes: Iterable[str] = (), k: int = 10
    ) -> Decision:
        """``query`` then ``decide``, for callers that only want the verdict."""
        return self.decide(text, self.query(text, urls, image_hashes, k))

    # --- internals ------------------------------------------------------------------------

    def _prepare(self, text: str) -> _Query:
        keys = text_keys(text)
        return _Query(keys, self._query_terms(keys), self._signature(keys))

    def _doc_terms(self, keys: TextKeys) -> list[str]:
        return list(keys.folded_tokens) + list(keys.exact_tokens)

    def _query_terms(self, keys: TextKeys) -> dict[str, float]:
        terms: dict[str, float] = {}
        for t in keys.folded_tokens:
            terms[t] = terms.get(t, 0.0) + 1.0
        for t in keys.exact_tokens:
            terms[t] = terms.get(t, 0.0) + self.config.exact_token_boost
        return terms

    def _folded_terms(self, terms: dict[str, float]) -> dict[str, float]:
        return {t: w for t, w in terms.items() if not t.startswith("=")}

    def _signature(self, keys: TextKeys):
        return self._neardup.signature(keys.shingles(self.config.shingle_size))

    def _query_rows(
        self, q: _Query, pool: dict[int, dict[str, float]], given: np.ndarray | None
    ) -> np.ndarray | None:
        if given is not None:
            return np.asarray(given, np.float32)
        mode = self.config.embed_query
        if mode == "never" or not q.keys.folded_tokens or len(self._vectors) == 0:
            return None
        if mode == "needed" and len(q.keys.folded_tokens) >= self.config.min_tokens_for_autolink:
            best_dup = max((s.get("near_dup", 0.0) for s in pool.values()), default=0.0)
            if best_dup >= self.config.near_identical_jaccard:
                return None
        return self.embedder.embed_queries(embed_forms(q.keys))

    def _score(
        self, cid: int, signals: dict[str, float], q: _Query, rows: np.ndarray | None
    ) -> Candidate:
        folded = self._folded_terms(q.terms)
        signals["coverage"] = self._bm25.coverage(folded, cid)
        signals.setdefault("near_dup", self._neardup.jaccard(q.signature, cid))
        if rows is not None:
            sim = self._vectors.similarity(rows, cid)
            if sim is not None:
                signals["semantic"] = sim
        score = text_score(self.config.weights, signals) if folded else 0.0
        if signals.get("same_link"):
            score = max(score, self.config.same_link_score)
        if signals.get("same_screenshot"):
            score = max(score, self.config.same_screenshot_score)
        return Candidate(cid, float(score), _reasons(signals, self.config), dict(signals))


def embed_forms(keys: TextKeys) -> list[str]:
    """The texts to embed: as written (normalised) and folded, once if they coincide.

    The folded copy is what lets an accent-less report meet an accented claim: e5 scores
    "vac xin" far from "vắc xin", but close to the folded "vac xin" of the claim.
    """
    forms = [keys.normalized.strip() or keys.folded]
    if keys.folded and keys.folded != forms[0]:
        forms.append(keys.folded)
    return forms


def _reasons(signals: dict[str, float], config: MatchConfig) -> tuple[str, ...]:
    reasons = []
    if signals.get("same_link"):
        reasons.append("same_link")
    if signals.get("same_screenshot"):
        reasons.append("same_screenshot")
    if signals.get("near_dup", 0.0) >= config.near_identical_jaccard:
        reasons.append("near_identical_text")
    if signals.get("semantic", 0.0) >= SIMILAR_MEANING_COSINE:
        reasons.append("similar_meaning")
    if signals.get("coverage", 0.0) >= SAME_WORDS_COVERAGE:
        reasons.append("same_words")
    return tuple(reasons)


def _check_id(claim_id: int) -> int:
    if isinstance(claim_id, bool) or not isinstance(claim_id, (int, np.integer)):
        raise TypeError(f"claim_id must be an int, not {type(claim_id).__name__}")
    return int(claim_id)
