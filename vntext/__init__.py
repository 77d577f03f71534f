"""Vietnamese text handling for tingia: cleaning, normalisation, keys, tokens, words.

Pure Python (no Django): the matching engine, the web apps and the benchmarks all call
these functions so that a text is treated the same way everywhere.
"""

from vntext.chat import expand_chat
from vntext.cleaning import clean
from vntext.diacritics import fold, has_diacritics, strip_diacritics
from vntext.keys import search_key
from vntext.normalization import normalize
from vntext.segmentation import words
from vntext.tokens import tokenize
from vntext.urls import find_urls

__all__ = [
    "clean",
    "expand_chat",
    "find_urls",
    "fold",
    "has_diacritics",
    "normalize",
    "search_key",
    "strip_diacritics",
    "tokenize",
    "words",
]
