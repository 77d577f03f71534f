"""The search key: the one form used to index and to query text everywhere.

A report typed with, without or with only some accents, in chat spelling or not, with
any tone style, punctuation or emoji, gets the same key as its standard spelling, so
matching never depends on how the citizen typed.

One spelling rule is applied on top of folding: an open syllable spelled consonant + "y"
is keyed as consonant + "i" ("kỹ/kĩ", "lý/lí", "mỹ/mĩ", "quy/qui", "tỷ/tỉ", "hy/hi"). Both
spellings are in current use for the same sound and the same word; once accents are
folded away the merge costs nothing that folding had not already merged.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from vntext.chat import expand_chat
from vntext.diacritics import strip_marks
from vntext.normalization import normalize
from vntext.tokens import cased_tokens_of_normalized

_CONSONANT_Y_RE = regex.compile(
    r"^(b|c|ch|d|g|gh|h|k|kh|l|m|n|ng|ngh|nh|p|ph|qu|r|s|t|th|tr|v|x)y$"
)


def _merge_i_y(key_token: str) -> str:
    return _CONSONANT_Y_RE.sub(r"\1i", key_token)


@lru_cache(maxsize=16384)
def _key_token(token: str) -> str:
    """Folded, i/y-merged form of one token (cached: texts reuse a few thousand syllables)."""
    return _merge_i_y(strip_marks(token.lower()))


def search_key(text: str) -> str:
    """Return the space-joined, folded tokens of ``text`` after chat expansion."""
    return search_key_of_normalized(normalize(text))


def search_key_of_normalized(normalized: str) -> str:
    """Like :func:`search_key` for text ``normalize`` has already been applied to."""
    tokens = cased_tokens_of_normalized(expand_chat(normalized))
    return " ".join(_key_token(token) if not is_link else _merge_i_y(strip_marks(token.lower()))
                    for token, is_link in tokens)
