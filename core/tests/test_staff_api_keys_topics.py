"""Admin screens for partner API keys and topic settings."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from core.models import AuditEntry, TopicSetting
from core.reference import Topic
from core.roles import ADMIN, EDITOR, OPERATOR, VERIFIER
from core.tests.staff_support import make_staff, sign_in
from core.topics import DEFAULT_SLA_HOURS, default_setting, setting_for, topic_settings
from intake.api_auth import ApiAuthError, authenticate
from intake.models import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(web):
    sign_in(web, make_staff("chief-admin", ADMIN))
    return web


def presented(key):
    return RequestFactory().post("/api/v1/reports", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_issued_key_is_shown_once_and_works_until_revoked(admin_client):
    response = admin_client.post("/staff/api-keys/", {"name": "Báo Mới", "rate": "120/m"})
    assert response.status_code == 200
    key = re.search(r"tg_[0-9a-f]{8}_[A-Za-z0-9_-]+", response.content.decode()).group(0)
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    client = ApiClient.objects.get()
    assert client.name == "Báo Mới" and client.rate == "120/m" and key not in client.key_hash
    assert authenticate(presented(key)) == client
    listing = admin_client.get("/staff/api-keys/").content.decode()
    assert "Báo Mới" in listing and key not in listing and f"tg_{client.key_prefix}_" in listing
    assert admin_client.post(f"/staff/api-keys/{client.pk}/revoke/").status_code == 302
    with pytest.raises(ApiAuthError):
        authenticate(presented(key))
    actions = list(AuditEntry.objects.filter(object_type="intake.apiclient").values_list("action", flat=True))
    assert actions == ["api_key.issue", "api_key.revoke"]
    assert key not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_bad_key_requests_are_refused_with_a_message(admin_client):
    response = admin_client.post("/staff/api-keys/", {"name": "Partner", "rate": "lots"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not ApiClient.objects.exists()
    assert admin_client.get("/staff/api-keys/1/revoke/").status_code == 405


def test_topic_settings_default_for_every_code_without_rows():
    table = topic_settings()
    assert list(table) == list(Topic.values)
    assert all(s.pk is None and s.risk_weight == 1.0 and s.sla_hours == DEFAULT_SLA_HOURS for s in table.values())
    assert table["health"].display_name_vi and table["health"].display_name_en
    assert setting_for("").topic == "other" and setting_for("not-a-topic").topic == "other"
    with pytest.raises(ValueError):
        default_setting("nope")


def test_admin_edits_a_topic_and_the_change_is_audited(admin_client):
    response = admin_client.post("/staff/topics/health/", {
        "display_name_vi": "Y tế", "display_name_en": "Health", "risk_weight": "2.5", "sla_hours": "12"})
    assert response.status_code == 302
    stored = TopicSetting.objects.get(topic="health")
    assert (stored.risk_weight, stored.sla_hours, stored.display_name_vi) == (2.5, 12, "Y tế")
    assert topic_settings()["health"].pk == stored.pk and topic_settings()["other"].pk is None
    entry = AuditEntry.objects.get(action="topic.update")
    assert entry.detail["topic"] == "health"
    assert entry.detail["changes"]["risk_weight"] == [1.0, 2.5] and entry.detail["changes"]["sla_hours"] == [48, 12]
    assert "Y tế" in admin_client.get("/staff/topics/").content.decode()


@pytest.mark.parametrize("field,value", [("risk_weight", "11"), ("risk_weight", "-1"), ("sla_hours", "0"),
                                         ("sla_hours", "abc")])
def test_out_of_range_topic_values_are_refused(admin_client, field, value):
    data = {"display_name_vi": "Y tế", "display_name_en": "Health", "risk_weight": "1", "sla_hours": "48"}
    data[field] = value
    response = admin_client.post("/staff/topics/health/", data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not TopicSetting.objects.exists()


def test_unknown_topic_is_not_found(admin_client):
    assert admin_client.get("/staff/topics/cooking/").status_code == 404


@pytest.mark.parametrize("role", [OPERATOR, VERIFIER, EDITOR])
def test_only_admins_manage_keys_and_topics(web, role):
    sign_in(web, make_staff("someone", role))
    assert web.post("/staff/api-keys/", {"name": "Partner", "rate": "600/m"}).status_code == 403
    assert web.post("/staff/topics/health/", {"display_name_vi": "x", "display_name_en": "x",
                                              "risk_weight": "9", "sla_hours": "1"}).status_code == 403
    assert not ApiClient.objects.exists() and not TopicSetting.objects.exists()
