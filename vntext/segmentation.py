"""Vietnamese word segmentation ("đại học" → "đại_học").

Backed by underthesea, whose CRF word-segmentation model ships inside its wheel, so it
runs offline on the CPU (checked with the network switched off). It was preferred to
pyvi: it joined more real words in our checks ("người_dân", "hoang_mang", "Hà_Nội"),
imports in under a second instead of three, and needs no scikit-learn/scipy. The model
still costs a noticeable first call, so it is loaded lazily, once, and kept.
"""

from __future__ import annotations

import threading
from typing import Callable

import regex

from vntext.normalization import normalize
from vntext.tokens import cased_tokens

_LOCK = threading.Lock()
_SEGMENTER: Callable[[str], list[str]] | None = None
# Clause boundaries: a word is never split across them, so segment clause by clause.
_CLAUSE_BREAK_RE = regex.compile(
    r"[.,;:!?…()\[\]{}\"“”«»|/–—-]+(?=\s|$)|[\n\t•·|()\[\]{}\"“”]"
)


def _segmenter() -> Callable[[str], list[str]]:
    global _SEGMENTER
    if _SEGMENTER is None:
        with _LOCK:
            if _SEGMENTER is None:
                from underthesea import word_tokenize

                _SEGMENTER = word_tokenize
    return _SEGMENTER


def words(text: str) -> list[str]:
    """Return the lowercase words of ``text``, syllables of one word joined by "_".

    Links, amounts and codes with digits pass through whole; punctuation and emoji are
    dropped (as in ``tokenize``). Case is kept while segmenting because the model uses
    capitals to spot names. Text without accents is accepted; the model then joins
    fewer syllables.
    """
    result: list[str] = []
    for clause in _CLAUSE_BREAK_RE.split(normalize(text)):
        result.extend(_clause_words(clause))
    return result


def _clause_words(clause: str) -> list[str]:
    out: list[str] = []
    batch: list[str] = []
    for token, is_link in cased_tokens(clause):
        if not is_link and not _has_digit(token):
            batch.append(token)
            continue
        out.extend(_segment(batch))
        batch = []
        out.append(token if is_link else token.lower())
    out.extend(_segment(batch))
    return out


def _has_digit(token: str) -> bool:
    """Amounts and codes ("1.000.000đ", "F0") pass through: the model would split them."""
    return any(char.isdigit() for char in token)


def _segment(tokens: list[str]) -> list[str]:
    """Group our own tokens by the model's word boundaries.

    The model also respells some syllables ("qui" → "quy"); only its grouping is used, so
    the syllables stay exactly those of ``tokenize``. If the model's syllable count does
    not line up with ours, every token stays a word of its own.
    """
    if not tokens:
        return []
    grouped = _segmenter()(" ".join(tokens))
    sizes = [len(word.split()) for word in grouped]
    if sum(sizes) != len(tokens):
        return [token.lower() for token in tokens]
    out: list[str] = []
    position = 0
    for size in sizes:
        out.append("_".join(tokens[position : position + size]).lower())
        position += size
    return out
