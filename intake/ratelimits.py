"""Rate limits in the shared cache (database or Redis), never in process memory."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from core.personal import client_fingerprint

from .models import ApiClient


def _by_client(group: str, request: HttpRequest) -> str:
    client = getattr(request, "_tingia_client", None)
    return f"key:{client.pk}" if client is not None else "ip:" + client_fingerprint(request)


def api_limited(request: HttpRequest, client: ApiClient | None, group: str = "report") -> bool:
    """Count this request; True when the client is over its rate (partner rate or anonymous)."""
    request._tingia_client = client  # noqa: SLF001 - read back by the key function
    if group == "status":
        rate = settings.RATE_STATUS_LOOKUP
    else:
        rate = client.rate if client is not None else settings.RATE_API_ANONYMOUS
    return is_ratelimited(request, group=f"api.{group}", key=_by_client, rate=rate, increment=True)


def web_limited(request: HttpRequest, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=f"web.{group}", key=lambda g, r: "ip:" + client_fingerprint(r),
                          rate=rate, increment=True)
