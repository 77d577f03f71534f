"""The forms of a text that the matching signals index, all derived through ``vntext``.

Every signal must see the same tokens for the same text, whether the text arrives as a
claim or as a query, accented, unaccented or chat-spelled. Computing them once here keeps
the signals consistent and keeps Vietnamese rules in ``vntext`` where they belong.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import vntext
from claimmatch.agreement import NO_DETAILS, Details, details_of
from vntext.keys import search_key_of_normalized
from vntext.tokens import cased_tokens_of_normalized

# Marks a term that keeps its diacritics, so it lives in its own BM25 vocabulary.
EXACT_PREFIX = "="


@dataclass(frozen=True)
class TextKeys:
    normalized: str
    folded: str
    folded_tokens: tuple[str, ...]
    exact_tokens: tuple[str, ...]
    # numbers and places, for the agreement check before an auto-link
    details: Details = NO_DETAILS

    @property
    def has_diacritics(self) -> bool:
        return bool(self.exact_tokens)

    def shingles(self, size: int) -> set[str]:
        """Syllable n-grams of the folded text (the whole token list if it is shorter)."""
        toks = self.folded_tokens
        if len(toks) <= size:
            return {" ".join(toks)} if toks else set()
        return {" ".join(toks[i : i + size]) for i in range(len(toks) - size + 1)}


def text_keys(text: str) -> TextKeys:
    """All forms of ``text`` the matcher uses; ``text`` may be any string, even empty."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return _text_keys(text)


@lru_cache(maxsize=1024)
def _text_keys(text: str) -> TextKeys:
    # Cached: one report passes through query, decide and (as a new claim) add and embed,
    # and each needs the same keys; TextKeys is immutable, so sharing it is safe.
    normalized = vntext.normalize(text)
    folded = search_key_of_normalized(normalized)  # already space-joined tokens
    folded_tokens = tuple(t for t in folded.split() if _is_word(t))
    words = tuple(token.lower() for token, is_link in cased_tokens_of_normalized(normalized)
                  if not is_link)
    exact = tuple(
        EXACT_PREFIX + word for word in words if not word.isascii() and vntext.has_diacritics(word)
    )
    return TextKeys(normalized, folded, folded_tokens, exact, details_of(words))


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)
