"""Personal-data helpers: keyed hashes instead of raw addresses, and masking for display.

Vietnam's Decree 13/2023/ND-CP and the Personal Data Protection Law (in force since
1 January 2026) treat contact details, caller numbers and IP addresses as personal data.
We keep none of them where a keyed, expiring hash does the job.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import date

from django.conf import settings
from django.http import HttpRequest

UNKNOWN_CLIENT = "unknown"
# One IPv6 customer usually holds a whole /64: counting single addresses would let one
# client rotate through billions of them.
IPV6_RATE_PREFIX = 64


def keyed_hash(value: str, purpose: str, *, rotate_daily: bool = False) -> str:
    """HMAC of a personal value; with rotate_daily the hash cannot link days together."""
    salt = date.today().isoformat() if rotate_daily else ""
    key = f"{settings.PERSONAL_DATA_KEY}|{purpose}|{salt}".encode()
    return hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]


def parse_ip(raw: str) -> str | None:
    """The address in one proxy-header hop ("1.2.3.4", "1.2.3.4:567", "[2001:db8::1]:80"), or None."""
    value = raw.strip().strip('"')
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # IPv4 with a port; bare IPv6 has several colons
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def client_ip(request: HttpRequest) -> str:
    """The client address, read from the trusted proxy header only when one is configured.

    With `TINGIA_TRUSTED_PROXY_HEADER=HTTP_X_FORWARDED_FOR` and N proxies of ours, the N-th
    address from the right is the one our outermost proxy saw; anything to its left was
    written by the client and is not trusted. Without a configured header every forwarding
    header is ignored, because any client can send one.
    """
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        hops = [v for v in str(request.META.get(header, "")).split(",") if v.strip()]
        count = max(1, settings.TRUSTED_PROXY_COUNT)
        if len(hops) >= count:
            address = parse_ip(hops[-count])
            if address is not None:
                return address
    return parse_ip(str(request.META.get("REMOTE_ADDR", ""))) or UNKNOWN_CLIENT


def rate_limit_subject(address: str) -> str:
    """What a rate limit counts: the IPv4 address, or the IPv6 /64 network it belongs to."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_RATE_PREFIX}", strict=False))
    return str(parsed)


def client_fingerprint(request: HttpRequest) -> str:
    """An expiring keyed hash of the client address: what rate limits count by."""
    return keyed_hash(rate_limit_subject(client_ip(request)), "client", rotate_daily=True)


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
