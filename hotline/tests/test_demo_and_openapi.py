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
    from django.utils import timezone

    from intake.demo_reports import DEMO_REPORTS
    from intake.management.commands.load_demo import submit_demo_report
    from intake.models import Report

    for item in DEMO_REPORTS:
        if item.key in ("khau-trang", "sms-ngan-hang-3"):
            submit_demo_report(item, timezone.now())
    make_staff("demo-operator", OPERATOR)
    assert len(load_demo_calls()) == 3
    load_demo_calls()
    assert HotlineCall.objects.count() == 3 and Report.objects.count() == 2  # no report of its own
    assert [c.external_id for c in pending_calls()] == ["demo-live-1"]
    to_review = list(review_calls())
    assert [c.external_id for c in to_review] == ["demo-voicemail-1"] and to_review[0].recording
    logged = HotlineCall.objects.get(external_id="demo-logged-1")
    assert logged.taken_by.username == "demo-operator" and logged.report.channel == "hotline"


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


def test_the_pbx_script_from_the_docs_is_accepted(client, django_capture_on_commit_callbacks, transcribe_as):
    """hotline/pbx/tingia_notify.py (what docs/operations.md tells a PBX to run) builds a valid request."""
    from hotline.pbx.tingia_notify import signed_request

    from .conftest import SECRET, wav_bytes

    transcribe_as("done", "Tin đồn về lũ quét")
    body, headers = signed_request(SECRET, {"call_id": "1700000123.7", "caller_number": "0912345678",
                                            "duration_s": "9"}, wav_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.generic("POST", "/api/v1/hotline/calls", body, content_type=headers["Content-Type"],
                                  HTTP_HOST="127.0.0.1", HTTP_X_TINGIA_TIMESTAMP=headers["X-Tingia-Timestamp"],
                                  HTTP_X_TINGIA_SIGNATURE=headers["X-Tingia-Signature"])
    assert response.status_code == 201, response.json()
    call = HotlineCall.objects.get(external_id="1700000123.7")
    assert call.duration_s == 9 and call.report.text == "Tin đồn về lũ quét"
    live_body, live_headers = signed_request(SECRET, {"call_id": "1700000124.1", "caller_number": "0912345678"})
    response = client.generic("POST", "/api/v1/hotline/calls", live_body, content_type=live_headers["Content-Type"],
                              HTTP_HOST="127.0.0.1", HTTP_X_TINGIA_TIMESTAMP=live_headers["X-Tingia-Timestamp"],
                              HTTP_X_TINGIA_SIGNATURE=live_headers["X-Tingia-Signature"])
    assert response.status_code == 201 and HotlineCall.objects.get(external_id="1700000124.1").is_pending


def test_the_shell_signing_snippet_matches_the_server(settings):
    """The openssl line in the OpenAPI description computes the signature the server expects."""
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    from hotline.signing import sign

    body = '{"call_id":"abc-1","caller_number":"0912345678"}'
    snippet = """sig=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1); echo $sig"""
    out = subprocess.run(["bash", "-c", snippet], env={"ts": "1767225600", "body": body, "SECRET": "s3cr3t",
                                                        "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == sign("s3cr3t", "1767225600", body.encode())
    from hotline.api import WEBHOOK_DOCS

    assert """openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1""" in WEBHOOK_DOCS["description"]
