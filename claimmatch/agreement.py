"""Do two texts agree on their details (numbers, dates, places)? A guard before auto-linking.

Why: a rumour re-told about another province, another death toll or another date is a
different claim that verifiers must see on its own, yet every text signal scores it as
nearly identical (one syllable of thirty changed), and so does the sentence model. Merging
it would hide it. So before the matcher links a report on text alone, the details that
make a claim checkable must agree; when they do not, the report is only suggested.

What counts as a detail:
- numbers outside links, digits only: "1.000.000", "1,000,000" and "1000000" are one
  number (groups of three after a separator are thousands), "3,5" and "3.5" are one
  decimal, leading zeros go ("05/03" = "5/3"). Dates are numbers too: "ngày 5 tháng 3",
  "5/3" and "05-03" all give {5, 3}, so a changed day or month is a changed number;
- places: Vietnamese provinces and cities (``vntext.places``), accented or not.
Numbers spelled as words ("năm người") are not read.

Agreement is lenient on omissions and strict on substitutions: details of one kind
conflict only when each text has a detail of that kind the other lacks. A report that
leaves the number out, or adds a province the claim did not name, still agrees; "10 người"
against "20 người", or "Hà Nội" against "Đà Nẵng", does not. Details are counted as
multisets (the second "92" is "92#2"): a post that says "bà cụ 92 tuổi ... đã 92 tuổi" and
a copy with only the first "92" changed to "132" disagree, although both mention 92.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import regex

from vntext.places import place_mentions

_NUMBER_RE = regex.compile(r"\p{Nd}+(?:[.,]\p{Nd}+)*")


@dataclass(frozen=True)
class Details:
    """The checkable details of one text."""

    numbers: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.numbers or self.places)


NO_DETAILS = Details()


def _canonical_number(raw: str) -> str:
    parts = regex.split(r"[.,]", raw)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
        digits = "".join(parts)  # thousands separators
        return digits.lstrip("0") or "0"
    whole = parts[0].lstrip("0") or "0"
    if len(parts) == 2:
        fraction = parts[1].rstrip("0")
        return f"{whole}.{fraction}" if fraction else whole
    return ".".join([whole, *parts[1:]])  # a version or code like 1.2.3


def _occurrences(values: Iterable[str]) -> frozenset[str]:
    """A multiset as a set: the n-th mention of ``v`` (n >= 2) becomes ``"v#n"``."""
    seen: Counter[str] = Counter()
    out = set()
    for value in values:
        seen[value] += 1
        out.add(value if seen[value] == 1 else f"{value}#{seen[value]}")
    return frozenset(out)


def numbers_in(tokens: list[str] | tuple[str, ...]) -> frozenset[str]:
    """Canonical numbers in word tokens (links already removed), repeats marked ``#n``."""
    found: list[str] = []
    for token in tokens:
        if any(ch.isdigit() for ch in token):
            found.extend(_canonical_number(m) for m in _NUMBER_RE.findall(token))
    return _occurrences(found)


def details_of(syllables: list[str] | tuple[str, ...]) -> Details:
    """Details of a text from its lowercase, normalized, non-link tokens (keep their accents:
    place matching reads them)."""
    if not syllables:
        return NO_DETAILS
    return Details(numbers_in(syllables), _occurrences(place_mentions(syllables)))


def _incompatible(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a - b) and bool(b - a)


def conflicts(a: Details, b: Details) -> tuple[str, ...]:
    """Kinds of detail on which ``a`` and ``b`` disagree: () when they agree."""
    kinds = []
    if _incompatible(a.numbers, b.numbers):
        kinds.append("numbers")
    if _incompatible(a.places, b.places):
        kinds.append("places")
    return tuple(kinds)
