"""Tunable numbers of the matcher, in one place so a benchmark can print and replace them.

The fusion weights and the two thresholds are not guesses: they are what
``bench/paraphrase.py`` fits on vnPara (logistic regression, thresholds chosen by
cross-validation) and prints as ``fitted_config``. Re-run it after changing a signal.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FusionWeights:
    """Logistic-regression weights over the per-pair text features.

    ``semantic`` is the best cosine between the query's and the claim's vectors,
    ``coverage`` the IDF-weighted share of the query's words found in the claim and
    ``near_dup`` the MinHash Jaccard estimate of their shingle sets.
    """

    bias: float = -19.7834
    semantic: float = 15.3967
    coverage: float = 8.0985
    near_dup: float = 6.9321
    # Used when the query was not embedded (cheap signals already settled it).
    lexical_bias: float = -6.9801
    lexical_coverage: float = 9.8082
    lexical_near_dup: float = 8.6415


@dataclass(frozen=True)
class MatchConfig:
    # Decision thresholds on the fused score (a probability of "same claim"), chosen on
    # out-of-fold vnPara scores: auto-link at precision >= 0.98, suggest at precision >= 0.85.
    autolink_threshold: float = 0.4916
    suggest_threshold: float = 0.0592
    # A report shorter than this (in syllables) never auto-links on text alone: "vắc xin
    # gây vô sinh" is a topic, not a claim, and may hide a different claim about it.
    min_tokens_for_autolink: int = 6
    # Non-text evidence; each is a fused score, compared with the same thresholds.
    same_link_score: float = 0.97
    same_screenshot_score: float = 0.97
    # A link shared by more than this many claims identifies a site, not a claim.
    max_claims_per_link: int = 3
    # MinHash LSH over syllable shingles of the folded text.
    shingle_size: int = 2
    minhash_perm: int = 128
    lsh_threshold: float = 0.5
    # Jaccard at or above which the text is "near identical" (and embedding may be skipped).
    near_identical_jaccard: float = 0.8
    # Candidates gathered from each retriever before fusion.
    retrieve_k: int = 50
    # Accented query words that match the same accented words in a claim score this much
    # extra, so "bán" (sell) and "bạn" (friend) stop looking alike once accents are typed.
    exact_token_boost: float = 0.5
    # Adjacent folded syllables are indexed as one more term with this query weight (0 turns
    # it off): Vietnamese words are mostly two syllables. BM25 ranks candidates; the fused
    # score's ``coverage`` still reads single syllables only, so the fitted weights hold.
    bigram_weight: float = 1.0
    # Share of a word's coverage mass that a claim's body lends when the word is missing from
    # the claim's own text but the body holds it inside one of the report's two-syllable
    # pairs (``Matcher.add(body=...)``). 0 ignores bodies. Chosen on MDS, not on vnPara (whose
    # claims have no body, so the vnPara-fitted weights and thresholds are untouched): see
    # ``bench/same_story.py --body-credit`` and docs/benchmarks.md.
    body_credit: float = 0.75
    # Okapi BM25 term saturation and length normalisation (the usual defaults).
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    # When to run the sentence model on a query: "always", "never", or "needed" (skip when
    # a near-identical claim already settles the question).
    embed_query: str = "needed"
    weights: FusionWeights = field(default_factory=FusionWeights)

    def __post_init__(self) -> None:
        if not 0.0 <= self.suggest_threshold <= self.autolink_threshold <= 1.0:
            raise ValueError("need 0 <= suggest_threshold <= autolink_threshold <= 1")
        if self.embed_query not in {"always", "never", "needed"}:
            raise ValueError("embed_query must be 'always', 'never' or 'needed'")
        if self.bigram_weight < 0 or self.bm25_k1 <= 0 or not 0.0 <= self.bm25_b <= 1.0:
            raise ValueError("need bigram_weight >= 0, bm25_k1 > 0 and 0 <= bm25_b <= 1")
        if not 0.0 <= self.body_credit <= 1.0:
            raise ValueError("need 0 <= body_credit <= 1")
        if self.shingle_size < 1 or self.minhash_perm < 16:
            raise ValueError("shingle_size >= 1 and minhash_perm >= 16 are required")
