""" "Check before you share": which published verdicts a pasted text or link is about.

The claim-matching engine that groups reports (verification.matching) answers the
question; only claims with a public verdict count. How close a match is comes from the
engine's own evidence, in words people understand: the same link or screenshot, nearly the
same text, the same meaning, or most of the same words. Nothing close enough means we say
plainly that nothing is known yet, and offer to report it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verification.matching import get_matcher

from .search import QueryError
from .selectors import public_verdicts

MAX_TEXT = 10_000  # like a report
MAX_URL = 2_000
MAX_RESULTS = 5
RETRIEVE = 50  # candidates asked of the engine before keeping the public ones
# Seconds a check may answer from the process's matcher without asking the database what
# changed; claims saved by this process mark it stale at once (publishing.signals).
MATCHER_STALENESS = 2.0

STRONG, LIKELY, PARTIAL = "strong", "likely", "partial"
CLOSENESS_LABELS = {
    STRONG: gettext_lazy("Very close match"),
    LIKELY: gettext_lazy("Probable match"),
    PARTIAL: gettext_lazy("Shares most words"),
}
REASON_LABELS = {
    "same_link": gettext_lazy("the same link"),
    "same_screenshot": gettext_lazy("the same screenshot"),
    "near_identical_text": gettext_lazy("nearly the same text"),
    "similar_meaning": gettext_lazy("a similar meaning"),
    "same_words": gettext_lazy("most of the same words"),
}
STRONG_REASONS = frozenset({"same_link", "same_screenshot", "near_identical_text"})


@dataclass(frozen=True)
class CheckMatch:
    verdict: object  # verification.models.Verdict
    score: float
    closeness: str
    reasons: tuple[str, ...]

    @property
    def closeness_label(self) -> str:
        return str(CLOSENESS_LABELS[self.closeness])

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS[r]) for r in self.reasons if r in REASON_LABELS]


@dataclass(frozen=True)
class CheckResult:
    text: str
    url: str
    matches: list[CheckMatch]

    @property
    def found(self) -> bool:
        return bool(self.matches)


def clean_text(raw: str) -> str:
    if len(raw) > MAX_TEXT * 4:
        raise QueryError(
            "text_too_long", _("The text is too long (at most %(n)d characters).") % {"n": MAX_TEXT}
        )
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf") else " " for ch in raw)
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise QueryError(
            "text_too_long", _("The text is too long (at most %(n)d characters).") % {"n": MAX_TEXT}
        )
    return text


def clean_url(raw: str) -> str:
    url = raw.strip()
    if not url:
        return ""
    if len(url) > MAX_URL or any(unicodedata.category(ch) in ("Cc", "Cf") or ch.isspace() for ch in url):
        raise QueryError(
            "invalid_url", _("Enter one web address (a link starting with http:// or https://).")
        )
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        raise QueryError(
            "invalid_url", _("Enter one web address (a link starting with http:// or https://).")
        )
    return parts.geturl()


def closeness(score: float, reasons: tuple[str, ...], autolink: float, suggest: float) -> str | None:
    """The engine's evidence in three steps; None when it is not worth showing."""
    if score >= autolink or STRONG_REASONS.intersection(reasons):
        return STRONG
    if score >= suggest or "similar_meaning" in reasons:
        return LIKELY
    if "same_words" in reasons:
        return PARTIAL
    return None


def check(raw_text: str = "", raw_url: str = "") -> CheckResult:
    """Match a text and/or a link against claims with a public verdict. Raises QueryError."""
    text, url = clean_text(raw_text), clean_url(raw_url)
    if not text and not url:
        raise QueryError("empty", _("Paste the text you received, or a link to it."))
    matcher = get_matcher(max_staleness=MATCHER_STALENESS)
    config = matcher.config
    close = {}  # claim id -> (level, candidate): judged before touching the database
    for candidate in matcher.query(text, [url] if url else [], k=RETRIEVE):
        level = closeness(candidate.score, tuple(candidate.reasons), config.autolink_threshold,
                          config.suggest_threshold)
        if level is not None:
            close[candidate.claim_id] = (level, candidate)
    if not close:
        return CheckResult(text, url, [])
    verdicts = (public_verdicts().filter(claim_id__in=list(close))
                .only("pk", "claim_id", "label", "title", "slug", "claim_reviewed", "published_at", "updated_at",
                      "unpublished_at", "claim__topic"))
    matches = []
    for verdict in verdicts:
        level, candidate = close[verdict.claim_id]
        matches.append(CheckMatch(verdict, round(float(candidate.score), 4), level, tuple(candidate.reasons)))
    order = {STRONG: 0, LIKELY: 1, PARTIAL: 2}
    matches.sort(key=lambda m: (order[m.closeness], -m.score, -m.verdict.pk))
    return CheckResult(text, url, matches[:MAX_RESULTS])


def report_link(text: str, url: str) -> str:
    """The report form, prefilled with what was checked (cut to what a URL can carry)."""
    params = {k: v for k, v in (("text", text[:1500]), ("urls", url)) if v}
    return "/phan-anh/" + ("?" + urlencode(params) if params else "")
