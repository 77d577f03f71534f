"""The public API: verdict list and detail, filters, pagination, errors, OpenAPI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from openapi_spec_validator import validate

from .factories import published_verdict

pytestmark = pytest.mark.django_db


def test_list_is_newest_first_paginated_and_filterable(web):
    now = timezone.now()
    old = published_verdict("Tin cũ về y tế", published_at=now - timedelta(days=40), topic="health")
    scam = published_verdict(
        "Đường link lừa đảo", published_at=now - timedelta(days=2), topic="scam_link", label="distorted"
    )
    new = published_verdict(
        "Tin mới về y tế", published_at=now - timedelta(hours=1), topic="health", label="true"
    )
    body = web.get("/api/v1/verdicts").json()
    assert [r["id"] for r in body["results"]] == [new.pk, scam.pk, old.pk]
    assert body["count"] == 3 and body["pages"] == 1 and body["next"] is None
    paged = web.get("/api/v1/verdicts", {"page_size": 2, "page": 2}).json()
    assert [r["id"] for r in paged["results"]] == [old.pk] and paged["previous"].endswith("page=1")
    assert [r["id"] for r in web.get("/api/v1/verdicts", {"topic": "health"}).json()["results"]] == [
        new.pk,
        old.pk,
    ]
    assert [
        r["id"] for r in web.get("/api/v1/verdicts", {"topic": "duong-link-lua-dao"}).json()["results"]
    ] == [scam.pk]
    assert [r["id"] for r in web.get("/api/v1/verdicts", {"label": "true"}).json()["results"]] == [new.pk]
    since = (now - timedelta(days=7)).date().isoformat()
    assert {r["id"] for r in web.get("/api/v1/verdicts", {"published_after": since}).json()["results"]} == {
        new.pk,
        scam.pk,
    }
    assert [r["id"] for r in web.get("/api/v1/verdicts", {"published_before": since}).json()["results"]] == [
        old.pk
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "x"},
        {"page_size": "1000"},
        {"topic": "nope"},
        {"label": "maybe"},
        {"published_after": "yesterday"},
        {"published_before": "2025-13-45"},
    ],
)
def test_bad_parameters_get_a_clear_400(web, params):
    response = web.get("/api/v1/verdicts", params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_parameter" and body["message"]


def test_page_past_the_end_is_404(web):
    published_verdict("Một tin")
    response = web.get("/api/v1/verdicts", {"page": "5"})
    assert response.status_code == 404 and response.json()["error"] == "page_out_of_range"


def test_detail_and_unknown_ids(web):
    verdict = published_verdict(
        "Tin về vắc xin", sources=[{"title": "Bộ Y tế", "url": "https://example.org/a"}]
    )
    body = web.get(f"/api/v1/verdicts/{verdict.pk}").json()
    assert body["title"] == "Tin về vắc xin" and body["sources"] == [
        {"title": "Bộ Y tế", "url": "https://example.org/a"}
    ]
    assert body["claim_review"]["@type"] == "ClaimReview" and body["withdrawn"] is False
    for bad in ("999999", "abc", "1e3", "99999999999999999999999"):
        response = web.get(f"/api/v1/verdicts/{bad}")
        assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_unpublished_drafts_are_not_in_the_api(web):
    draft = published_verdict("Bản nháp")
    draft.published_at = None
    draft.save()
    assert web.get(f"/api/v1/verdicts/{draft.pk}").status_code == 404
    assert web.get("/api/v1/verdicts").json()["count"] == 0


def test_openapi_describes_the_public_endpoints_and_is_valid(web):
    spec = web.get("/api/v1/openapi.json").json()
    validate(spec)
    paths = spec["paths"]
    assert {"/api/v1/check", "/api/v1/verdicts", "/api/v1/verdicts/{verdict_id}"} <= set(paths)
    check_params = {p["name"] for p in paths["/api/v1/check"]["get"]["parameters"]}
    assert {"q", "url"} <= check_params
    list_params = {p["name"] for p in paths["/api/v1/verdicts"]["get"]["parameters"]}
    assert {"page", "page_size", "topic", "label", "published_after", "published_before"} <= list_params
    assert "429" in paths["/api/v1/check"]["get"]["responses"]
