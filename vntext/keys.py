"""The search key: the one form used to index and to query text everywhere.

A report typed with, without or with only some accents, in chat spelling or not, with
any tone style, punctuation or emoji, gets the same key as its standard spelling, so
matching never depends on how the citizen typed.
"""

from __future__ import annotations

from vntext.chat import expand_chat
from vntext.diacritics import fold
from vntext.normalization import normalize
from vntext.tokens import tokenize


def search_key(text: str) -> str:
    """Return the space-joined, folded tokens of ``text`` after chat expansion."""
    expanded = expand_chat(normalize(text))
    return " ".join(fold(token) for token in tokenize(expanded))
