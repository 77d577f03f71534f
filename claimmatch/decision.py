"""What to do with a new report given its ranked candidates: link, suggest, or new claim.

Kept apart from retrieval because it is policy, not search: a wrong auto-link hides a
report from verifiers, so the bar for acting without a person is higher than the bar for
showing a person a suggestion, and text alone never clears it for a very short report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from claimmatch.config import MatchConfig
from claimmatch.fusion import Candidate

Action = Literal["link", "suggest", "new"]
NON_TEXT_REASONS = frozenset({"same_link", "same_screenshot"})
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
    non_text = bool(NON_TEXT_REASONS.intersection(top.reasons))
    if top.score >= config.autolink_threshold:
        if non_text or n_tokens >= config.min_tokens_for_autolink:
            return Decision(
                "link", top.claim_id, top.score, top.reasons, suggestions,
                "above auto-link threshold",
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
