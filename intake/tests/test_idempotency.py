"""Idempotency-Key: a retry gets the first answer, a reused key with another body is refused,
keys are scoped per client, and concurrent retries still make exactly one report."""

from __future__ import annotations

import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

from intake.api_auth import issue_key
from intake.models import IdempotencyRecord, Report

from .conftest import API_REPORTS, assert_api_error, png_bytes, post_json

BODY = {"text": "Clip giả mạo lãnh đạo kêu gọi đầu tư tiền ảo", "urls": ["https://example.com/clip"]}
OTHER_BODY = {"text": "Một tin khác hẳn", "urls": ["https://example.com/khac"]}


def key_header(key: str) -> dict[str, str]:
    return {"HTTP_IDEMPOTENCY_KEY": key}


@pytest.mark.django_db
def test_same_key_and_body_returns_the_same_code_and_makes_one_report(web):
    first = post_json(web, BODY, **key_header("retry-1"))
    again = post_json(web, {"urls": BODY["urls"], "text": BODY["text"]}, **key_header("retry-1"))  # keys reordered
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert (first["Idempotent-Replayed"], again["Idempotent-Replayed"]) == ("false", "true")
    assert Report.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_refused_with_422(web):
    assert post_json(web, BODY, **key_header("retry-2")).status_code == 201
    assert_api_error(post_json(web, OTHER_BODY, **key_header("retry-2")), 422, "idempotency_key_reused")
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_without_a_key_each_post_is_a_new_report(web):
    codes = {post_json(web, BODY).json()["tracking_code"] for _ in range(2)}
    assert len(codes) == 2 and Report.objects.count() == 2


@pytest.mark.django_db
def test_keys_are_scoped_per_client(web):
    _a, key_a = issue_key("Đối tác A")
    _b, key_b = issue_key("Đối tác B")
    anonymous = post_json(web, BODY, **key_header("shared-key")).json()["tracking_code"]
    other_address = post_json(web, BODY, REMOTE_ADDR="198.51.100.4", **key_header("shared-key")).json()["tracking_code"]
    partner_a = post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key_a}", **key_header("shared-key"))
    partner_b = post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key_b}", **key_header("shared-key"))
    codes = [anonymous, other_address, partner_a.json()["tracking_code"], partner_b.json()["tracking_code"]]
    assert len(set(codes)) == 4, "no client may receive another client's report"
    assert partner_a["Idempotent-Replayed"] == "false"
    # Each scope still replays its own answer.
    again_a = post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key_a}", **key_header("shared-key"))
    assert again_a.json()["tracking_code"] == codes[2] and again_a["Idempotent-Replayed"] == "true"
    assert post_json(web, BODY, **key_header("shared-key")).json()["tracking_code"] == anonymous
    assert Report.objects.count() == 4


@pytest.mark.django_db
def test_a_partner_key_reused_by_anonymous_with_another_body_is_not_a_conflict(web):
    _a, key_a = issue_key("Đối tác A")
    assert post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key_a}", **key_header("k")).status_code == 201
    assert post_json(web, OTHER_BODY, **key_header("k")).status_code == 201  # another scope: no 422


@pytest.mark.django_db
def test_multipart_retries_with_images_are_idempotent(web):
    def send(colour):
        image = SimpleUploadedFile("a.png", png_bytes(colour=colour), content_type="image/png")
        return web.post(API_REPORTS, {"report": json.dumps(BODY), "images": [image]}, **key_header("mp-1"))

    first, again = send((10, 20, 30)), send((10, 20, 30))
    assert first.status_code == again.status_code == 201
    assert first.json()["tracking_code"] == again.json()["tracking_code"]
    assert_api_error(send((200, 20, 30)), 422, "idempotency_key_reused")  # same JSON, another image
    assert Report.objects.count() == 1


def _post_in_threads(bodies: list[dict], key: str) -> list:
    """POST each body from its own thread (own client, own connection), all released together."""
    barrier = threading.Barrier(len(bodies))
    results: list = [None] * len(bodies)

    def worker(index: int, body: dict) -> None:
        try:
            client = Client(HTTP_HOST="127.0.0.1")
            barrier.wait(timeout=30)
            results[index] = post_json(client, body, **key_header(key))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, b)) for i, b in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_eight_parallel_retries_make_exactly_one_report():
    results = _post_in_threads([BODY] * 8, "parallel-1")
    assert all(not isinstance(r, Exception) for r in results), results
    assert [r.status_code for r in results] == [201] * 8, [r.content[:200] for r in results]
    assert len({r.json()["tracking_code"] for r in results}) == 1
    assert sorted(r["Idempotent-Replayed"] for r in results) == ["false"] + ["true"] * 7
    assert Report.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_with_one_key_and_two_bodies_make_one_report():
    results = _post_in_threads([BODY] * 4 + [OTHER_BODY] * 4, "parallel-2")
    assert all(not isinstance(r, Exception) for r in results), results
    statuses = [r.status_code for r in results]
    winner = Report.objects.get()  # exactly one report, whichever body came first
    won_with = BODY if winner.text == BODY["text"] else OTHER_BODY
    for body, response in zip([BODY] * 4 + [OTHER_BODY] * 4, results):
        assert response.status_code == (201 if body is won_with else 422), statuses
