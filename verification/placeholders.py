"""The text a claim shows when its first report has no words: a link, or a label saying why.

Kept apart from services and matching because both need it: services writes the label as
a new claim's text, and the matcher must not index a label as if it were the claim's words
(every screenshot claim would then "repeat" every other one).
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from core.reference import Channel
from intake.models import Report

SCREENSHOT_LABEL = "(screenshot)"
PENDING_RECORDING_LABEL = gettext_noop("Hotline recording, transcript pending")


@lru_cache(maxsize=1)
def placeholder_labels() -> frozenset[str]:
    """The texts a claim is given when its report has no words of its own (never matched as text)."""
    with translation.override(settings.LANGUAGE_CODE):
        return frozenset({SCREENSHOT_LABEL, gettext(PENDING_RECORDING_LABEL), PENDING_RECORDING_LABEL})


def representative_text(report: Report, urls: list[str]) -> str:
    """The text a new claim shows in the queue: the report's words, else its first link, else a label.

    A recorded hotline call becomes a report before its transcript exists; its claim says so
    (the label is stored in the site's language, like the reports' own text) instead of
    pretending to be a screenshot. The label is data, not interface: it stays as written
    whichever language a staff member reads the desk in.
    """
    if report.text.strip():
        return report.text.strip()
    if urls:
        return urls[0]
    if report.channel == Channel.HOTLINE and not report.images.exists():
        with translation.override(settings.LANGUAGE_CODE):
            return gettext(PENDING_RECORDING_LABEL)
    return SCREENSHOT_LABEL
