"""Claim vectors: several rows per claim (accented and folded text), best row wins.

A report typed without diacritics sits closer to the folded copy of a claim than to the
accented original, so each claim keeps both and a query scores the best pair. Search goes
through ``claimmatch.vector_index.VectorIndex`` (exact while small, approximate beyond).
"""

from __future__ import annotations

import numpy as np

from claimmatch.vector_index import VectorIndex


def _unit_rows(vectors: np.ndarray, dim: int) -> np.ndarray:
    rows = np.asarray(vectors, np.float32)
    if rows.ndim == 1:
        rows = rows[None, :]
    if rows.ndim != 2 or rows.shape[1] != dim:
        raise ValueError(f"vectors must have shape (n, {dim}), got {rows.shape}")
    if not np.all(np.isfinite(rows)):
        raise ValueError("vectors contain NaN or infinity")
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return rows / norms


class ClaimVectors:
    """Claim vectors in a ``VectorIndex`` (one claim, several rows, best row wins), plus
    a per-claim copy so candidates found by other signals get an exact cosine too."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index = VectorIndex(dim)
        self._vectors_of: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._vectors_of)

    def __contains__(self, claim_id: int) -> bool:
        return claim_id in self._vectors_of

    def add(self, claim_id: int, vectors: np.ndarray) -> None:
        rows = _unit_rows(vectors, self.dim)
        self.remove(claim_id)
        self._index.add([claim_id] * len(rows), rows)
        self._vectors_of[claim_id] = rows

    def remove(self, claim_id: int) -> bool:
        if self._vectors_of.pop(claim_id, None) is None:
            return False
        self._index.remove([claim_id])
        return True

    def search(self, query_rows: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top ``k`` claims by the best cosine over all (query row, claim row) pairs."""
        query_rows = _unit_rows(query_rows, self.dim)
        if not self._vectors_of or k <= 0:
            return []
        best: dict[int, float] = {}
        for hits in self._index.search(query_rows, k):
            for claim_id, sim in hits:
                if sim > best.get(int(claim_id), -2.0):
                    best[int(claim_id)] = float(sim)
        return sorted(best.items(), key=lambda kv: -kv[1])[:k]

    def similarity(self, query_rows: np.ndarray, claim_id: int) -> float | None:
        """Exact best cosine against one claim (for candidates other signals found)."""
        rows = self._vectors_of.get(claim_id)
        if rows is None:
            return None
        return float(np.max(_unit_rows(query_rows, self.dim) @ rows.T))

    def similarities(self, query_rows: np.ndarray, claim_ids: list[int]) -> list[float | None]:
        """``similarity`` for several claims, normalising the query rows once."""
        rows = _unit_rows(query_rows, self.dim)
        out: list[float | None] = []
        for claim_id in claim_ids:
            stored = self._vectors_of.get(claim_id)
            out.append(None if stored is None else float(np.max(rows @ stored.T)))
        return out
