"""Canonical Unicode form and tone-mark placement for Vietnamese syllables.

The same word reaches us in many byte forms: precomposed (NFC) from most phones,
decomposed (NFD) from macOS and some web forms, decomposed with the tone mark typed
*before* the circumflex/breve/horn (so NFC cannot put it back together), and with the
tone on a different vowel ("hoà" vs "hòa", "thuý" vs "thúy", "khoẻ" vs "khỏe").

Canonical style chosen: the *traditional* placement ("hòa", "thúy", "khỏe"). It is what
Unikey and the phone keyboards produce by default, what the large news sites and the
government portals print, and hence what most citizens type and what most of the texts we
compare against already contain; choosing it means most input is left byte-for-byte as it
arrived. The only syllables the two styles disagree on are open syllables whose vowel
cluster is "oa", "oe" or "uy"; set ``CANONICAL_STYLE = "new"`` to flip them.

The rules (per syllable, after removing the onset, where "gi" and "qu" count as onsets
when a vowel follows them):

1. a vowel carrying a quality mark (ă â ê ô ơ ư) takes the tone; of two ("ươ"), the last;
2. otherwise, if a final consonant follows, the last vowel;
3. otherwise three vowels: the middle one; two vowels: the first (traditional style);
   one vowel: that one.

Words that do not parse as one Vietnamese syllable with exactly one tone mark (English
words, names with other diacritics, typos with two tones) are left as they are.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import regex

CANONICAL_STYLE: Literal["old", "new"] = "old"

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền sắc ngã hỏi nặng
QUALITY_MARKS = ("\u0306", "\u0302", "\u031b")  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_MARK_RANK = {mark: rank for rank, mark in enumerate(QUALITY_MARKS)}

_MARKED_VOWELS = frozenset("ăâêôơư")
_NEW_STYLE_PAIRS = frozenset({"oa", "oe", "uy"})
_SYLLABLE_RE = regex.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnpqrstvx])?"
    r"([aăâeêioôơuưy]{1,3})"
    r"(ch|ng|nh|[cmnpt])?$"
)
_MARK_CLUSTER_RE = regex.compile(r"\p{M}{2,}")
_WORD_RE = regex.compile(r"[\p{L}\p{M}]+")


def reorder_marks(text: str) -> str:
    """Return NFC ``text`` in which each letter's marks are in the order NFC can compose.

    Canonical ordering leaves a tone mark typed before a circumflex/breve in front of it
    (both have combining class 230), and NFC then produces "á" + U+0302 instead of "ấ".
    Putting quality marks before tone marks fixes that; exact duplicate marks are dropped.
    """
    decomposed = unicodedata.normalize("NFD", text)
    if _MARK_CLUSTER_RE.search(decomposed):
        decomposed = _MARK_CLUSTER_RE.sub(_sorted_marks, decomposed)
    return unicodedata.normalize("NFC", decomposed)


def _sorted_marks(match: regex.Match[str]) -> str:
    unique = list(dict.fromkeys(match.group()))
    quality = sorted((m for m in unique if m in _MARK_RANK), key=_MARK_RANK.__getitem__)
    tones = [m for m in unique if m in TONE_MARKS]
    if not quality or not tones:
        return "".join(unique)  # not a Vietnamese vowel: keep the writer's order
    others = [m for m in unique if m not in _MARK_RANK and m not in TONE_MARKS]
    return "".join(quality + tones + others)


@dataclass
class _Letter:
    base: str  # the letter itself, original case
    quality: str  # quality marks, in NFC-composable order
    tone: str  # one tone mark or ""

    def lower_with_quality(self) -> str:
        return unicodedata.normalize("NFC", self.base.lower() + self.quality)

    def render(self) -> str:
        return unicodedata.normalize("NFC", self.base + self.quality + self.tone)


def _split_letters(word: str) -> list[_Letter] | None:
    """Split an NFC word into letters; None when it holds marks foreign to Vietnamese."""
    letters: list[_Letter] = []
    for char in unicodedata.normalize("NFD", word):
        if not unicodedata.combining(char):
            letters.append(_Letter(char, "", ""))
        elif not letters:
            return None
        elif char in TONE_MARKS:
            if letters[-1].tone:
                return None
            letters[-1].tone = char
        elif char in _MARK_RANK:
            letters[-1].quality += char
        else:
            return None
    return letters


def nucleus_index(onset: str, vowels: str, final: str, style: str = CANONICAL_STYLE) -> int:
    """Index, within ``vowels``, of the vowel that carries the tone mark."""
    marked = [i for i, v in enumerate(vowels) if v in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if final:
        return len(vowels) - 1
    if len(vowels) == 3:
        return 1
    if len(vowels) == 2 and style == "new" and vowels in _NEW_STYLE_PAIRS:
        return 1
    return 0


@lru_cache(maxsize=65536)
def place_tone(word: str, style: str = CANONICAL_STYLE) -> str:
    """Return ``word`` with its single tone mark on the canonical vowel, else unchanged.

    Cached: a text holds few distinct syllables (Vietnamese has under ten thousand).
    """
    if word.isascii():
        return word
    letters = _split_letters(word)
    if letters is None:
        return word
    toned = [letter for letter in letters if letter.tone]
    if len(toned) != 1:
        return word
    shape = "".join(letter.lower_with_quality() for letter in letters)
    if len(shape) != len(letters):
        return word
    match = _SYLLABLE_RE.match(shape)
    if match is None:
        return word
    onset, vowels, final = (g or "" for g in match.groups())
    target = len(onset) + nucleus_index(onset, vowels, final, style)
    tone = toned[0].tone
    toned[0].tone = ""
    letters[target].tone = tone
    return "".join(letter.render() for letter in letters)


def place_tones(text: str, skip: list[tuple[int, int]] | None = None) -> str:
    """Apply :func:`place_tone` to every word of ``text`` outside the ``skip`` spans."""
    spans = skip or []

    def fix(match: regex.Match[str]) -> str:
        start = match.start()
        if any(a <= start < b for a, b in spans):
            return match.group()
        return place_tone(match.group())

    return _WORD_RE.sub(fix, text)
