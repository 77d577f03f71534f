"""Authenticating telephony webhooks: HMAC-SHA256 over "timestamp.body" with a shared secret.

The PBX sends two headers:

    X-Tingia-Timestamp: 1767225600            (Unix seconds when it signed)
    X-Tingia-Signature: v1=<64 hex digits>    (HMAC-SHA256(secret, "<timestamp>." + raw body))

Several `v1=` values separated by commas are accepted, so a secret can be rotated: sign with
the new and the old one during the change. A timestamp outside the tolerance window is
refused (a captured request cannot be used later), and an accepted signature is stored so
the same request cannot be sent again inside the window (a replay). The scheme is the one
Stripe and Slack use, so PBX scripts can reuse well-known snippets.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

TIMESTAMP_HEADER = "X-Tingia-Timestamp"
SIGNATURE_HEADER = "X-Tingia-Signature"
SCHEME = "v1"


@dataclass(frozen=True)
class SignatureProblem(Exception):
    """Why a request is refused: a stable code and the HTTP status to answer with."""

    code: str
    status: int = 401


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The hex signature of a body (what the PBX computes; tests and docs use it too)."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int | str, body: bytes) -> str:
    return f"{SCHEME}={sign(secret, timestamp, body)}"


def _candidates(header: str) -> list[str]:
    values = []
    for part in header.split(","):
        scheme, _, value = part.strip().partition("=")
        if scheme == SCHEME and len(value) == 64:
            values.append(value.lower())
    return values


def _digest(secret: str, timestamp: str, body: bytes | IO[bytes]) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode(), hashlib.sha256)
    if isinstance(body, (bytes, bytearray)):
        mac.update(body)
    else:  # a spooled upload: read it in pieces, then rewind it for the parser
        body.seek(0)
        for chunk in iter(lambda: body.read(256 * 1024), b""):
            mac.update(chunk)
        body.seek(0)
    return mac.hexdigest()


def precheck(headers: dict[str, str] | object, *, now: float | None = None) -> None:
    """Refuse at once (before the body is read) what cannot be a fresh signed request."""
    if not settings.HOTLINE_WEBHOOK_SECRET:
        raise SignatureProblem("webhook_disabled", 503)
    raw_ts = (headers.get(TIMESTAMP_HEADER) or "").strip()  # type: ignore[union-attr]
    raw_sig = (headers.get(SIGNATURE_HEADER) or "").strip()  # type: ignore[union-attr]
    if not raw_ts or not raw_sig:
        raise SignatureProblem("missing_signature")
    if not raw_ts.isdigit() or len(raw_ts) > 12:
        raise SignatureProblem("invalid_timestamp")
    now = time.time() if now is None else now
    if abs(now - int(raw_ts)) > settings.HOTLINE_WEBHOOK_TOLERANCE_SECONDS:
        raise SignatureProblem("timestamp_out_of_window")
    if not _candidates(raw_sig):
        raise SignatureProblem("invalid_signature")


def verify(headers: dict[str, str] | object, body: bytes | IO[bytes], *, now: float | None = None) -> str:
    """The matching signature of a correctly signed, fresh request; SignatureProblem otherwise.

    Does not record the signature: call `remember` once the request is accepted, in the
    same transaction as its effect.
    """
    precheck(headers, now=now)
    secret = settings.HOTLINE_WEBHOOK_SECRET
    if not secret:
        raise SignatureProblem("webhook_disabled", 503)
    raw_ts = (headers.get(TIMESTAMP_HEADER) or "").strip()  # type: ignore[union-attr]
    raw_sig = (headers.get(SIGNATURE_HEADER) or "").strip()  # type: ignore[union-attr]
    expected = _digest(secret, raw_ts, body)
    for candidate in _candidates(raw_sig):
        if hmac.compare_digest(candidate, expected):
            return expected
    raise SignatureProblem("invalid_signature")


def remember(signature: str) -> None:
    """Record an accepted signature; a second use raises SignatureProblem("replayed", 409)."""
    from .models import WebhookSignature

    try:
        with transaction.atomic():
            WebhookSignature.objects.create(signature=signature)
    except IntegrityError:
        raise SignatureProblem("replayed", 409) from None


def forget_old_signatures() -> int:
    """Signatures older than twice the window can no longer be replayed (their timestamp is stale)."""
    from .models import WebhookSignature

    cutoff = timezone.now() - timedelta(seconds=2 * settings.HOTLINE_WEBHOOK_TOLERANCE_SECONDS + 60)
    deleted, _ = WebhookSignature.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
