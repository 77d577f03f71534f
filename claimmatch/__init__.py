"""claimmatch: find which known claim a new report repeats (pure Python, no Django).

Typical use from a background task::

    from claimmatch import Matcher

    matcher = Matcher()                      # e5 sentence model loads on first use
    for claim in stored_claims:              # rebuild from the database, no re-embedding
        matcher.add(claim.id, claim.text, claim.urls, claim.image_hashes, claim.vectors)
    vectors = matcher.embed(report.text)     # store these with the report / new claim
    candidates = matcher.query(report.text, report.urls, report.image_hashes)
    decision = matcher.decide(report.text, candidates)   # "link" | "suggest" | "new"

Each ``Candidate`` carries a fused ``score`` (probability-like, 0..1), ``reasons`` from
{"same_link", "same_screenshot", "near_identical_text", "similar_meaning", "same_words"}
and the per-signal scores. Thresholds and fusion weights live in ``MatchConfig``.

Before a text-only auto-link, the numbers, dates and places of report and claim must agree
(``claimmatch.agreement``): a candidate that differs carries a ``numbers_differ`` or
``places_differ`` signal and is suggested, never linked.

In a surge, the model is the bottleneck (tens of sentences per second on two cores), so a
worker draining its queue uses the batch paths: ``query(..., cheap_only=True)`` and
``settles`` decide which reports links and MinHash already settle; ``query_many`` /
``embed_query_many`` embed the rest in one model call; ``add_many`` / ``embed_many`` and
``set_vectors`` do the same for new claims.
"""

from claimmatch.config import FusionWeights, MatchConfig
from claimmatch.decision import Decision
from claimmatch.embedding import E5Embedder, Embedder, HashingEmbedder
from claimmatch.fusion import Candidate
from claimmatch.matcher import Matcher

__all__ = [
    "Candidate",
    "Decision",
    "E5Embedder",
    "Embedder",
    "FusionWeights",
    "HashingEmbedder",
    "MatchConfig",
    "Matcher",
]
