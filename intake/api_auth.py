"""Partner API keys: issue, revoke, authenticate. Only a SHA-256 of a key is stored.

A key looks like `tg_<8 hex prefix>_<secret>`. The prefix finds the row (and is what staff
see and revoke by); the whole key is compared against the stored hash in constant time.

A key found valid is remembered in the process for API_KEY_CACHE_SECONDS (5 s): a partner
sending hundreds of reports a second costs one key look-up per process every few seconds,
not one per report. A revocation therefore takes effect within that many seconds in the
other processes (at once in the revoking one); wrong and revoked keys are never remembered.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from core import audit
from core.personal import client_ip, keyed_hash

from .models import ApiClient
from .ratelimits import is_valid_rate

KEY_PREFIX = "tg_"
MAX_NAME = 120


_CACHE_LIMIT = 1024  # distinct keys remembered per process; past that the memory starts afresh
_valid_keys: dict[str, tuple[ApiClient, float]] = {}  # key hash -> (client, monotonic expiry)
_valid_keys_lock = threading.Lock()
_clock = time.monotonic  # replaced by tests to let time pass


def _remembered(key_hash: str) -> ApiClient | None:
    entry = _valid_keys.get(key_hash)
    if entry is None:
        return None
    client, expires = entry
    if _clock() >= expires:
        with _valid_keys_lock:
            _valid_keys.pop(key_hash, None)
        return None
    return client


def _remember(key_hash: str, client: ApiClient) -> None:
    ttl = settings.API_KEY_CACHE_SECONDS
    if ttl <= 0:
        return
    with _valid_keys_lock:
        if len(_valid_keys) >= _CACHE_LIMIT:
            _valid_keys.clear()
        _valid_keys[key_hash] = (client, _clock() + ttl)


def forget_keys() -> None:
    """Drop every remembered key of this process (after a revocation here, and in tests)."""
    with _valid_keys_lock:
        _valid_keys.clear()


class ApiAuthError(Exception):
    """A key was presented and is wrong or revoked: never fall back to anonymous use."""


def issue_key(name: str, rate: str = "600/m", actor: Any = None) -> tuple[ApiClient, str]:
    """Create a client and return its key; the key is shown once and never stored."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"The partner name must have 1 to {MAX_NAME} characters.")
    if not is_valid_rate(rate):
        raise ValueError(f"{rate!r} is not a rate such as 600/m, 10/s, 5000/d or 100/5m.")
    prefix = secrets.token_hex(4)
    while ApiClient.objects.filter(key_prefix=prefix).exists():  # 1 in 4 billion, but cheap to rule out
        prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():  # no key without its audit entry
        client = ApiClient.objects.create(name=name, key_prefix=prefix, key_hash=ApiClient.hash_key(key), rate=rate)
        audit.record("api_key.issue", actor=actor, obj=client, detail={"name": name, "rate": rate})
    return client, key


def revoke_key(client: ApiClient, actor: Any = None) -> bool:
    """Revoke a key; False when it was already revoked (nothing changes, nothing is audited)."""
    if client.revoked_at is not None:
        return False
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit.record("api_key.revoke", actor=actor, obj=client)
    forget_keys()  # this process at once; the others within API_KEY_CACHE_SECONDS
    return True


def presented_key(request: HttpRequest) -> str:
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("X-API-Key", "").strip()


def authenticate(request: HttpRequest) -> ApiClient | None:
    """The partner behind the request, None for anonymous use, ApiAuthError for a bad key."""
    key = presented_key(request)
    if not key and "Authorization" in request.headers:
        raise ApiAuthError(_("Send the API key as “Authorization: Bearer <key>”."))
    if not key:
        return None
    parts = key.split("_", 2)
    if len(parts) != 3 or not key.startswith(KEY_PREFIX) or not key.isascii():
        raise ApiAuthError(_("The API key is not valid."))
    key_hash = ApiClient.hash_key(key)
    client = _remembered(key_hash)
    if client is not None:
        return client
    client = ApiClient.objects.filter(key_prefix=parts[1][:12]).first()
    if client is None or not hmac.compare_digest(client.key_hash, key_hash):
        raise ApiAuthError(_("The API key is not valid."))
    if not client.is_active:
        raise ApiAuthError(_("The API key has been revoked."))
    _remember(key_hash, client)
    return client


@dataclass(frozen=True)
class Caller:
    """Who is calling: a partner, or anonymous; `error` says why a presented key was refused."""

    client: ApiClient | None = None
    error: str = ""


class PartnerKey(HttpBearer):
    """`Authorization: Bearer <key>` for partner apps; anonymous calls are allowed too.

    It never refuses by itself (it always returns a Caller), so the view can answer a bad
    key with a 401 in the API's own error format; django-ninja uses it to document the
    scheme in OpenAPI.
    """

    def __call__(self, request: HttpRequest) -> Caller:
        try:
            return Caller(client=authenticate(request))
        except ApiAuthError as exc:
            return Caller(error=str(exc))

    def authenticate(self, request: HttpRequest, token: str) -> Caller:  # pragma: no cover - see __call__
        return self(request)


def client_scope(request: HttpRequest, client: ApiClient | None) -> str:
    """Whose idempotency keys these are: the partner, or a keyed hash of the address."""
    if client is not None:
        return f"key:{client.pk}"
    return "anon:" + keyed_hash(client_ip(request), "idempotency")
