"""What to do with a new report given its ranked candidates: link, suggest, or new claim.

Kept apart from retrieval because it is policy, not search: a wrong auto-link hides a
report from verifiers, so the bar for acting without a person is higher than the bar for
showing a person a suggestion, and text alone never clears it for a very short report, nor
for a claim whose numbers, dates or places differ from the report's (the matcher marks
those candidates with ``numbers_differ`` / ``places_differ`` signals, see
``claimmatch.agreement``): "10 người chết ở Hà Nội" is not "20 người chết ở Đà Nẵng".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from claimmatch.config import MatchConfig
from claimmatch.fusion import Candidate

Action = Literal["link", "suggest", "new"]
NON_TEXT_REASONS = frozenset({"same_link", "same_screenshot"})
# Signals the matcher sets on a candidate whose details disagree with the report's.
DETAILS_DIFFER = {"numbers_differ": "numbers or dates", "places_differ": "places"}
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Decision:
    action: Action
    claim_id: int | None
    score: float
    reasons: tuple[str, ...]
    suggestions: tuple[Candidate, ...]
    explanation: str


def decide(
    config: MatchConfig, n_tokens: int, candidates: Sequence[Candidate]
) -> Decision:
    """Apply the two thresholds to the best candidate (``n_tokens``: syllables in the report)."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    suggestions = tuple(c for c in ranked if c.score >= config.suggest_threshold)[
        :MAX_SUGGESTIONS
    ]
    if not ranked or ranked[0].score < config.suggest_threshold:
        best = ranked[0].score if ranked else 0.0
        return Decision("new", None, best, (), (), "no existing claim reaches the suggest threshold")
    top = ranked[0]
    if top.score >= config.autolink_threshold:
        if _linkable(top, n_tokens, config):
            return Decision(
                "link", top.claim_id, top.score, top.reasons, suggestions,
                "above auto-link threshold",
            )
        differ = _differing(top)
        if differ and n_tokens >= config.min_tokens_for_autolink:
            # The closest claim tells another place/number/date; an agreeing claim that
            # also clears the bar is the one this report repeats.
            other = next((c for c in ranked[1:] if c.score >= config.autolink_threshold
                          and _linkable(c, n_tokens, config)), None)
            if other is not None:
                return Decision(
                    "link", other.claim_id, other.score, other.reasons, suggestions,
                    f"above auto-link threshold; a closer claim differs in {differ}",
                )
        if differ:
            return Decision(
                "suggest", top.claim_id, top.score, top.reasons, suggestions,
                f"the report and the claim differ in {differ}: never linked without a person",
            )
        return Decision(
            "suggest",
            top.claim_id,
            top.score,
            top.reasons,
            suggestions,
            f"text of {n_tokens} syllables is too short to auto-link on text alone",
        )
    return Decision(
        "suggest", top.claim_id, top.score, top.reasons, suggestions,
        "between the two thresholds",
    )


def _differing(candidate: Candidate) -> str:
    """Which details disagree, in words ("" when they all agree)."""
    return " and ".join(name for signal, name in DETAILS_DIFFER.items()
                        if candidate.signals.get(signal))


def _linkable(candidate: Candidate, n_tokens: int, config: MatchConfig) -> bool:
    """May this candidate (already above the auto-link score) be linked without a person?"""
    if NON_TEXT_REASONS.intersection(candidate.reasons):
        return True  # the same post or screenshot: details typed differently do not matter
    return n_tokens >= config.min_tokens_for_autolink and not _differing(candidate)
