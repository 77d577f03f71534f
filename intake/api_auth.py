"""Partner API keys: issue, revoke, authenticate. Only a SHA-256 of a key is stored."""

from __future__ import annotations

import hmac
import secrets

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.personal import keyed_hash, client_ip

from .models import ApiClient

KEY_PREFIX = "tg_"


class ApiAuthError(Exception):
    """A key was presented and is wrong or revoked: never fall back to anonymous use."""


def issue_key(name: str, rate: str = "600/m", actor=None) -> tuple[ApiClient, str]:  # noqa: ANN001
    """Create a client and return its key; the key is shown once and never stored."""
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(name=name, key_prefix=prefix, key_hash=ApiClient.hash_key(key), rate=rate)
    audit.record("api_key.issue", actor=actor, obj=client, detail={"name": name, "rate": rate})
    return client, key


def revoke_key(client: ApiClient, actor=None) -> None:  # noqa: ANN001
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit.record("api_key.revoke", actor=actor, obj=client)


def presented_key(request: HttpRequest) -> str:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("X-API-Key", "").strip()


def authenticate(request: HttpRequest) -> ApiClient | None:
    """The partner behind the request, None for anonymous use, ApiAuthError for a bad key."""
    key = presented_key(request)
    if not key:
        return None
    parts = key.split("_")
    if len(parts) < 3 or not key.startswith(KEY_PREFIX):
        raise ApiAuthError(_("The API key is not valid."))
    client = ApiClient.objects.filter(key_prefix=parts[1]).first()
    if client is None or not hmac.compare_digest(client.key_hash, ApiClient.hash_key(key)):
        raise ApiAuthError(_("The API key is not valid."))
    if not client.is_active:
        raise ApiAuthError(_("The API key has been revoked."))
    return client


def client_scope(request: HttpRequest, client: ApiClient | None) -> str:
    """Whose idempotency keys these are: the partner, or a keyed hash of the address."""
    if client is not None:
        return f"key:{client.pk}"
    return "anon:" + keyed_hash(client_ip(request), "idempotency")
