"""Near-duplicate detection: MinHash LSH over shingles of the folded text (datasketch).

Forwarded rumours are mostly copies with small edits (a greeting added, a link changed,
accents lost on the way). LSH finds those in constant time per query and gives a Jaccard
estimate, which is both a fusion feature and a reason a verifier can read.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

# Named explicitly: signatures of different schemes cannot be compared (datasketch >= 2).
SCHEME = "affine32"


class NearDupIndex:
    def __init__(self, num_perm: int = 128, threshold: float = 0.5, seed: int = 1) -> None:
        self.num_perm = num_perm
        self.seed = seed
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._hashes: dict[Hashable, MinHash] = {}
        # One hash function family for every signature, created once (it is the slow part).
        self._template = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME)

    def __len__(self) -> int:
        return len(self._hashes)

    def signature(self, shingles: Iterable[str]) -> MinHash | None:
        """MinHash of a shingle set; ``None`` for an empty set (nothing to compare)."""
        items = [s.encode("utf-8", "replace") for s in shingles]
        if not items:
            return None
        mh = MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            permutations=self._template.permutations,
            scheme=SCHEME,
        )
        mh.update_batch(items)
        return mh

    def add(self, key: Hashable, signature: MinHash | None) -> None:
        self.remove(key)
        if signature is None:
            return
        self._hashes[key] = signature
        self._lsh.insert(key, signature)

    def remove(self, key: Hashable) -> bool:
        if key not in self._hashes:
            return False
        del self._hashes[key]
        self._lsh.remove(key)
        return True

    def query(self, signature: MinHash | None) -> list[tuple[Hashable, float]]:
        """Keys whose estimated Jaccard is likely above the LSH threshold, with estimates."""
        if signature is None or not self._hashes:
            return []
        found = [(key, self.jaccard(signature, key)) for key in self._lsh.query(signature)]
        return sorted(found, key=lambda kv: -kv[1])

    def jaccard(self, signature: MinHash | None, key: Hashable) -> float:
        other = self._hashes.get(key)
        if signature is None or other is None:
            return 0.0
        values = signature.hashvalues
        return int(np.count_nonzero(values == other.hashvalues)) / len(values)
