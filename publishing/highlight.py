"""Marking the words a search matched, in the text as written (with its accents).

The query is compared in folded form, so "vac xin" must light up "vắc xin" in the page:
each word of the original text is folded on its own (cached: a language has few distinct
syllables) and wrapped in <mark> when its key is one of the query's terms. Everything else
is HTML-escaped; the result is safe to insert into a page.
"""

from __future__ import annotations

from functools import lru_cache

import regex
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vntext import search_key

WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
SNIPPET_WORDS = 40


@lru_cache(maxsize=100_000)
def word_keys(word: str) -> frozenset[str]:
    return frozenset(search_key(word).split())


def _spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD.finditer(text) if word_keys(m.group()) & terms]


def _render(text: str, spans: list[tuple[int, int]]) -> SafeString:
    parts, position = [], 0
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def highlight(text: str, terms: frozenset[str]) -> SafeString:
    """The whole text, escaped, with matched words marked."""
    return _render(text, _spans(text, terms) if terms else [])


def snippet(text: str, terms: frozenset[str], words: int = SNIPPET_WORDS) -> SafeString:
    """The stretch of `text` (about `words` words) holding the most matches, marked."""
    tokens = [(m.start(), m.end()) for m in WORD.finditer(text)]
    if not tokens:
        return mark_safe("")
    hits = [i for i, (s, e) in enumerate(tokens) if terms and word_keys(text[s:e]) & terms]
    first = 0
    if hits:
        best, best_count = hits[0], 0
        right = 0
        for left_index, start_token in enumerate(hits):
            while right < len(hits) and hits[right] < start_token + words:
                right += 1
            if right - left_index > best_count:
                best, best_count = start_token, right - left_index
        first = max(0, best - 5)
    last = min(len(tokens), first + words)
    start_char = 0 if first == 0 else tokens[first][0]
    end_char = len(text) if last == len(tokens) else tokens[last - 1][1]
    piece = text[start_char:end_char]
    spans = [
        (s - start_char, e - start_char)
        for s, e in tokens[first:last]
        if terms and word_keys(text[s:e]) & terms
    ]
    body = _render(piece, spans)
    prefix = "… " if start_char > 0 else ""
    suffix = " …" if end_char < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - body is escaped by _render
