"""Topic settings the desk reads for queue priority: risk weight and SLA target per topic.

The eight codes are fixed (core.reference.Topic); a topic without a stored row behaves as
the defaults below, so the queue works on a fresh database before any admin has saved one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import audit
from .models import TopicSetting
from .reference import Topic

DEFAULT_RISK_WEIGHT = 1.0
DEFAULT_SLA_HOURS = 48
MIN_RISK_WEIGHT, MAX_RISK_WEIGHT = 0.0, 10.0
MIN_SLA_HOURS, MAX_SLA_HOURS = 1, 24 * 60
FALLBACK_TOPIC = Topic.OTHER.value  # what a claim without a topic is weighed as

# Default display names; admins may rename them (the codes stay).
DEFAULT_NAMES: dict[str, tuple[str, str]] = {
    Topic.POLICY_LAW: ("Chính sách, pháp luật", "Policy and law"),
    Topic.ECONOMY_FINANCE: ("Kinh tế, tài chính", "Economy and finance"),
    Topic.HEALTH: ("Y tế, sản phẩm y tế", "Health and medical products"),
    Topic.DISASTER_EPIDEMIC: ("Thiên tai, dịch bệnh", "Disasters and epidemics"),
    Topic.SECURITY_ORDER: ("An ninh quốc gia, trật tự xã hội", "National security and public order"),
    Topic.FAKE_ACCOUNT: ("Tài khoản giả mạo", "Fake accounts"),
    Topic.SCAM_LINK: ("Đường link lừa đảo", "Scam links"),
    Topic.OTHER: ("Lĩnh vực khác", "Other"),
}

EDITABLE_FIELDS = ("display_name_vi", "display_name_en", "risk_weight", "sla_hours")


def default_setting(code: str) -> TopicSetting:
    """An unsaved setting with the defaults for a topic code."""
    if code not in Topic.values:
        raise ValueError(f"Unknown topic code {code!r}")
    name_vi, name_en = DEFAULT_NAMES[code]
    return TopicSetting(topic=code, display_name_vi=name_vi, display_name_en=name_en,
                        risk_weight=DEFAULT_RISK_WEIGHT, sla_hours=DEFAULT_SLA_HOURS)


def topic_settings() -> dict[str, TopicSetting]:
    """Every topic code mapped to its setting: the stored row, or an unsaved default."""
    stored = {s.topic: s for s in TopicSetting.objects.filter(topic__in=Topic.values)}
    return {code: stored.get(code) or default_setting(code) for code in Topic.values}


def setting_for(code: str, settings_by_topic: dict[str, TopicSetting] | None = None) -> TopicSetting:
    """The setting a claim of this topic is weighed by; blank or unknown codes count as "other"."""
    table = settings_by_topic if settings_by_topic is not None else topic_settings()
    return table.get(code or "") or table[FALLBACK_TOPIC]


def update_topic_setting(code: str, values: dict[str, Any], *, actor: Any) -> TopicSetting:
    """Store new values for one topic and audit what changed (before and after)."""
    setting = topic_settings()[code]
    changes = {}
    for field in EDITABLE_FIELDS:
        if field in values and getattr(setting, field) != values[field]:
            changes[field] = [getattr(setting, field), values[field]]
            setattr(setting, field, values[field])
    if not changes and setting.pk is not None:
        return setting
    with transaction.atomic():
        setting.save()
        audit.record("topic.update", actor=actor, obj=setting, detail={"topic": code, "changes": changes})
    return setting
