"""The three public labels: how each is named, coloured and rated for machines.

Names come from the Verdict model's choices (translated: Tin giả, Tin sai sự thật, Tin xác
thực); the ClaimReview rating puts them on one scale, worst (fabricated) to best (true).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation

from verification.models import Verdict

WORST_RATING = 1
BEST_RATING = 3
_RATINGS = {Verdict.Label.FABRICATED: 1, Verdict.Label.DISTORTED: 2, Verdict.Label.TRUE: 3}
_CSS = {Verdict.Label.FABRICATED: "fake", Verdict.Label.DISTORTED: "distorted", Verdict.Label.TRUE: "true"}


@dataclass(frozen=True)
class LabelInfo:
    code: str
    name: str  # in the active language
    css: str
    rating: int


def label_info(code: str) -> LabelInfo:
    """Display data of a label code; an unknown code is shown as written, never a crash."""
    try:
        label = Verdict.Label(code)
    except ValueError:
        return LabelInfo(code, code, "unknown", WORST_RATING)
    return LabelInfo(label.value, str(label.label), _CSS[label], _RATINGS[label])


def label_name(code: str, language: str) -> str:
    with translation.override(language):
        return label_info(code).name


def label_choices() -> list[LabelInfo]:
    return [label_info(code) for code in Verdict.Label.values]
