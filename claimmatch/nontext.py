"""Links and screenshots as matching evidence, with guards against generic ones.

Two reports that share a specific article link or the same screenshot are almost surely
about the same claim. A site's homepage, or a link or picture attached to many different
claims (a logo, a news front page), identifies a source and not a claim, so it is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

# links.py and images.py are imported where used: they are sibling modules that import
# nothing from here, and importing them lazily keeps ``import claimmatch`` cycle-free.


def is_specific_link(url: str) -> bool:
    """False for a bare site or homepage: it names where news is, not which news."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    if not parts.netloc:
        return False
    if not path and not parts.query:
        return False
    return path.lower() not in {"index.html", "index.htm", "index.php", "home", "trang-chu"}


class LinkIndex:
    def __init__(self, max_claims_per_link: int) -> None:
        self.max_claims_per_link = max_claims_per_link
        self._claims_of: dict[str, set[int]] = {}
        self._links_of: dict[int, set[str]] = {}

    def keys_for(self, urls: Iterable[str], text: str = "") -> set[str]:
        """Canonical, claim-specific links among ``urls`` and the links written in ``text``."""
        if isinstance(urls, str):
            raise TypeError("urls must be a list of strings, not one string")
        from claimmatch import links

        found: set[str] = set()
        for raw in [*urls, *links.extract_urls(text or "")]:
            if not isinstance(raw, str) or not raw.strip():
                continue
            link = links.canonical_url(raw)
            if link.valid and is_specific_link(link.url):
                found.add(link.url)
        return found

    def add(self, claim_id: int, keys: set[str]) -> None:
        self.remove(claim_id)
        if keys:
            self._links_of[claim_id] = set(keys)
        for key in keys:
            self._claims_of.setdefault(key, set()).add(claim_id)

    def remove(self, claim_id: int) -> None:
        for key in self._links_of.pop(claim_id, ()):
            holders = self._claims_of.get(key)
            if holders is not None:
                holders.discard(claim_id)
                if not holders:
                    del self._claims_of[key]

    def claims_for(self, keys: set[str]) -> set[int]:
        hits: set[int] = set()
        for key in keys:
            holders = self._claims_of.get(key, set())
            if len(holders) <= self.max_claims_per_link:
                hits |= holders
        return hits


class ScreenshotIndex:
    """Perceptual hashes per claim, compared with ``images.same_screenshot``.

    A linear scan: fine for the few thousand screenshots a centre keeps per index.
    """

    def __init__(self, max_claims_per_image: int) -> None:
        self.max_claims_per_image = max_claims_per_image
        self._hashes_of: dict[int, list[str]] = {}

    def add(self, claim_id: int, hashes: Iterable[str]) -> None:
        if isinstance(hashes, str):
            raise TypeError("image_hashes must be a list of hash strings, not one string")
        clean = []
        for h in hashes:
            from claimmatch import images

            if not isinstance(h, str) or not h.strip():
                raise ValueError(f"not an image hash: {h!r}")
            images.hash_distance(h, h)  # raises a clear error on a malformed hash
            clean.append(h.strip())
        self._hashes_of.pop(claim_id, None)
        if clean:
            self._hashes_of[claim_id] = clean

    def remove(self, claim_id: int) -> None:
        self._hashes_of.pop(claim_id, None)

    def claims_for(self, hashes: Iterable[str]) -> set[int]:
        if isinstance(hashes, str):
            raise TypeError("image_hashes must be a list of hash strings, not one string")
        hits: set[int] = set()
        if not self._hashes_of:
            return hits
        from claimmatch import images

        for h in hashes:
            if not isinstance(h, str) or not h.strip():
                continue
            near = {
                cid
                for cid, stored in self._hashes_of.items()
                if any(images.same_screenshot(h.strip(), s) for s in stored)
            }
            if len(near) <= self.max_claims_per_image:
                hits |= near
        return hits
