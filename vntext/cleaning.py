"""Removal of invisible and broken characters from user text.

Reports arrive from web forms, chat apps, SMS gateways and copy-paste out of Facebook.
Those paths leave behind zero-width characters (used on purpose to dodge keyword
filters), bidi overrides (used to spoof links), lone UTF-16 surrogates and U+FFFD from
bad decoding, NBSP and other exotic spaces. Two texts that look identical on screen
must compare equal, so every other function in ``vntext`` starts from ``clean``.
"""

from __future__ import annotations

import unicodedata

import regex

# Characters that decode errors and rich-text paste leave behind.
_REPLACEMENT_JUNK = frozenset({"\ufffd", "\ufffc"})
# The one format character worth keeping: it glues emoji sequences (family, flags of
# professions) together, and is meaningless anywhere else.
_ZWJ = "\u200d"

_LINE_BREAK_RE = regex.compile("\r\n|[\r\u2028\u2029\x85]")
_SPACES_RE = regex.compile(r"[ \t]*\n[ \t]*")
_SPACE_RUN_RE = regex.compile(" {2,}")
_EXCESS_NEWLINES_RE = regex.compile(r"\n{3,}")
# Combining marks with no letter to sit on (start of text, after a space or line break).
_ORPHAN_MARKS_RE = regex.compile(r"(?:^|(?<=\s))\p{M}+")
# Unicode spaces other than the ASCII space (all of category Zs).
_ODD_SPACES_RE = regex.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Characters the per-character pass may drop. Most texts hold none, and then the pass,
# the slow part of cleaning, is skipped.
_MAY_DROP_RE = regex.compile(r"(?![\n\t])[\p{Cc}\p{Cf}\p{Cs}\ufffd\ufffc]")


def _keeps(char: str, prev: str, nxt: str) -> bool:
    """Decide whether one character survives cleaning (context only matters for ZWJ)."""
    if char in "\n\t":
        return True
    if char in _REPLACEMENT_JUNK:
        return False
    category = unicodedata.category(char)
    if category in ("Cc", "Cs"):
        return False
    if category == "Cf":
        return char == _ZWJ and _is_symbol(prev) and _is_symbol(nxt)
    return True


def _is_symbol(char: str) -> bool:
    return bool(char) and (unicodedata.category(char) in ("So", "Sk") or char == "\ufe0f")


def clean(text: str) -> str:
    """Return ``text`` without control, format, surrogate and replacement characters.

    Also drops combining marks that have no letter to sit on. Keeps ``\\n`` and ``\\t``;
    turns every kind of line break into ``\\n``, every Unicode space into an ASCII space,
    collapses runs of spaces, trims spaces around line breaks and at both ends, and keeps
    at most one empty line in a row. Never raises on a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"clean() expects str, got {type(text).__name__}")
    if not text:
        return ""
    text = _LINE_BREAK_RE.sub("\n", text)
    text = _ODD_SPACES_RE.sub(" ", text)
    if _MAY_DROP_RE.search(text):
        kept = []
        last = len(text) - 1
        for i, char in enumerate(text):
            prev = text[i - 1] if i > 0 else ""
            nxt = text[i + 1] if i < last else ""
            if _keeps(char, prev, nxt):
                kept.append(char)
        text = "".join(kept)
    out = _ORPHAN_MARKS_RE.sub("", text)
    out = _SPACE_RUN_RE.sub(" ", out)
    out = _SPACES_RE.sub("\n", out)
    out = _EXCESS_NEWLINES_RE.sub("\n\n", out)
    return out.strip(" \t\n")
