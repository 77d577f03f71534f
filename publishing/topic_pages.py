"""Topic pages: readable Vietnamese slugs for the eight topic codes, and their display names.

Slugs are fixed (derived once from the default Vietnamese names) so a topic URL survives an
admin renaming the topic; the names shown come from core.topics, which admins may edit.
"""

from __future__ import annotations

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
    """Every topic code mapped to its display name in the active (or given) language."""
    language = (language or translation.get_language() or "vi")[:2]
    names = {}
    for code, setting in topic_settings().items():
        name = setting.display_name_en if language == "en" else setting.display_name_vi
        names[code] = name or str(Topic(code).label)
    return names


def all_topics() -> list[TopicInfo]:
    names = topic_names()
    return [TopicInfo(code, SLUGS[code], names.get(code, code)) for code in Topic.values]


def topic_info(code: str, names: dict[str, str] | None = None) -> TopicInfo | None:
    if code not in SLUGS:
        return None
    names = names if names is not None else topic_names()
    return TopicInfo(code, SLUGS[code], names.get(code, code))
