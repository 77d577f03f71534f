"""Personal-data helpers: keyed hashes instead of raw addresses, and masking for display.

Vietnam's Decree 13/2023/ND-CP and the Personal Data Protection Law (in force since
1 January 2026) treat contact details, caller numbers and IP addresses as personal data.
We keep none of them where a keyed, expiring hash does the job.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from django.conf import settings
from django.http import HttpRequest


def keyed_hash(value: str, purpose: str, *, rotate_daily: bool = False) -> str:
    """HMAC of a personal value; with rotate_daily the hash cannot link days together."""
    salt = date.today().isoformat() if rotate_daily else ""
    key = f"{settings.PERSONAL_DATA_KEY}|{purpose}|{salt}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_ip(request: HttpRequest) -> str:
    """The client address, read from the trusted proxy header only when one is configured.

    With `TINGIA_TRUSTED_PROXY_HEADER=HTTP_X_FORWARDED_FOR` and N proxies of ours, the N-th
    address from the right is the one our outermost proxy saw; anything to its left was
    written by the client and is not trusted.
    """
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        values = [v.strip() for v in request.META.get(header, "").split(",") if v.strip()]
        count = max(1, settings.TRUSTED_PROXY_COUNT)
        if len(values) >= count:
            return values[-count]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def client_fingerprint(request: HttpRequest) -> str:
    """An expiring keyed hash of the client address: what rate limits count by."""
    return keyed_hash(client_ip(request), "client", rotate_daily=True)


def mask_email(email: str) -> str:
    if not email or "@" not in email:
        return "***" if email else ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str) -> str:
    digits = [c for c in phone if c.isdigit()]
    if len(digits) <= 4:
        return "***" if phone else ""
    return "*" * (len(digits) - 3) + "".join(digits[-3:])


def mask_name(name: str) -> str:
    parts = name.split()
    return " ".join(p[:1] + "." for p in parts) if parts else ""
