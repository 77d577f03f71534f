"""Splitting text into syllable tokens for indexing and comparison.

Links are kept whole, as written (their paths and video ids are case-sensitive), because
the same link in two reports is strong evidence of the same claim; everything else
becomes lowercase runs of letters and digits. Punctuation, emoji and other symbols are
dropped. Numbers keep their group separators and unit letters ("1.000.000đ", "3,5",
"500k") so that an amount stays one token.
"""

from __future__ import annotations

import regex

from vntext.normalization import normalize
from vntext.urls import find_url_spans

_TOKEN_RE = regex.compile(
    r"\p{N}+(?:[.,]\p{N}+)+[\p{L}\p{M}\p{N}]*|[\p{L}\p{N}][\p{L}\p{M}\p{N}]*"
)


def tokenize(text: str) -> list[str]:
    """Return the lowercase, normalized syllable tokens of ``text``; links stay one token."""
    return [token if is_link else token.lower() for token, is_link in cased_tokens(text)]


def cased_tokens(text: str) -> list[tuple[str, bool]]:
    """Return ``(token, is_link)`` pairs of normalized ``text`` with case kept.

    Word segmentation needs the capitals (they mark names), so this is the shared step
    before lowercasing.
    """
    return cased_tokens_of_normalized(normalize(text))


def cased_tokens_of_normalized(text: str) -> list[tuple[str, bool]]:
    """Like :func:`cased_tokens` for text that ``normalize`` has already been applied to."""
    tokens: list[tuple[str, bool]] = []
    position = 0
    for start, end in find_url_spans(text):
        tokens.extend((t, False) for t in _TOKEN_RE.findall(text[position:start]))
        tokens.append((text[start:end], True))
        position = end
    tokens.extend((t, False) for t in _TOKEN_RE.findall(text[position:]))
    return tokens
