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

from claimmatch.agreement import Details, conflicts
from claimmatch.config import MatchConfig
from claimmatch.decision import NON_TEXT_REASONS, Decision, decide
from claimmatch.dense import ClaimVectors
from claimmatch.embedding import E5Embedder, Embedder
from claimmatch.fusion import Candidate, text_score
from claimmatch.lexical import BM25Index, bigram_terms, is_unigram, pair_supported
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
    folded_terms: dict[str, float]
    signature: object


# One report for the batch paths: (text, urls, image_hashes); urls and hashes optional.
Report = tuple[str, Iterable[str], Iterable[str]] | tuple[str, Iterable[str]] | tuple[str]


class Matcher:
    """Finds which known claims a new report repeats. Not tied to Django or a database."""

    def __init__(self, config: MatchConfig | None = None, embedder: Embedder | None = None):
        self.config = config or MatchConfig()
        self.embedder: Embedder = embedder if embedder is not None else E5Embedder()
        self._lock = threading.RLock()
        self._bm25 = BM25Index(self.config.bm25_k1, self.config.bm25_b)
        # Claims' bodies (optional longer text about a claim), indexed apart: see ``add``.
        self._body = BM25Index(self.config.bm25_k1, self.config.bm25_b)
        self._neardup = NearDupIndex(self.config.minhash_perm, self.config.lsh_threshold)
        self._vectors = ClaimVectors(self.embedder.dim)
        self._links = LinkIndex(self.config.max_claims_per_link)
        self._shots = ScreenshotIndex(self.config.max_claims_per_link)
        self._claims: set[int] = set()
        self._details: dict[int, Details] = {}

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

    def embed_many(self, texts: Sequence[str]) -> list[np.ndarray]:
        """``embed`` for many texts in ONE model call (several times cheaper per text)."""
        return self._embed_batch(texts, query=False)

    def embed_query_many(self, texts: Sequence[str]) -> list[np.ndarray]:
        """``embed_query`` for many texts in one model call."""
        return self._embed_batch(texts, query=True)

    def _embed_batch(self, texts: Sequence[str], query: bool) -> list[np.ndarray]:
        forms = [embed_forms(text_keys(t)) for t in texts]
        flat = [f for fs in forms for f in fs]
        if not flat:
            return [np.zeros((0, self.embedder.dim), np.float32) for _ in texts]
        encode = self.embedder.embed_queries if query else self.embedder.embed_passages
        rows = np.asarray(encode(flat), np.float32)
        out, start = [], 0
        for fs in forms:
            out.append(rows[start : start + len(fs)])
            start += len(fs)
        return out

    def add(
        self,
        claim_id: int,
        text: str,
        urls: Iterable[str] = (),
        image_hashes: Iterable[str] = (),
        vectors: np.ndarray | None = None,
        body: str = "",
    ) -> None:
        """Index (or re-index) a claim; pass the stored ``vectors`` to avoid re-embedding.

        ``body`` is optional longer text about the claim (a verdict's explanation, an
        article past its lead). The claim's ``text`` alone is embedded and scored as
        before; the body finds candidates and lends its words to ``coverage`` at a
        discount (``MatchConfig.body_credit``), only for a report's word that the body
        holds as part of one of the report's two-syllable pairs: a long body contains most
        single words of any report, so lone words found there prove nothing.
        """
        claim_id = _check_id(claim_id)
        keys = text_keys(text)
        if vectors is None and self._embeds(keys):
            vectors = self.embed(text)
        self._index(claim_id, keys, text, urls, image_hashes, vectors, body)

    def add_many(
        self,
        claims: Iterable[tuple[int, str] | tuple[int, str, Iterable[str]]
                         | tuple[int, str, Iterable[str], Iterable[str]]
                         | tuple[int, str, Iterable[str], Iterable[str], str]],
    ) -> None:
        """Index several claims, embedding all their texts in one model call.

        Each item is ``(claim_id, text[, urls[, image_hashes[, body]]])``. Same result as
        calling ``add`` for each in order, only cheaper: the sentence model costs several
        times more per text when it is called one text at a time.
        """
        items = [(_check_id(c[0]), c[1], tuple(c[2]) if len(c) > 2 else (),
                  tuple(c[3]) if len(c) > 3 else (), c[4] if len(c) > 4 else "")
                 for c in claims]
        keys = [text_keys(item[1]) for item in items]
        need = [i for i, k in enumerate(keys) if self._embeds(k)]
        vectors: dict[int, np.ndarray] = dict(
            zip(need, self.embed_many([items[i][1] for i in need]) if need else [])
        )
        for i, (claim_id, text, urls, hashes, body) in enumerate(items):
            self._index(claim_id, keys[i], text, urls, hashes, vectors.get(i), body)

    def _embeds(self, keys: TextKeys) -> bool:
        return self.config.embed_query != "never" and bool(keys.folded_tokens)

    def _index(self, claim_id: int, keys: TextKeys, text: str, urls: Iterable[str],
               image_hashes: Iterable[str], vectors: np.ndarray | None, body: str = "") -> None:
        if not isinstance(body, str):
            raise TypeError(f"body must be str, not {type(body).__name__}")
        if vectors is not None:
            vectors = np.asarray(vectors, np.float32)
        link_keys = self._links.keys_for(urls, text)
        signature = self._signature(keys)
        body_tokens = text_keys(body).folded_tokens if body else ()
        with self._lock:
            self.remove(claim_id)
            self._bm25.add(claim_id, self._doc_terms(keys))
            if body_tokens:
                self._body.add(claim_id, list(body_tokens) + bigram_terms(body_tokens))
            self._neardup.add(claim_id, signature)
            if vectors is not None and vectors.size:
                self._vectors.add(claim_id, vectors)
            self._links.add(claim_id, link_keys)
            self._shots.add(claim_id, image_hashes)
            self._claims.add(claim_id)
            self._details[claim_id] = keys.details

    def remove(self, claim_id: int) -> bool:
        with self._lock:
            if claim_id not in self._claims:
                return False
            self._bm25.remove(claim_id)
            self._body.remove(claim_id)
            self._neardup.remove(claim_id)
            self._vectors.remove(claim_id)
            self._links.remove(claim_id)
            self._shots.remove(claim_id)
            self._claims.discard(claim_id)
            self._details.pop(claim_id, None)
            return True

    # --- querying -------------------------------------------------------------------------

    def query(
        self,
        text: str,
        urls: Iterable[str] = (),
        image_hashes: Iterable[str] = (),
        k: int = 10,
        query_vectors: np.ndarray | None = None,
        cheap_first: bool = False,
        cheap_only: bool = False,
    ) -> list[Candidate]:
        """Ranked candidates for a report, best first, each with its reasons and signals.

        ``query_vectors`` (from ``embed_query``) skips the model when the caller has them.
        ``cheap_first=True`` runs the model only when links, screenshots, MinHash and BM25
        do not already settle the report (see ``settles``), the mode for a surge, where
        the model is the bottleneck; the default keeps ``config.embed_query``.
        ``cheap_only=True`` never runs the model (a caller that batches the model calls
        asks ``settles`` first, then embeds what is left in one call).
        """
        if k <= 0:
            return []
        q = self._prepare(text)
        pool, has_vectors = self._gather(q, text, urls, image_hashes, k)
        rows = None
        if has_vectors and query_vectors is not None:
            rows = np.asarray(query_vectors, np.float32)
        elif has_vectors and not cheap_only and self._wants_model(q, pool, k, cheap_first):
            # the model runs outside the lock: other threads may index meanwhile
            rows = self.embedder.embed_queries(embed_forms(q.keys))
        return self._finish(q, pool, rows, k)

    def query_many(
        self, reports: Sequence[Report], k: int = 10, cheap_first: bool = False
    ) -> list[list[Candidate]]:
        """``query`` for several reports against the same index, with ONE model call.

        Each report is ``(text[, urls[, image_hashes]])``. The result equals calling
        ``query`` for each in turn (nothing is indexed in between); only the reports that
        need the model are embedded, all together.
        """
        if k <= 0:
            return [[] for _ in reports]
        staged = []
        for report in reports:
            text = report[0]
            urls = report[1] if len(report) > 1 else ()
            hashes = report[2] if len(report) > 2 else ()
            q = self._prepare(text)
            pool, has_vectors = self._gather(q, text, urls, hashes, k)
            staged.append((q, pool, has_vectors and self._wants_model(q, pool, k, cheap_first)))
        need = [i for i, (_, _, wants) in enumerate(staged) if wants]
        rows: dict[int, np.ndarray] = {}
        if need:
            flat = [embed_forms(staged[i][0].keys) for i in need]
            encoded = self.embedder.embed_queries([f for forms in flat for f in forms])
            start = 0
            for i, forms in zip(need, flat):
                rows[i] = np.asarray(encoded[start : start + len(forms)], np.float32)
                start += len(forms)
        return [self._finish(q, pool, rows.get(i), k) for i, (q, pool, _) in enumerate(staged)]

    def _gather(
        self, q: _Query, text: str, urls: Iterable[str], image_hashes: Iterable[str], k: int
    ) -> tuple[dict[int, dict[str, float]], bool]:
        """Candidates from the cheap retrievers, with the signals each one found."""
        link_keys = self._links.keys_for(urls, text)
        with self._lock:
            link_hits = self._links.claims_for(link_keys)
            shot_hits = self._shots.claims_for(image_hashes)
            pool: dict[int, dict[str, float]] = {}
            retrieve = max(k, self.config.retrieve_k)
            for cid, score in self._bm25.top(q.terms, retrieve):
                pool.setdefault(int(cid), {})["bm25"] = score
            if len(self._body) and self.config.body_credit > 0:
                for cid, score in self._body.top(q.terms, retrieve):
                    pool.setdefault(int(cid), {})["bm25_body"] = score
            for cid, jac in self._neardup.query(q.signature):
                pool.setdefault(int(cid), {})["near_dup"] = jac
            for cid in link_hits:
                pool.setdefault(cid, {})["same_link"] = 1.0
            for cid in shot_hits:
                pool.setdefault(cid, {})["same_screenshot"] = 1.0
            return pool, len(self._vectors) > 0

    def _finish(
        self, q: _Query, pool: dict[int, dict[str, float]], rows: np.ndarray | None, k: int
    ) -> list[Candidate]:
        """Add the dense hits (when the query was embedded), score and rank everything."""
        with self._lock:
            pool = {cid: dict(signals) for cid, signals in pool.items() if cid in self._claims}
            if rows is not None:
                for cid, _ in self._vectors.search(rows, max(k, self.config.retrieve_k)):
                    pool.setdefault(cid, {})
            candidates = self._score_pool(pool, q, rows)
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
            return self._score_pool({claim_id: signals}, q, rows)[0]

    def settles(self, text: str, candidates: Sequence[Candidate]) -> bool:
        """Whether candidates found WITHOUT the model already settle ``text``.

        True when the text has no words to embed, when a claim is a near-identical copy
        (the model could not tell them apart any better: a copy that differs in a number or
        a place stays a suggestion either way), or when ``decide`` auto-links on a shared
        link or screenshot. Word overlap alone never settles: the lexical-only score links a
        short report to any long claim that happens to contain most of its words (measured
        in ``bench/surge.py``: it merged unrelated rumours into one long post), and "this is
        new" is never settled cheaply, because a rewording shares few words with its claim.
        """
        keys = text_keys(text)
        if not keys.folded_tokens:
            return True
        if len(keys.folded_tokens) >= self.config.min_tokens_for_autolink:
            best_dup = max((c.signals.get("near_dup", 0.0) for c in candidates), default=0.0)
            if best_dup >= self.config.near_identical_jaccard:
                return True
        decision = self.decide(text, candidates)
        return decision.action == "link" and bool(NON_TEXT_REASONS.intersection(decision.reasons))

    def set_vectors(self, claim_id: int, vectors: np.ndarray) -> bool:
        """Attach (or replace) the vectors of an indexed claim; False if it is not indexed.

        Lets a batch caller index new claims at once (``add`` with empty ``vectors``) and
        embed them together afterwards.
        """
        rows = np.asarray(vectors, np.float32)
        with self._lock:
            if claim_id not in self._claims:
                return False
            self._vectors.remove(claim_id)
            if rows.size:
                self._vectors.add(claim_id, rows)
            return True

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
        terms = self._query_terms(keys)
        folded = {t: w for t, w in terms.items() if is_unigram(t)}
        return _Query(keys, terms, folded, self._signature(keys))

    def _doc_terms(self, keys: TextKeys) -> list[str]:
        pairs = bigram_terms(keys.folded_tokens) if self.config.bigram_weight else []
        return list(keys.folded_tokens) + list(keys.exact_tokens) + pairs

    def _query_terms(self, keys: TextKeys) -> dict[str, float]:
        terms: dict[str, float] = {}
        for t in keys.folded_tokens:
            terms[t] = terms.get(t, 0.0) + 1.0
        for t in keys.exact_tokens:
            terms[t] = terms.get(t, 0.0) + self.config.exact_token_boost
        if self.config.bigram_weight:
            for t in bigram_terms(keys.folded_tokens):
                terms[t] = terms.get(t, 0.0) + self.config.bigram_weight
        return terms

    def _body_credit(self, q: _Query, ids: list[int]) -> list[dict[str, float] | None] | None:
        """Per candidate, the share of coverage its body lends each report word (see ``add``)."""
        credit = self.config.body_credit
        if credit <= 0 or not len(self._body) or len(q.keys.folded_tokens) < 2:
            return None
        out: list[dict[str, float] | None] = []
        for cid in ids:
            if cid not in self._body:
                out.append(None)
                continue
            words = pair_supported(q.keys.folded_tokens,
                                   lambda pair, c=cid: self._body.has_term(c, pair))
            out.append(dict.fromkeys(words, credit) if words else None)
        return out

    def _signature(self, keys: TextKeys):
        return self._neardup.signature(keys.shingles(self.config.shingle_size))

    def _wants_model(
        self, q: _Query, pool: dict[int, dict[str, float]], k: int, cheap_first: bool
    ) -> bool:
        """Whether this query should be embedded (the index already holds vectors)."""
        mode = self.config.embed_query
        if mode == "never" or not q.keys.folded_tokens:
            return False
        if mode == "always" and not cheap_first:
            return True
        if len(q.keys.folded_tokens) >= self.config.min_tokens_for_autolink:
            best_dup = max((s.get("near_dup", 0.0) for s in pool.values()), default=0.0)
            if best_dup >= self.config.near_identical_jaccard:
                return False
        if cheap_first:
            cheap = self._finish(q, pool, None, k)
            decision = decide(self.config, len(q.keys.folded_tokens), cheap)
            return not (decision.action == "link"
                        and NON_TEXT_REASONS.intersection(decision.reasons))
        return True

    def _score_pool(
        self, pool: dict[int, dict[str, float]], q: _Query, rows: np.ndarray | None
    ) -> list[Candidate]:
        """Score every pooled claim; per-query work (IDF, query norms) is done once."""
        ids = list(pool)
        coverage = self._bm25.coverage_many(q.folded_terms, ids, self._body_credit(q, ids))
        semantic = self._vectors.similarities(rows, ids) if rows is not None else None
        config = self.config
        out = []
        for n, cid in enumerate(ids):
            signals = pool[cid]
            signals["coverage"] = coverage[n]
            if "near_dup" not in signals:
                signals["near_dup"] = self._neardup.jaccard(q.signature, cid)
            if semantic is not None and semantic[n] is not None:
                signals["semantic"] = semantic[n]
            details = self._details.get(cid)
            if details is not None and q.keys.details:
                for kind in conflicts(q.keys.details, details):
                    signals[f"{kind}_differ"] = 1.0
            score = text_score(config.weights, signals) if q.folded_terms else 0.0
            if signals.get("same_link"):
                score = max(score, config.same_link_score)
            if signals.get("same_screenshot"):
                score = max(score, config.same_screenshot_score)
            out.append(Candidate(cid, float(score), _reasons(signals, config), signals))
        return out


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
