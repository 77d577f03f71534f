"""The demo's hotline calls, and the webhook's documentation in the OpenAPI schema."""

from __future__ import annotations

import pytest

from core.roles import OPERATOR
from core.tests.staff_support import make_staff
from hotline.demo import load_demo_calls
from hotline.models import HotlineCall
from hotline.selectors import pending_calls, review_calls

pytestmark = pytest.mark.django_db


def test_the_demo_adds_a_waiting_call_a_recording_to_review_and_a_logged_call_once():
    make_staff("demo-operator", OPERATOR)
    assert len(load_demo_calls()) == 3
    load_demo_calls()
    assert HotlineCall.objects.count() == 3
    assert [c.external_id for c in pending_calls()] == ["demo-live-1"]
    to_review = list(review_calls())
    assert [c.external_id for c in to_review] == ["demo-voicemail-1"] and to_review[0].report.claim_id
    logged = HotlineCall.objects.get(external_id="demo-logged-1")
    assert logged.report.entered_by.username == "demo-operator" and logged.report.channel == "hotline"


def test_the_webhook_is_documented_with_its_headers_fields_and_a_pbx_example(client):
    schema = client.get("/api/v1/openapi.json", HTTP_HOST="127.0.0.1").json()
    operation = schema["paths"]["/api/v1/hotline/calls"]["post"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert headers == {"X-Tingia-Timestamp", "X-Tingia-Signature"}
    body = operation["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert {"call_id", "caller_number", "started_at", "duration_s", "recording_url"} <= set(
        body["application/json"]["schema"]["properties"])
    assert "recording" in body["multipart/form-data"]["schema"]["properties"]
    assert "HMAC-SHA256" in operation["description"] and "openssl dgst" in operation["description"]
    assert {"201", "200", "401", "409"} <= set(operation["responses"])
