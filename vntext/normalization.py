"""The canonical form of Vietnamese text: cleaned, NFC, one tone-mark placement.

Two reports of the same rumour must be byte-equal after ``normalize`` whenever they
read the same to a person, whatever keyboard, OS or tone style produced them. See
:mod:`vntext.tones` for the chosen tone style and why.
"""

from __future__ import annotations

from vntext.cleaning import clean
from vntext.tones import place_tones, reorder_marks
from vntext.urls import find_url_spans

# Legacy Vietnamese encodings converted to Unicode often give the Icelandic capital
# eth (U+00D0), which looks exactly like Đ (U+0110) but lowercases to "ð", not "đ".
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110"})


def normalize(text: str) -> str:
    """Return ``text`` cleaned, in NFC, with tone marks on the canonical vowel; case kept."""
    text = reorder_marks(clean(text)).translate(_LOOKALIKES)
    return place_tones(text, skip=find_url_spans(text))
