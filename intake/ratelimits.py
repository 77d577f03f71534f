"""Rate limits in the shared cache (database or Redis), never in process memory.

Every web and worker process must see the same counts, or a flood spread over processes
would pass; so the counts live in Django's cache (`RATELIMIT_USE_CACHE`), and
django-ratelimit does the counting. Partner apps are counted per API key at the rate stored
with the key; anonymous use is counted per client address (a keyed, daily-rotating hash of
it, read through core.personal.client_ip, which trusts only the configured proxy header).

On Redis (CACHE_URL=redis://...) a count is one round trip: `SET key 0 EX period NX` and
`INCR key` in one pipeline, on a client kept with the cache connection, under the same key
and window django-ratelimit uses (django-ratelimit's own path is three round trips, `add`,
then `exists` and `incr`, with a new client object each). On the database cache (the
embedded default) django-ratelimit counts inside one transaction: one write transaction
per count instead of two. Other caches go through django-ratelimit unchanged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import router, transaction
from django.http import HttpRequest
from django_ratelimit.core import ALL, EXPIRATION_FUDGE, _get_window, _make_cache_key, _split_rate, get_usage

from core.personal import client_fingerprint

from .models import ApiClient

log = logging.getLogger(__name__)

RATE_PATTERN = re.compile(r"^([1-9]\d{0,6})/(\d{0,4})([smhd])$")
_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class RateDecision:
    limited: bool
    retry_after: int = 0  # seconds until the current window ends (for the Retry-After header)


NOT_LIMITED = RateDecision(limited=False)
STORE_DOWN_RETRY_AFTER = 60


def is_valid_rate(rate: str) -> bool:
    """A django-ratelimit rate we accept for partners: "600/m", "10/5m", "5000/d"."""
    match = RATE_PATTERN.match(rate or "")
    return bool(match) and match.group(2) != "0"


def rate_period(rate: str) -> int:
    """The window of a rate in seconds (60 for a rate this module would not have accepted)."""
    match = RATE_PATTERN.match(rate or "")
    if not match:
        return 60
    return _PERIOD_SECONDS[match.group(3)] * int(match.group(2) or 1)


def count(request: HttpRequest, group: str, subject: str, rate: str) -> RateDecision:
    """Count one request of `subject` in `group`; say whether it is over `rate`.

    When the shared store cannot be reached, django-ratelimit's RATELIMIT_FAIL_OPEN decides,
    as it does for its own failures: refuse for a short while (the default), or let through.
    Either way the person gets an answer, not a server error.
    """
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return NOT_LIMITED  # before any transaction: on SQLite even an empty one takes the write lock
    try:
        cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
        if isinstance(cache, RedisCache):
            usage = _count_in_redis(cache, group, subject, rate)
        elif isinstance(cache, DatabaseCache):
            # add, then get + set: one write transaction instead of two (on SQLite each one
            # waits for the file's single write lock).
            with transaction.atomic(using=router.db_for_write(cache.cache_model_class)):
                usage = get_usage(request, group=group, key=lambda _group, _request: subject, rate=rate,
                                  increment=True)
        else:
            usage = get_usage(request, group=group, key=lambda _group, _request: subject, rate=rate,
                              increment=True)
    except Exception:  # noqa: BLE001 - Redis down, cache table missing: any backend error
        fail_open = getattr(settings, "RATELIMIT_FAIL_OPEN", False)
        log.error("The rate-limit store is unavailable; requests are %s.", "let through" if fail_open else "refused",
                  exc_info=True)
        return NOT_LIMITED if fail_open else RateDecision(limited=True, retry_after=STORE_DOWN_RETRY_AFTER)
    if usage is None or not usage["should_limit"]:
        return NOT_LIMITED
    time_left = usage["time_left"]
    # time_left is -1 when the cache could not be reached: the limit then fails closed.
    retry_after = time_left if time_left > 0 else rate_period(rate)
    return RateDecision(limited=True, retry_after=max(1, retry_after))


def _count_in_redis(cache: RedisCache, group: str, subject: str, rate: str) -> dict | None:
    """django-ratelimit's get_usage(increment=True), in one Redis round trip."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    limit, period = _split_rate(rate)
    window = _get_window(subject, period)
    key = cache.make_and_validate_key(_make_cache_key(group, window, rate, subject, ALL))
    client = getattr(cache, "_tingia_counter_client", None)
    if client is None:  # one client per cache connection (per thread), on its connection pool
        client = cache._cache.get_client(key, write=True)
        cache._tingia_counter_client = client
    pipe = client.pipeline(transaction=False)
    pipe.set(key, 0, ex=period + EXPIRATION_FUDGE, nx=True)
    pipe.incr(key)
    count = pipe.execute()[1]
    return {"count": count, "limit": limit, "should_limit": count > limit,
            "time_left": window - int(time.time())}


def ip_subject(request: HttpRequest) -> str:
    return "ip:" + client_fingerprint(request)


def api_limit(request: HttpRequest, client: ApiClient | None) -> RateDecision:
    """Reports over the API: partners at their own rate, per key; anonymous callers per address."""
    if client is not None:
        rate = client.rate if is_valid_rate(client.rate) else settings.RATE_API_ANONYMOUS
        return count(request, "api.report", f"key:{client.pk}", rate)
    return count(request, "api.report", ip_subject(request), settings.RATE_API_ANONYMOUS)


def status_limit(request: HttpRequest) -> RateDecision:
    """Tracking-code look-ups, one budget per address for the page and the API together.

    Codes are not guessable at this rate; sharing the budget keeps it so whichever door is used.
    """
    return count(request, "status", ip_subject(request), settings.RATE_STATUS_LOOKUP)


def web_limit(request: HttpRequest, group: str, rate: str) -> RateDecision:
    return count(request, f"web.{group}", ip_subject(request), rate)
