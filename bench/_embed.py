"""Cached e5 vectors for the matcher's embedding forms of many texts (benchmarks only).

A helper imported by the bench scripts, not a benchmark: it prints no json figures itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from _data import cached_embeddings

from claimmatch.embedding import Embedder
from claimmatch.matcher import embed_forms
from claimmatch.text_keys import text_keys


def form_vectors(
    embedder: Embedder, kind: str, texts: Sequence[str], is_query: bool
) -> list[np.ndarray]:
    """Per text, the rows ``Matcher.embed``/``embed_query`` would return, from the cache."""
    forms_per_text = [embed_forms(text_keys(t)) for t in texts]
    flat = [f for forms in forms_per_text for f in forms]
    fn = embedder.embed_queries if is_query else embedder.embed_passages
    side = "q" if is_query else "p"
    vectors = cached_embeddings(embedder.name, f"{kind}-{side}", flat, fn)
    out, start = [], 0
    for forms in forms_per_text:
        out.append(vectors[start : start + len(forms)])
        start += len(forms)
    return out


def written_form_vectors(
    embedder: Embedder, kind: str, texts: Sequence[str], is_query: bool
) -> list[np.ndarray]:
    """One row per text (its written form only): half the model time of ``form_vectors``.

    Used for long query sets where the machine's time is short; the matcher then scores
    the best of (written query) x (written and folded claim), which is a lower bound of
    what it computes in production with both query forms.
    """
    written = [embed_forms(text_keys(t))[0] for t in texts]
    fn = embedder.embed_queries if is_query else embedder.embed_passages
    side = "q" if is_query else "p"
    vectors = cached_embeddings(embedder.name, f"{kind}-{side}", written, fn)
    return [vectors[i : i + 1] for i in range(len(texts))]
