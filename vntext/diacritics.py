"""Removing and detecting diacritics.

Many citizens type without accents (old phones, foreign keyboards, haste), so every
comparison between a report and a verdict is made on text with the accents taken off.
The stripping is total (all combining marks, any script) so that the result is a stable
key; it is a matching form, never something to show to a person.
"""

from __future__ import annotations

import unicodedata

import regex

from vntext.normalization import normalize

# Letters with a stroke or a ligature have no decomposition, so NFKD keeps them.
_STROKE_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_MARKS_RE = regex.compile(r"\p{M}+")
_VIETNAMESE_MARKED_RE = regex.compile(r"[đĐ]|\p{M}")


def strip_marks(text: str) -> str:
    """Strip accents from text that is already normalized (skips a second ``normalize``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_STROKE_LETTERS))
    return unicodedata.normalize("NFC", _MARKS_RE.sub("", decomposed))


def strip_diacritics(text: str) -> str:
    """Return ``text`` as if typed on a keyboard without Vietnamese accents; case kept.

    Used to simulate accent-less typing in tests and benchmarks, and to build keys.
    """
    return strip_marks(normalize(text))


def fold(text: str) -> str:
    """Return the lowercase, accent-free form: "Tin giả Đà Nẵng" → "tin gia da nang"."""
    return strip_marks(normalize(text).lower())


def has_diacritics(text: str) -> bool:
    """Tell whether ``text`` carries any accent or "đ", i.e. was typed with Vietnamese input."""
    decomposed = unicodedata.normalize("NFD", text)
    return bool(_VIETNAMESE_MARKED_RE.search(decomposed))
