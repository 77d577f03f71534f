"""Rate limits: per API key and per client address, kept in the shared cache, honest about
proxies, and answered with 429 + Retry-After."""

from __future__ import annotations

import base64
import os
import uuid
import pickle

import pytest
from django.conf import settings
from django.core.cache import CacheHandler
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import Client

from intake.api_auth import issue_key
from intake.models import Report
from intake.ratelimits import is_valid_rate, rate_period

from .conftest import API_REPORTS, FORM, assert_api_error, post_json

pytestmark = pytest.mark.django_db

BODY = {"text": "Tin nhắn trúng thưởng, bấm link để nhận quà"}


@pytest.fixture
def small_rates(settings):
    settings.RATE_API_ANONYMOUS = "3/h"
    settings.RATE_WEB_REPORT = "3/h"
    settings.RATE_STATUS_LOOKUP = "3/h"
    return settings


def test_anonymous_api_calls_are_limited_per_address_with_retry_after(web, small_rates):
    for _ in range(3):
        assert post_json(web, BODY).status_code == 201
    response = post_json(web, BODY)
    assert_api_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert Report.objects.count() == 3
    other_address = post_json(web, BODY, REMOTE_ADDR="198.51.100.7")
    assert other_address.status_code == 201


def test_bad_requests_count_too(web, small_rates):
    for _ in range(3):
        assert post_json(web, {}).status_code == 400
    assert_api_error(post_json(web, BODY), 429, "rate_limited")


def _cache_rows_with_count(expected: int) -> list[str]:
    """Keys in the database cache table whose stored value is `expected` (rate-limit counters)."""
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {table}")  # noqa: S608 - table name from settings
        rows = cursor.fetchall()
    return [key for key, value in rows if pickle.loads(base64.b64decode(value)) == expected]  # noqa: S301


def test_the_count_lives_in_the_shared_cache_not_in_process_memory(web, small_rates):
    for _ in range(3):
        assert post_json(web, BODY).status_code == 201
    if isinstance(CacheHandler()["default"], DatabaseCache):
        # The counter is a row of the cache table, where every process reads it.
        assert len([k for k in _cache_rows_with_count(3) if k.startswith(":1:rl:")]) == 1
    # A new cache connection and a new client (no cookies, no local state) still see the count.
    assert_api_error(post_json(Client(HTTP_HOST="127.0.0.1"), BODY), 429, "rate_limited")


def test_a_partner_key_gets_its_own_rate_and_its_own_bucket(web, small_rates):
    _client, key = issue_key("Đối tác A", rate="5/m")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for _ in range(5):
        assert post_json(web, BODY, **headers).status_code == 201
    response = post_json(web, BODY, **headers)
    assert_api_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    # The partner's traffic did not use up the anonymous budget of the same address...
    assert post_json(web, BODY).status_code == 201
    # ...and another partner is counted apart.
    _other, other_key = issue_key("Đối tác B", rate="2/m")
    assert post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {other_key}").status_code == 201


def test_a_partner_rate_above_the_anonymous_rate_is_honoured(web, small_rates):
    _client, key = issue_key("Đối tác lớn", rate="10/h")
    statuses = [post_json(web, BODY, HTTP_X_API_KEY=key).status_code for _ in range(8)]
    assert statuses == [201] * 8  # anonymous callers stop at 3


def test_wrong_keys_are_throttled_too(web, small_rates):
    statuses = [post_json(web, BODY, HTTP_AUTHORIZATION="Bearer tg_deadbeef_guess").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_a_spoofed_forwarded_for_is_ignored_without_a_trusted_proxy(web, small_rates):
    small_rates.TRUSTED_PROXY_HEADER = ""
    statuses = [post_json(web, BODY, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(4)]
    assert statuses == [201, 201, 201, 429]


def test_the_trusted_proxy_hop_is_used_when_configured(web, small_rates):
    small_rates.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    small_rates.TRUSTED_PROXY_COUNT = 1
    # Our proxy appends the address it saw; whatever the client wrote to the left is ignored.
    same_client = [post_json(web, BODY, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.9").status_code
                   for i in range(4)]
    assert same_client == [201, 201, 201, 429]
    assert post_json(web, BODY, HTTP_X_FORWARDED_FOR="203.0.113.9, 203.0.113.10").status_code == 201


def test_two_proxies_use_the_second_hop_from_the_right(web, small_rates):
    small_rates.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    small_rates.TRUSTED_PROXY_COUNT = 2
    statuses = [post_json(web, BODY, HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.20, 10.0.0.{i}").status_code
                for i in range(4)]
    assert statuses == [201, 201, 201, 429]


def test_ipv6_clients_are_counted_per_64_network(web, small_rates):
    statuses = [post_json(web, BODY, REMOTE_ADDR=f"2001:db8:1:2::{i:x}").status_code for i in range(1, 5)]
    assert statuses == [201, 201, 201, 429]
    assert post_json(web, BODY, REMOTE_ADDR="2001:db8:1:3::1").status_code == 201


def test_status_look_ups_are_limited(web, small_rates):
    code = post_json(web, BODY).json()["tracking_code"]
    for _ in range(3):
        assert web.get(f"{API_REPORTS}/{code}").status_code == 200
    response = web.get(f"{API_REPORTS}/{code}")
    assert_api_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1
    page = web.get(f"/theo-doi/{code}/")
    assert page.status_code == 429 and 'role="alert"' in page.content.decode()


def test_the_web_form_is_limited_per_address(web, small_rates):
    for i in range(3):
        assert web.post(FORM, {"text": f"Tin {i}"}).status_code == 302
    response = web.post(FORM, {"text": "Tin thứ tư"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert web.post(FORM, {"text": "Tin khác"}, REMOTE_ADDR="198.51.100.8").status_code == 302


def test_limits_can_be_switched_off(web, small_rates):
    small_rates.RATELIMIT_ENABLE = False
    assert [post_json(web, BODY).status_code for _ in range(5)] == [201] * 5


class UnreachableCache(BaseCache):
    """A cache whose server is down, as Redis is when its host is unreachable."""

    def __init__(self, location, params):  # noqa: ANN001
        super().__init__(params)

    def _down(self, *args, **kwargs):  # noqa: ANN002, ANN003
        raise ConnectionError("cache server unreachable")

    add = get = set = incr = delete = clear = get_many = touch = _down


BROKEN_CACHE = {"default": {"BACKEND": f"{__name__}.UnreachableCache"}}


def test_an_unreachable_store_refuses_briefly_instead_of_failing(web, settings):
    settings.CACHES = BROKEN_CACHE
    response = post_json(web, BODY)
    assert_api_error(response, 429, "rate_limited")
    assert response["Retry-After"] == "60"
    assert web.post(FORM, {"text": "Tin"}).status_code == 429
    assert not Report.objects.exists()


def test_an_unreachable_store_lets_through_when_configured_to_fail_open(web, settings):
    settings.CACHES = BROKEN_CACHE
    settings.RATELIMIT_FAIL_OPEN = True
    assert post_json(web, BODY).status_code == 201


@pytest.mark.parametrize("rate, valid, period", [
    ("600/m", True, 60), ("10/s", True, 1), ("5000/d", True, 86400), ("100/5m", True, 300),
    ("1000000/h", True, 3600), ("0/m", False, 60), ("10/0m", False, 0), ("10/w", False, 60),
    ("fast", False, 60), ("", False, 60), ("10", False, 60), ("99999999/s", False, 60),
])
def test_rates(rate, valid, period):
    assert is_valid_rate(rate) is valid
    if valid:
        assert rate_period(rate) == period


# --- Redis: one round trip per count ------------------------------------------------------------

REDIS_URL = os.environ.get("TINGIA_TEST_REDIS_CACHE_URL", "redis://127.0.0.1:6379/12")


def _redis_reachable() -> bool:
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(REDIS_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_cache(settings):
    if not _redis_reachable():
        pytest.skip(f"Redis at {REDIS_URL} is not reachable")
    import redis

    prefix = f"tingia-test-{uuid.uuid4().hex[:10]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    raw = redis.Redis.from_url(REDIS_URL)
    yield raw, prefix
    for key in raw.scan_iter(match=f"{prefix}:*"):
        raw.delete(key)
    raw.close()


def test_on_redis_a_count_is_one_round_trip_under_django_ratelimits_key(web, redis_cache, monkeypatch):
    from django.core.cache import caches
    from django_ratelimit.core import get_usage
    from redis.connection import AbstractConnection

    from intake.ratelimits import count

    raw, prefix = redis_cache
    request = web.get("/").wsgi_request
    sends = []
    real_send = AbstractConnection.send_packed_command

    def counting_send(self, command, check_health=True):  # noqa: ANN001
        sends.append(command)
        return real_send(self, command, check_health)

    count(request, "test.warm-up", "subject-0", "3/h")  # opens the pooled connection (handshake)
    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting_send)
    decisions = [count(request, "test.group", "subject-1", "3/h").limited for _ in range(4)]
    assert decisions == [False, False, False, True]
    assert len(sends) == 4  # one pipelined write per count (django-ratelimit alone needs three)
    monkeypatch.undo()

    keys = [k for k in raw.scan_iter(match=f"{prefix}:*") if int(raw.get(k)) != 1]  # not the warm-up
    assert len(keys) == 1 and int(raw.get(keys[0])) == 4
    assert 3600 <= raw.ttl(keys[0]) <= 3605  # the window plus django-ratelimit's fudge
    # django-ratelimit reads the very same counter.
    usage = get_usage(request, group="test.group", key=lambda _g, _r: "subject-1", rate="3/h")
    assert usage["count"] == 4 and usage["should_limit"]
    assert caches["default"].get(keys[0].decode().split(":", 2)[2], version=1) == 4


def test_on_redis_the_api_limits_and_answers_retry_after(web, redis_cache, small_rates):
    for _ in range(3):
        assert post_json(web, BODY).status_code == 201
    response = post_json(web, BODY)
    assert_api_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert post_json(web, BODY, REMOTE_ADDR="198.51.100.9").status_code == 201


def test_on_redis_an_unreachable_server_refuses_briefly(web, settings, small_rates):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    response = post_json(web, BODY)
    assert_api_error(response, 429, "rate_limited")
    assert response["Retry-After"] == "60"
    assert not Report.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_on_the_database_cache_a_count_is_one_write_transaction(web):
    from django.core.cache import caches
    from django.test.utils import CaptureQueriesContext

    from intake.ratelimits import count

    if not isinstance(caches["default"], DatabaseCache):
        pytest.skip("CACHE_URL selects another cache")
    request = web.get("/").wsgi_request
    assert not count(request, "test.db", "subject-db", "2/h").limited  # the add
    with CaptureQueriesContext(connection) as queries:
        assert not count(request, "test.db", "subject-db", "2/h").limited  # add fails, then incr
    begins = [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("BEGIN")]
    assert len(begins) == 1, [q["sql"] for q in queries.captured_queries]
    assert count(request, "test.db", "subject-db", "2/h").limited
