"""Claim vectors: several rows per claim (accented and folded text), best row wins.

A report typed without diacritics sits closer to the folded copy of a claim than to the
accented original, so each claim keeps both and a query scores the best pair. Search goes
through ``claimmatch.vector_index.VectorIndex`` (approximate beyond small collections)
when that module is present, else through the exact numpy search below, same call shape.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

try:  # the approximate index is optional: exact search is right for small collections
    from claimmatch.vector_index import VectorIndex
except ImportError:  # pragma: no cover - depends on which modules are installed
    VectorIndex = None  # type: ignore[assignment,misc]


class ExactVectorIndex:
    """Brute-force cosine search with the ``VectorIndex`` call shape."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._ids: list[int] = []
        self._rows: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None
        self._id_array = np.zeros(0, np.int64)

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, np.float32).reshape(len(ids), self.dim)
        self._ids.extend(int(i) for i in ids)
        self._rows.extend(vectors)
        self._matrix = None

    def remove(self, ids: Sequence[int]) -> None:
        drop = {int(i) for i in ids}
        keep = [n for n, i in enumerate(self._ids) if i not in drop]
        self._ids = [self._ids[n] for n in keep]
        self._rows = [self._rows[n] for n in keep]
        self._matrix = None

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        queries = np.atleast_2d(np.asarray(vectors, np.float32))
        if not self._ids or k <= 0:
            return [[] for _ in queries]
        if self._matrix is None:
            self._matrix = np.stack(self._rows)
            self._id_array = np.asarray(self._ids, np.int64)
        sims = queries @ self._matrix.T
        k = min(k, sims.shape[1])
        out = []
        for row in sims:
            top = np.argpartition(-row, k - 1)[:k]
            top = top[np.argsort(-row[top])]
            out.append([(int(self._id_array[j]), float(row[j])) for j in top])
        return out


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
    """Maps claims to their vector rows and answers best-row cosine per claim."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index = VectorIndex(dim) if VectorIndex is not None else ExactVectorIndex(dim)
        self._rows_of: dict[int, list[int]] = {}
        self._vectors_of: dict[int, np.ndarray] = {}
        self._claim_of_row: dict[int, int] = {}
        self._next_row = 0

    def __len__(self) -> int:
        return len(self._rows_of)

    def __contains__(self, claim_id: int) -> bool:
        return claim_id in self._rows_of

    def add(self, claim_id: int, vectors: np.ndarray) -> None:
        rows = _unit_rows(vectors, self.dim)
        self.remove(claim_id)
        row_ids = list(range(self._next_row, self._next_row + len(rows)))
        self._next_row += len(rows)
        self._index.add(row_ids, rows)
        self._rows_of[claim_id] = row_ids
        self._vectors_of[claim_id] = rows
        for r in row_ids:
            self._claim_of_row[r] = claim_id

    def remove(self, claim_id: int) -> bool:
        row_ids = self._rows_of.pop(claim_id, None)
        if row_ids is None:
            return False
        self._index.remove(row_ids)
        self._vectors_of.pop(claim_id, None)
        for r in row_ids:
            self._claim_of_row.pop(r, None)
        return True

    def vectors(self, claim_id: int) -> np.ndarray | None:
        return self._vectors_of.get(claim_id)

    def search(self, query_rows: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top ``k`` claims by the best cosine over all (query row, claim row) pairs."""
        query_rows = _unit_rows(query_rows, self.dim)
        if not self._rows_of:
            return []
        per_claim_rows = max(len(r) for r in self._rows_of.values())
        best: dict[int, float] = {}
        for hits in self._index.search(query_rows, k * per_claim_rows):
            for row_id, sim in hits:
                claim = self._claim_of_row.get(int(row_id))
                if claim is not None and sim > best.get(claim, -2.0):
                    best[claim] = float(sim)
        return sorted(best.items(), key=lambda kv: -kv[1])[:k]

    def similarity(self, query_rows: np.ndarray, claim_id: int) -> float | None:
        """Exact best cosine against one claim (for candidates other signals found)."""
        rows = self._vectors_of.get(claim_id)
        if rows is None:
            return None
        return float(np.max(_unit_rows(query_rows, self.dim) @ rows.T))
