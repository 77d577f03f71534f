"""Topic pages: readable Vietnamese slugs for the eight topic codes, and their display names.

Slugs are fixed (derived once from the default Vietnamese names) so a topic URL survives an
admin renaming the topic; the names shown come from core.topics, which admins may edit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.utils import translation

from core.reference import Topic
from core.topics import topic_settings

SLUGS: dict[str, str] = {
    Topic.POLICY_LAW: "chinh-sach-phap-luat",
    Topic.ECONOMY_FINANCE: "kinh-te-tai-chinh",
    Topic.HEALTH: "y-te",
    Topic.DISASTER_EPIDEMIC: "thien-tai-dich-benh",
    Topic.SECURITY_ORDER: "an-ninh-trat-tu",
    Topic.FAKE_ACCOUNT: "tai-khoan-gia-mao",
    Topic.SCAM_LINK: "duong-link-lua-dao",
    Topic.OTHER: "linh-vuc-khac",
}
CODES_BY_SLUG = {slug: code for code, slug in SLUGS.items()}


@dataclass(frozen=True)
class TopicInfo:
    code: str
    slug: str
    name: str


def topic_from_slug(slug: str) -> str | None:
    """The topic code of a URL slug; a bare code is accepted too (the caller redirects)."""
    if slug in CODES_BY_SLUG:
        return CODES_BY_SLUG[slug]
    return slug if slug in SLUGS else None


def topic_names(language: str | None = None) -> dict[str, str]:
    """Every topic code mapped to its display name in the active (or given) language.

    Names are read from the database at most once a minute per process: admins rename
    topics rarely, and every public page shows them.
    """
    language = (language or translation.get_language() or "vi")[:2]
    names = {}
    for code, (name_vi, name_en) in _stored_names().items():
        names[code] = (name_en if language == "en" else name_vi) or str(Topic(code).label)
    return names


_names_cache: tuple[float, dict[str, tuple[str, str]]] | None = None
NAMES_SECONDS = 60.0


def _stored_names() -> dict[str, tuple[str, str]]:
    global _names_cache
    now = time.monotonic()
    if _names_cache is None or now - _names_cache[0] > NAMES_SECONDS:
        table = {code: (s.display_name_vi, s.display_name_en) for code, s in topic_settings().items()}
        _names_cache = (now, table)
    return _names_cache[1]


def forget_names() -> None:
    global _names_cache
    _names_cache = None


def all_topics() -> list[TopicInfo]:
    names = topic_names()
    return [TopicInfo(code, SLUGS[code], names.get(code, code)) for code in Topic.values]


def topic_info(code: str, names: dict[str, str] | None = None) -> TopicInfo | None:
    if code not in SLUGS:
        return None
    names = names if names is not None else topic_names()
    return TopicInfo(code, SLUGS[code], names.get(code, code))
