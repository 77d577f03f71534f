"""Cached e5 vectors for the matcher's embedding forms of many texts (benchmarks only)."""

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
