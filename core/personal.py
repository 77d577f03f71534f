"""Personal-data helpers: keyed hashes instead of raw addresses, and masking for display.

Vietnam's Decree 13/2023/ND-CP and the Personal Data Protection Law (in force since
1 January 2026) treat contact details, caller numbers and IP addresses as personal data.
We keep none of them where a keyed, expiring hash does the job.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

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


# --- Who sees contact details (the personal-data table of issue 4) -----------------------------
# Reporter name, e-mail, phone and a caller's number: an operator sees them in full for the
# reports they entered, for 24 hours; everyone else with a role sees them masked; an editor
# may reveal them, which is audited. Admins never see report contents at all.

CONTACT_FIELDS = ("name", "email", "phone")
OPERATOR_FULL_VIEW = timedelta(hours=24)
FULL = "full"
MASKED = "masked"
REVEALED = "revealed"
_MASKERS = {"name": mask_name, "email": mask_email, "phone": mask_phone}


def _contact_values(contact_like: Any) -> dict[str, str]:
    """Name, e-mail and phone of anything carrying them (a ReporterContact, a hotline call)."""
    if contact_like is None:
        return dict.fromkeys(CONTACT_FIELDS, "")
    return {field: str(getattr(contact_like, field, "") or "") for field in CONTACT_FIELDS}


def contact_visibility(user: Any, *, entered_by_id: int | None, entered_at: datetime | None,
                       now: datetime | None = None) -> str:
    """FULL or MASKED for this person; PermissionDenied for anyone without a staff role."""
    from .roles import OPERATOR, roles_of

    roles = roles_of(user)
    if not roles:
        raise PermissionDenied("contact details are for staff only")
    now = now or timezone.now()
    own_entry = OPERATOR in roles and entered_by_id is not None and entered_by_id == user.pk
    if own_entry and entered_at is not None and now - entered_at < OPERATOR_FULL_VIEW:
        return FULL
    return MASKED


def contact_for(user: Any, contact_like: Any, *, entered_by_id: int | None, entered_at: datetime | None,
                subject: Any = None, now: datetime | None = None) -> dict[str, str]:
    """The contact details this person may see, masked unless the table allows them in full.

    Returns {"name", "email", "phone", "visibility"}. Showing full details is a view of
    personal data and is audited against `subject` (the report, or the contact itself).
    """
    values = _contact_values(contact_like)
    visibility = contact_visibility(user, entered_by_id=entered_by_id, entered_at=entered_at, now=now)
    if visibility == FULL:
        shown = [field for field in CONTACT_FIELDS if values[field]]
        if shown:
            _audit_contact("contact.view", user, subject if subject is not None else contact_like, shown)
        return {**values, "visibility": FULL}
    return {**{field: _MASKERS[field](values[field]) for field in CONTACT_FIELDS}, "visibility": MASKED}


def report_contact(report: Any) -> Any:
    """The report's ReporterContact, or None when the reporter left none (or it was purged)."""
    try:
        return report.contact
    except ObjectDoesNotExist:
        return None


def report_contact_for(user: Any, report: Any, *, now: datetime | None = None) -> dict[str, str]:
    """`contact_for` of a report's own contact, entered by `report.entered_by` at its arrival."""
    return contact_for(user, report_contact(report), entered_by_id=report.entered_by_id,
                       entered_at=report.received_at, subject=report, now=now)


def reveal_contact(user: Any, report: Any, *, contact_like: Any = None, purpose: str = "") -> dict[str, str]:
    """Full contact details on an editor's explicit request; the reveal itself is audited.

    Refused (PermissionDenied) without the "contact.reveal" action, without a two-factor
    verified session, or for a report outside the person's province scope.
    """
    from .roles import check, province_scope
    from .staff_access import is_verified, two_factor_required

    check(user, "contact.reveal")
    if two_factor_required(user) and not is_verified(user):
        raise PermissionDenied("revealing contact details needs a two-factor verified session")
    scope = province_scope(user)
    if scope is not None and getattr(report, "province", "") not in scope:
        raise PermissionDenied("report outside the province scope")
    values = _contact_values(contact_like if contact_like is not None else report_contact(report))
    _audit_contact("contact.reveal", user, report, [f for f in CONTACT_FIELDS if values[f]], purpose=purpose)
    return {**values, "visibility": REVEALED}


def can_see_report_content(user: Any) -> bool:
    """Report text, links and screenshots: operators, verifiers and editors; never admins."""
    from .roles import can

    return can(user, "report.view_content")


def _audit_contact(action: str, user: Any, subject: Any, fields: list[str], purpose: str = "") -> None:
    from . import audit

    detail: dict[str, Any] = {"fields": fields}
    if purpose:
        detail["purpose"] = purpose
    if subject is not None and hasattr(subject, "_meta"):
        audit.record(action, actor=user, obj=subject, detail=detail)
    else:
        audit.record(action, actor=user, object_type="contact", detail=detail)
