"""The OpenAPI document validates and tells partners everything; the docs page works offline."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

spec_validator = pytest.importorskip(
    "openapi_spec_validator", reason="install requirements/test.txt (openapi-spec-validator)")


@pytest.fixture
def spec(web) -> dict:
    response = web.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def resolve(spec: dict, node: dict) -> dict:
    ref = node.get("$ref")
    if not ref:
        return node
    target = spec
    for part in ref.lstrip("#/").split("/"):
        target = target[part]
    return target


def test_the_document_is_valid_openapi(spec):
    spec_validator.validate(spec)


def test_both_endpoints_and_every_error_body_are_documented(spec):
    create = spec["paths"]["/api/v1/reports"]["post"]
    status = spec["paths"]["/api/v1/reports/{code}"]["get"]
    error = spec["components"]["schemas"]["ErrorOut"]
    assert {"error", "message", "fields"} <= set(error["properties"])
    for code in ("400", "401", "413", "415", "422", "429"):
        content = create["responses"][code]["content"]["application/json"]["schema"]
        assert resolve(spec, content) is error, code
    for code in ("404", "429"):
        assert resolve(spec, status["responses"][code]["content"]["application/json"]["schema"]) is error
    created = resolve(spec, create["responses"]["201"]["content"]["application/json"]["schema"])
    assert {"tracking_code", "status", "status_url"} <= set(created["properties"])
    assert "Retry-After" in create["responses"]["429"]["headers"]
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]


def test_the_idempotency_key_header_is_documented(spec):
    params = spec["paths"]["/api/v1/reports"]["post"]["parameters"]
    header = next(p for p in params if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["required"] is False
    assert header["schema"]["maxLength"] == 255


def test_json_and_multipart_bodies_are_documented(spec):
    body = spec["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]
    as_json = body["application/json"]["schema"]
    assert {"text", "urls", "platform", "topic", "province", "contact", "language"} <= set(as_json["properties"])
    multipart = body["multipart/form-data"]
    assert set(multipart["schema"]["properties"]) == {"report", "images"}
    assert multipart["schema"]["properties"]["images"]["maxItems"] == 5
    assert multipart["encoding"]["report"]["contentType"] == "application/json"


def test_partner_keys_are_documented_as_optional_bearer_auth(spec):
    schemes = spec["components"]["securitySchemes"]
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())
    security = spec["paths"]["/api/v1/reports"]["post"]["security"]
    assert {} in security and any(name in schemes for req in security for name in req)


def test_the_docs_page_uses_only_local_files(web):
    response = web.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, "the page should load swagger-ui's files"
    for ref in references:
        assert not re.match(r"^(https?:)?//", ref), f"external resource: {ref}"
        if ref.startswith("/static/"):
            assert finders.find(ref.removeprefix("/static/")), f"missing static file: {ref}"
    settings_json = re.search(r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S)
    assert json.loads(settings_json.group(1))["url"] == "/api/v1/openapi.json"
