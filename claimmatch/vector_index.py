"""Cosine-similarity index over claim embeddings: exact while small, HNSW (usearch) beyond.

Why it exists: every web and worker process must answer "which claims are close to this
report?" in milliseconds, yet the vectors (whose source of truth is the database) are far
too large to rebuild in each process: 1 M claims x 2 vectors x 384 dims is about 3 GB of
float32. So an index is saved as ONE file that processes memory-map read-only; the kernel's
page cache then holds a single copy shared by every process. Small collections are searched
exactly with numpy, because below a few tens of thousands of vectors brute force is exact,
needs no build time and is already fast enough.

A claim owns several vectors (its accented and its diacritic-folded text); a search returns
each claim once, with its best score, because callers rank claims, not vectors.

File format (little endian), laid out so every section can be mapped without copying::

    8 bytes magic | 8 bytes header length | JSON header | sections, each 64-byte aligned

Sections: ``ids`` (int64 claim id per stored row; -1 marks a removed row), ``vectors``
(float32 rows, exact mode only) and ``ann`` (a serialized usearch index whose keys are row
numbers, ANN mode only). The header also carries free-form ``meta`` such as the database
change sequence number the file covers (see ``claimmatch.index_store``).

Thread-safety: a mutable index serialises add/remove/search/save with one lock. An index
loaded with ``mmap=True`` is read-only, so its searches take no lock at all.
"""

from __future__ import annotations

import json
import mmap as mmap_module
import os
import shutil
import tempfile
import threading
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from usearch.index import Index

__all__ = [
    "AnnParams",
    "IndexFormatError",
    "ReadOnlyIndexError",
    "VectorIndex",
    "atomic_write",
]

MAGIC = b"TGVIDX\x00\x01"
FORMAT_VERSION = 1
_ALIGN = 64
_MAX_HEADER = 16 * 1024 * 1024
_METRICS = {"cos": "cos", "cosine": "cos"}

Hit = tuple[int, float]


class IndexFormatError(ValueError):
    """The file is not a vector index this code can read (wrong magic, truncated, corrupt)."""


class ReadOnlyIndexError(RuntimeError):
    """A memory-mapped index is shared with other processes and must never be modified."""


@dataclass(frozen=True)
class AnnParams:
    """HNSW settings (see docs/benchmarks.md, bench/match_latency.py, for what they cost).

    ``dtype`` is how usearch stores vectors: "f16" halves memory against "f32" and "i8"
    quarters it, each at some cost in score precision and recall. ``connectivity``
    is the graph degree, ``expansion_add`` the build-time beam (lower builds faster, with a
    slightly worse graph) and ``expansion_search`` the query-time beam ("ef"): raise it for
    recall, lower it for speed; it can be changed on a loaded file. ``add_threads`` is how
    many threads insert a batch (0: all cores); inserting in parallel builds a slightly
    different graph each time, so 1 gives the same graph for the same input (tests).

    ``reduce_to`` > 0 builds the graph over fewer dimensions: the principal components of
    the vectors present when the index switches to HNSW (centred, so for unit vectors the
    graph's L2 distance ranks like the cosine). ``rerank`` > 0 makes each search take that
    many rows from the graph and re-score them exactly against the full vectors, which the
    file then also stores (f32 when ``dtype`` is "f32", else f16). Why: e5 vectors crowd in
    a narrow cone whose variance sits in a minority of directions, so a 128-dim graph
    finds nearly the same shortlist as a 384-dim one at a third of the build and search
    cost, and the exact re-score puts the final order right; bench/match_latency.py shows
    what this buys at 1 M claims.
    """

    # Defaults = the settings measured at 1 M claims in bench/match_latency.py (docs/
    # benchmarks.md): recall@10 0.970 at p99 6.7 ms with ef 1024; a full 384-dim graph
    # (12/32) reached only 0.79 at ef 512 and 0.91 at ef 2048 there.
    dtype: str = "f16"
    connectivity: int = 24
    expansion_add: int = 64
    expansion_search: int = 1024
    add_threads: int = 0
    reduce_to: int = 128
    rerank: int = 100

    def __post_init__(self) -> None:
        if self.reduce_to < 0 or self.rerank < 0:
            raise ValueError("reduce_to and rerank must be >= 0")
        if self.reduce_to and not self.rerank:
            raise ValueError("reduce_to needs rerank > 0: reduced vectors only shortlist rows")


def atomic_write(path: str | os.PathLike[str], write: Any) -> None:
    """Create ``path`` through ``write(file)`` so readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same directory, are fsynced, then renamed over
    ``path`` (rename is atomic on POSIX) and the directory is fsynced so the rename survives
    a crash. Processes that had mapped the old file keep reading its (now unlinked) inode.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; readers may run as another user
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _unit_rows(vectors: Any, dim: int, what: str) -> np.ndarray:
    """Validate and L2-normalise input so that a dot product is the cosine similarity."""
    try:
        matrix = np.asarray(vectors, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numeric, shaped (n, {dim})") from exc
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.ndim != 2 or matrix.shape[1] != dim:
        raise ValueError(f"{what} must be shaped (n, {dim}) or ({dim},), got {matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ValueError(f"{what} contain NaN or infinite values")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    if (norms == 0).any():
        raise ValueError(f"{what} contain an all-zero vector, which has no direction")
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


def _id_array(ids: Any) -> np.ndarray:
    """Claim ids as int64; -1 is reserved internally for removed rows."""
    try:
        array = np.asarray(ids, dtype=np.int64).reshape(-1)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError("ids must be integers that fit in 64 bits") from exc
    if (array < 0).any():
        raise ValueError("ids must be non-negative")
    return array


class _Growable:
    """Append-only buffer of ids or of vectors, with amortised O(1) growth (doubling capacity)."""

    def __init__(self, dtype: Any, row_shape: tuple[int, ...] = (),
                 initial: np.ndarray | None = None) -> None:
        self._buf = (np.empty((0, *row_shape), dtype=dtype) if initial is None
                     else np.array(initial, dtype=dtype, copy=True))
        self.size = len(self._buf)

    def append(self, values: np.ndarray) -> None:
        needed = self.size + len(values)
        if needed > len(self._buf):
            grown = np.empty((max(needed, 2 * len(self._buf), 16), *self._buf.shape[1:]), self._buf.dtype)
            grown[: self.size] = self._buf[: self.size]
            self._buf = grown
        self._buf[self.size : needed] = values
        self.size = needed

    @property
    def view(self) -> np.ndarray:
        return self._buf[: self.size]


class _ExactRows:
    """Rows kept in a numpy matrix and scored by one matrix product (exact search)."""

    mode = "exact"

    def __init__(self, dim: int, ids: np.ndarray | None = None, vectors: np.ndarray | None = None,
                 writable: bool = True) -> None:
        self.dim = dim
        self.writable = writable
        if ids is None:
            self._ids = np.empty(0, dtype=np.int64)
            self._vectors = np.empty((0, dim), dtype=np.float32)
        else:
            self._ids, self._vectors = ids, vectors
        self.size = len(self._ids)

    @property
    def ids(self) -> np.ndarray:
        return self._ids[: self.size]

    @property
    def vectors(self) -> np.ndarray:
        return self._vectors[: self.size]

    @property
    def live_rows(self) -> int:
        return self.size

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        needed = self.size + len(ids)
        if needed > len(self._ids):
            capacity = max(needed, 2 * len(self._ids), 16)
            new_ids = np.empty(capacity, dtype=np.int64)
            new_vectors = np.empty((capacity, self.dim), dtype=np.float32)
            new_ids[: self.size] = self.ids
            new_vectors[: self.size] = self.vectors
            self._ids, self._vectors = new_ids, new_vectors
        self._ids[self.size : needed] = ids
        self._vectors[self.size : needed] = vectors
        self.size = needed

    def remove(self, ids: np.ndarray) -> int:
        keep = ~np.isin(self.ids, ids)
        removed = int(self.size - keep.sum())
        if removed:
            kept_ids, kept_vectors = self.ids[keep], self.vectors[keep]
            self._ids = np.array(kept_ids, copy=True)
            self._vectors = np.array(kept_vectors, copy=True)
            self.size = len(self._ids)
        return removed

    def top_rows(self, queries: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Best ``count`` rows per query as (claim ids, scores), best first."""
        scores = queries @ self.vectors.T
        count = min(count, self.size)
        if count < self.size:
            part = np.argpartition(-scores, count - 1, axis=1)[:, :count]
            part_scores = np.take_along_axis(scores, part, axis=1)
        else:
            part = np.broadcast_to(np.arange(self.size), scores.shape)
            part_scores = scores
        order = np.argsort(-part_scores, axis=1, kind="stable")
        rows = np.take_along_axis(part, order, axis=1)
        return self.ids[rows], np.take_along_axis(part_scores, order, axis=1)


def _fit_reduction(vectors: np.ndarray, dims: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and top-``dims`` principal directions (dim x dims) of ``vectors``.

    A sample of at most 50,000 rows is plenty for a 384 x 384 covariance and keeps the
    switch to HNSW quick. Deterministic: the sample is evenly strided, not random.
    """
    step = max(1, len(vectors) // 50_000)
    sample = np.asarray(vectors[::step], dtype=np.float64)
    mean = sample.mean(axis=0)
    _, directions = np.linalg.eigh(np.cov(sample - mean, rowvar=False))
    basis = directions[:, ::-1][:, :dims]
    return mean.astype(np.float32), np.ascontiguousarray(basis, dtype=np.float32)


class _AnnRows:
    """Rows in a usearch HNSW graph keyed by row number, plus a row -> claim id table.

    Keying by row rather than by claim id keeps several vectors per claim simple and lets a
    read-only file carry its own id table next to the graph. With ``rerank`` the full unit
    vectors are kept too (row-aligned with the id table) to re-score the graph's shortlist;
    with ``reduce_to`` the graph holds projected vectors ``(v - mean) @ basis``.
    """

    mode = "ann"

    def __init__(self, index: Index, row_ids: np.ndarray, writable: bool, add_threads: int = 0,
                 rerank: int = 0, full: np.ndarray | None = None,
                 reduction: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.index = index
        self.add_threads = add_threads
        self.writable = writable
        self.rerank = rerank
        self.reduction = reduction
        self._row_ids = _Growable(np.int64, (), row_ids) if writable else None
        self._frozen_ids = None if writable else row_ids
        self._live = int((row_ids >= 0).sum())
        self._full: _Growable | None = None
        self._frozen_full: np.ndarray | None = None
        if rerank and writable:
            dim = index.ndim if reduction is None else len(reduction[0])
            self._full = _Growable(full.dtype if full is not None else np.float16, (dim,), full)
        elif rerank:
            self._frozen_full = full

    @staticmethod
    def full_dtype(params: AnnParams) -> Any:
        return np.float32 if params.dtype == "f32" else np.float16

    @classmethod
    def build(cls, dim: int, params: AnnParams, ids: np.ndarray, vectors: np.ndarray) -> _AnnRows:
        reduction = None
        if params.reduce_to and params.reduce_to < dim:
            reduction = _fit_reduction(vectors, params.reduce_to)
        index = Index(
            ndim=dim if reduction is None else params.reduce_to,
            metric="cos" if reduction is None else "l2sq",
            dtype=params.dtype,
            connectivity=params.connectivity,
            expansion_add=params.expansion_add,
            expansion_search=params.expansion_search,
            multi=False,
        )
        full = np.empty((0, dim), dtype=cls.full_dtype(params)) if params.rerank else None
        rows = cls(index, np.empty(0, dtype=np.int64), writable=True, add_threads=params.add_threads,
                   rerank=params.rerank, full=full, reduction=reduction)
        rows.add(ids, vectors)
        return rows

    @property
    def ids(self) -> np.ndarray:
        return self._row_ids.view if self.writable else self._frozen_ids

    @property
    def full(self) -> np.ndarray | None:
        """The stored full vectors (None without re-scoring)."""
        if self._full is not None:
            return self._full.view
        return self._frozen_full

    @property
    def live_rows(self) -> int:
        return self._live

    def _graph_rows(self, vectors: np.ndarray) -> np.ndarray:
        if self.reduction is None:
            return vectors
        mean, basis = self.reduction
        return np.ascontiguousarray((vectors - mean) @ basis, dtype=np.float32)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        start = self._row_ids.size
        keys = np.arange(start, start + len(ids), dtype=np.uint64)
        self.index.add(keys, self._graph_rows(vectors), threads=self.add_threads)
        if self._full is not None:
            self._full.append(vectors)
        self._row_ids.append(ids)
        self._live += len(ids)

    def remove(self, ids: np.ndarray) -> int:
        table = self._row_ids.view
        rows = np.flatnonzero(np.isin(table, ids))
        if len(rows):
            self.index.remove(rows.astype(np.uint64))
            table[rows] = -1
            self._live -= len(rows)
        return len(rows)

    def top_rows(self, queries: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Approximate best ``count`` rows per query as (claim ids, scores); -1 pads."""
        fetch = max(count, self.rerank)
        found = self.index.search(self._graph_rows(queries), fetch,
                                  threads=1 if len(queries) == 1 else 0)
        keys = np.asarray(found.keys).reshape(len(queries), -1)
        distances = np.asarray(found.distances, dtype=np.float32).reshape(len(queries), -1)
        # One query gives ``Matches`` (already trimmed to what was found), several give
        # ``BatchMatches`` padded to ``fetch`` with a per-query ``counts`` array.
        counts = np.asarray(getattr(found, "counts", [keys.shape[1]])).reshape(-1)
        valid = np.arange(keys.shape[1])[None, :] < counts[:, None]
        table = self.ids
        safe_keys = np.where(valid, keys, 0).astype(np.int64)
        claim_ids = np.where(valid, table[safe_keys] if len(table) else -1, -1)
        full = self.full
        if full is None:
            return claim_ids[:, :count], np.where(valid, 1.0 - distances, -np.inf)[:, :count]
        # Exact re-score of the shortlist: a gather of ``fetch`` rows from the (mapped) file.
        scores = np.einsum("qrd,qd->qr", full[safe_keys].astype(np.float32), queries)
        scores = np.where(valid, scores, -np.inf).astype(np.float32)
        order = np.argsort(-scores, axis=1, kind="stable")[:, :count]
        return np.take_along_axis(claim_ids, order, axis=1), np.take_along_axis(scores, order, axis=1)


def _first_k_distinct(claim_ids: np.ndarray, scores: np.ndarray, k: int,
                      exclude: np.ndarray | None) -> list[Hit]:
    """Walk candidates best-first, keeping each claim's first (= best) row, skipping excluded."""
    hits: list[Hit] = []
    seen: set[int] = set()
    skip = set(exclude.tolist()) if exclude is not None and len(exclude) < 64 else None
    if exclude is not None and skip is None:
        keep = ~np.isin(claim_ids, exclude)
        claim_ids, scores = claim_ids[keep], scores[keep]
    for claim_id, score in zip(claim_ids.tolist(), scores.tolist()):
        if claim_id < 0 or claim_id in seen or (skip is not None and claim_id in skip):
            continue
        seen.add(claim_id)
        hits.append((claim_id, float(score)))
        if len(hits) == k:
            break
    return hits


class VectorIndex:
    """Claims' embedding vectors, searched by cosine similarity (higher is better).

    Starts exact (numpy); once ``exact_below`` live vectors are stored, moves them into a
    usearch HNSW graph and stays there (no flapping back and forth around the threshold).
    """

    def __init__(self, dim: int, metric: str = "cos", exact_below: int = 20_000,
                 ann: AnnParams | None = None) -> None:
        if not isinstance(dim, int) or dim <= 0:
            raise ValueError(f"dim must be a positive integer, got {dim!r}")
        if metric not in _METRICS:
            raise ValueError(f"unsupported metric {metric!r}: only cosine ('cos') is implemented")
        self.dim = dim
        self.metric = _METRICS[metric]
        self.exact_below = int(exact_below)
        self.ann_params = ann or AnnParams()
        self.meta: dict[str, Any] = {}
        self._rows: _ExactRows | _AnnRows = _ExactRows(dim)
        self._lock = threading.RLock()
        self._id_count: int | None = 0
        self._keepalive: tuple[Any, ...] = ()

    # ----------------------------------------------------------------- properties
    @property
    def read_only(self) -> bool:
        return not self._rows.writable

    @property
    def mode(self) -> str:
        """"exact" or "ann": which search the index currently runs."""
        return self._rows.mode

    @property
    def vector_count(self) -> int:
        return self._rows.live_rows

    def __len__(self) -> int:
        """Number of distinct claim ids (not vectors) in the index."""
        with self._lock:
            if self._id_count is None:
                live = self._rows.ids
                self._id_count = int(len(np.unique(live[live >= 0])))
            return self._id_count

    def set_expansion_search(self, value: int) -> None:
        """Trade recall for speed at query time (HNSW "ef"); a no-op in exact mode."""
        if isinstance(self._rows, _AnnRows):
            self._rows.index.expansion_search = int(value)

    def set_rerank(self, value: int) -> None:
        """How many graph rows each search re-scores exactly; only for a file that stores them.

        Raising it costs a gather of that many full vectors per query and finds neighbours the
        graph's (reduced or quantised) distances ranked just too low.
        """
        rows = self._rows
        if isinstance(rows, _AnnRows) and rows.full is not None:
            if value < 1:
                raise ValueError("this index needs re-scoring: rerank must be >= 1")
            rows.rerank = int(value)

    # ----------------------------------------------------------------- mutation
    def add(self, ids: Sequence[int] | np.ndarray, vectors: np.ndarray) -> None:
        """Store one vector per entry of ``ids``; repeating an id gives that claim more vectors.

        Adding never replaces: to change a claim's vectors, ``remove`` it first (or use
        ``replace``), because a claim legitimately has several vectors at once.
        """
        self._check_writable()
        id_array = _id_array(ids)
        matrix = _unit_rows(vectors, self.dim, "vectors")
        if len(id_array) != len(matrix):
            raise ValueError(f"got {len(id_array)} ids for {len(matrix)} vectors")
        if not len(id_array):
            return
        with self._lock:
            self._rows.add(id_array, matrix)
            self._id_count = None
            self._maybe_switch_to_ann()

    def remove(self, ids: Collection[int] | np.ndarray) -> int:
        """Drop every vector of these claims; returns how many vectors went. Unknown ids are fine."""
        self._check_writable()
        id_array = _id_array(list(ids) if not isinstance(ids, np.ndarray) else ids)
        if not len(id_array):
            return 0
        with self._lock:
            removed = self._rows.remove(id_array)
            if removed:
                self._id_count = None
            return removed

    def replace(self, ids: Sequence[int] | np.ndarray, vectors: np.ndarray) -> None:
        """Remove these claims and add their new vectors in one step, invisible half-way."""
        id_array = _id_array(ids)
        matrix = _unit_rows(vectors, self.dim, "vectors")  # bad input must not lose the claim
        if len(id_array) != len(matrix):
            raise ValueError(f"got {len(id_array)} ids for {len(matrix)} vectors")
        with self._lock:
            self.remove(np.unique(id_array))
            self.add(id_array, matrix)

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyIndexError(
                "this index is a memory-mapped view shared with other processes; "
                "apply changes through claimmatch.index_store.LayeredIndex instead"
            )

    def _maybe_switch_to_ann(self) -> None:
        rows = self._rows
        if isinstance(rows, _ExactRows) and rows.live_rows >= self.exact_below:
            self._rows = _AnnRows.build(self.dim, self.ann_params, rows.ids, rows.vectors)

    # ----------------------------------------------------------------- search
    def search(self, queries: np.ndarray, k: int,
               exclude: Collection[int] | np.ndarray | None = None) -> list[list[Hit]]:
        """Top ``k`` claims per query as (claim id, cosine similarity), best first, one row each.

        ``exclude`` hides claims (e.g. ones a newer database row has changed since this
        file was written); the search then looks further so it still returns ``k`` hits.
        """
        matrix = _unit_rows(queries, self.dim, "queries")
        k = int(k)
        excluded = None
        if exclude is not None and len(exclude):
            excluded = np.unique(np.asarray(list(exclude) if not isinstance(exclude, np.ndarray)
                                            else exclude, dtype=np.int64))
        if self.read_only:
            return self._search(matrix, k, excluded)
        with self._lock:
            return self._search(matrix, k, excluded)

    def _search(self, queries: np.ndarray, k: int, exclude: np.ndarray | None) -> list[list[Hit]]:
        results: list[list[Hit]] = [[] for _ in range(len(queries))]
        total = self._rows.live_rows
        if k <= 0 or total == 0:
            return results
        # Hidden claims are few next to the whole index, so ask for a little more than k and
        # widen the search only for the queries that came back short.
        extra = 0 if exclude is None else min(len(exclude), 2 * k)
        count = min(total, 2 * k + extra + 8)
        pending = np.arange(len(queries))
        while len(pending):
            claim_ids, scores = self._rows.top_rows(queries[pending], count)
            unfinished = []
            for row, query_no in enumerate(pending.tolist()):
                hits = _first_k_distinct(claim_ids[row], scores[row], k, exclude)
                results[query_no] = hits
                if len(hits) < k and count < total:
                    unfinished.append(query_no)
            pending = np.asarray(unfinished, dtype=np.int64)
            count = min(total, count * 4)
        return results

    # ----------------------------------------------------------------- files
    def save(self, path: str | os.PathLike[str], meta: dict[str, Any] | None = None) -> None:
        """Write the index to ``path`` atomically (see ``atomic_write``); ``meta`` goes in the header."""
        with self._lock:
            saved_meta = dict(self.meta if meta is None else meta)
            rows = self._rows
            ids = np.ascontiguousarray(rows.ids, dtype=np.int64)
            sections: list[tuple[str, Any, int]] = [("ids", ids, ids.nbytes)]
            ann_blob: Any = None
            ann_tmp: str | None = None
            if isinstance(rows, _ExactRows):
                vectors = np.ascontiguousarray(rows.vectors, dtype=np.float32)
                sections.append(("vectors", vectors, vectors.nbytes))
            elif rows.writable:
                fd, ann_tmp = tempfile.mkstemp(prefix=".ann.", dir=Path(path).parent or ".")
                os.close(fd)
                rows.index.save(ann_tmp)
                sections.append(("ann", ann_tmp, os.path.getsize(ann_tmp)))
            else:
                ann_blob = self._keepalive[1]
                sections.append(("ann", ann_blob, len(ann_blob)))
            if isinstance(rows, _AnnRows):
                extra = [("full", rows.full)]
                if rows.reduction is not None:
                    extra += [("reduce_mean", rows.reduction[0]), ("reduce_basis", rows.reduction[1])]
                for name, array in extra:
                    if array is not None:
                        array = np.ascontiguousarray(array)
                        sections.append((name, array, array.nbytes))
            try:
                header = self._header(saved_meta, sections)
                atomic_write(path, lambda handle: _write_container(handle, header, sections))
            finally:
                if ann_tmp is not None:
                    os.unlink(ann_tmp)

    def _header(self, meta: dict[str, Any], sections: list[tuple[str, Any, int]]) -> dict[str, Any]:
        header: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "dim": self.dim,
            "metric": self.metric,
            "mode": self.mode,
            "rows": int(len(self._rows.ids)),
            "live_rows": int(self._rows.live_rows),
            "id_count": len(self),
            "exact_below": self.exact_below,
            "ann": asdict(self.ann_params),
            "full_dtype": (str(self._rows.full.dtype) if isinstance(self._rows, _AnnRows)
                           and self._rows.full is not None else None),
            "meta": meta,
            "sections": {},
        }
        # Offsets depend on the header's own length: iterate until the layout is stable.
        offset = 0
        for _ in range(4):
            encoded = json.dumps(header, sort_keys=True).encode("utf-8")
            offset = _align(len(MAGIC) + 8 + len(encoded))
            layout = {}
            for name, _, nbytes in sections:
                layout[name] = [offset, nbytes]
                offset = _align(offset + nbytes)
            if layout == header["sections"]:
                break
            header["sections"] = layout
        return header

    @staticmethod
    def read_meta(path: str | os.PathLike[str]) -> dict[str, Any]:
        """The ``meta`` saved with a file, read from its header alone (cheap, maps nothing)."""
        header, _ = _read_header(path)
        return dict(header.get("meta", {}))

    @classmethod
    def load(cls, path: str | os.PathLike[str], mmap: bool = True) -> VectorIndex:
        """Open a saved index; ``mmap=True`` maps it read-only and shares pages between processes.

        With ``mmap=False`` the file is copied into memory and the result can be modified.
        """
        header, file_size = _read_header(path)
        dim = int(header["dim"])
        # Files written before reduce_to/rerank existed hold a full-dimension graph alone.
        saved_ann = {"reduce_to": 0, "rerank": 0, **header.get("ann", {})}
        index = cls(dim, header.get("metric", "cos"), int(header.get("exact_below", 20_000)),
                    AnnParams(**saved_ann))
        index.meta = dict(header.get("meta", {}))
        sections = header["sections"]
        for name, (offset, nbytes) in sections.items():
            if offset < 0 or nbytes < 0 or offset + nbytes > file_size:
                raise IndexFormatError(f"{path}: section {name!r} lies outside the file (truncated?)")
        rows = int(header["rows"])
        with open(path, "rb") as handle:
            if mmap:
                mapped = mmap_module.mmap(handle.fileno(), 0, access=mmap_module.ACCESS_READ)
                source: Any = memoryview(mapped)
            else:
                mapped, source = None, memoryview(handle.read())
        ids = _section_array(source, sections, "ids", np.int64, rows, path)
        if header["mode"] == "exact":
            vectors = _section_array(source, sections, "vectors", np.float32, rows * dim, path)
            vectors = vectors.reshape(rows, dim)
            if mmap:
                index._rows = _ExactRows(dim, ids, vectors, writable=False)
            else:
                index._rows = _ExactRows(dim, ids.copy(), vectors.copy(), writable=True)
            ann_blob = None
        elif header["mode"] == "ann":
            offset, nbytes = sections["ann"]
            ann_blob = source[offset : offset + nbytes]
            graph = Index.restore(ann_blob, view=mmap)
            if graph is None:
                raise IndexFormatError(f"{path}: the ANN section is not a usearch index")
            graph.expansion_search = index.ann_params.expansion_search
            full, reduction = None, None
            if "full" in sections:
                full_dtype = np.dtype(header.get("full_dtype") or "float16")
                full = _section_array(source, sections, "full", full_dtype, rows * dim, path)
                full = full.reshape(rows, dim)
            if "reduce_mean" in sections:
                reduce_to = int(graph.ndim)
                mean = _section_array(source, sections, "reduce_mean", np.float32, dim, path)
                basis = _section_array(source, sections, "reduce_basis", np.float32,
                                       dim * reduce_to, path).reshape(dim, reduce_to)
                reduction = (mean.copy(), basis.copy())  # small: keep them off the mapping
            rerank = index.ann_params.rerank if full is not None else 0
            if reduction is not None and not rerank:
                raise IndexFormatError(f"{path}: a reduced graph without its full vectors")
            index._rows = _AnnRows(graph, ids if mmap else ids.copy(), writable=not mmap,
                                  add_threads=index.ann_params.add_threads, rerank=rerank,
                                  full=full,
                                  reduction=reduction)
        else:
            raise IndexFormatError(f"{path}: unknown index mode {header['mode']!r}")
        index._id_count = int(header.get("id_count")) if mmap else None
        # A mapped index must keep its mapping alive; a copied one must not pin the file bytes.
        index._keepalive = (mapped, ann_blob, source) if mmap else ()
        return index


def _align(offset: int) -> int:
    return (offset + _ALIGN - 1) // _ALIGN * _ALIGN


def _write_container(handle: Any, header: dict[str, Any], sections: list[tuple[str, Any, int]]) -> None:
    encoded = json.dumps(header, sort_keys=True).encode("utf-8")
    handle.write(MAGIC)
    handle.write(len(encoded).to_bytes(8, "little"))
    handle.write(encoded)
    for name, payload, nbytes in sections:
        offset = header["sections"][name][0]
        handle.write(b"\0" * (offset - handle.tell()))
        if isinstance(payload, str):
            with open(payload, "rb") as part:
                shutil.copyfileobj(part, handle, length=16 * 1024 * 1024)
        else:
            handle.write(memoryview(payload).cast("B") if isinstance(payload, np.ndarray)
                         else payload)
        if handle.tell() != offset + nbytes:
            raise OSError(f"short write of section {name!r}")


def _read_header(path: str | os.PathLike[str]) -> tuple[dict[str, Any], int]:
    try:
        file_size = os.path.getsize(path)
        with open(path, "rb") as handle:
            prefix = handle.read(len(MAGIC) + 8)
            if len(prefix) < len(MAGIC) + 8 or prefix[: len(MAGIC)] != MAGIC:
                raise IndexFormatError(f"{path}: not a tingia vector index file")
            length = int.from_bytes(prefix[len(MAGIC) :], "little")
            if length > _MAX_HEADER or length > file_size:
                raise IndexFormatError(f"{path}: header length {length} is implausible")
            header = json.loads(handle.read(length).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexFormatError(f"{path}: unreadable header ({exc})") from exc
    required = {"format", "dim", "mode", "rows", "sections"}
    if not isinstance(header, dict) or not required <= header.keys():
        raise IndexFormatError(f"{path}: header lacks {sorted(required - set(header))}")
    if header["format"] != FORMAT_VERSION:
        raise IndexFormatError(f"{path}: format {header['format']} is not {FORMAT_VERSION}")
    return header, file_size


def _section_array(source: memoryview, sections: dict[str, list[int]], name: str,
                   dtype: type, count: int, path: Any) -> np.ndarray:
    if name not in sections:
        raise IndexFormatError(f"{path}: missing section {name!r}")
    offset, nbytes = sections[name]
    if nbytes != count * np.dtype(dtype).itemsize:
        raise IndexFormatError(f"{path}: section {name!r} has {nbytes} bytes, expected "
                               f"{count * np.dtype(dtype).itemsize}")
    return np.frombuffer(source, dtype=dtype, count=count, offset=offset)
