"""The append-only audit log: append with an HMAC chain, verify the chain, export its head.

Appends are serialised (an advisory lock on PostgreSQL, the single writer of an IMMEDIATE
transaction on SQLite) so that two writers cannot both extend the same head and fork it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEntry

GENESIS = "0" * 64
_ADVISORY_LOCK_ID = 0x7469_6E67  # "ting"


def _mac(prev_mac: str, seq: int, at: str, actor_label: str, action: str, object_type: str,
         object_id: str, detail: dict[str, Any]) -> str:
    message = json.dumps(
        [prev_mac, seq, at, actor_label, action, object_type, object_id, detail],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    key = settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _entry_mac(entry: AuditEntry, prev_mac: str) -> str:
    return _mac(prev_mac, entry.seq, entry.at.isoformat(), entry.actor_label, entry.action,
                entry.object_type, entry.object_id, entry.detail)


def record(action: str, *, actor: Any = None, obj: Any = None, object_type: str = "",
           object_id: str | int = "", detail: dict[str, Any] | None = None,
           actor_label: str = "") -> AuditEntry:
    """Append one entry. `detail` must hold no personal data (ids and counts, not contents)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = actor_label or actor.get_username()
    else:
        actor = None
        actor_label = actor_label or "system"
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])
        last = AuditEntry.objects.order_by("-seq").values("seq", "mac").first()
        seq = (last["seq"] + 1) if last else 1
        prev_mac = last["mac"] if last else GENESIS
        entry = AuditEntry(
            seq=seq, at=timezone.now(), actor=actor, actor_label=actor_label[:150], action=action,
            object_type=object_type, object_id=str(object_id), detail=detail or {}, prev_mac=prev_mac,
        )
        # Round-trip the detail through JSON so the MAC is computed on what is stored.
        entry.detail = json.loads(json.dumps(entry.detail, ensure_ascii=False))
        entry.mac = _entry_mac(entry, prev_mac)
        entry.save()
    return entry


@dataclass
class Head:
    seq: int
    mac: str


def head() -> Head:
    last = AuditEntry.objects.order_by("-seq").values("seq", "mac").first()
    return Head(last["seq"], last["mac"]) if last else Head(0, GENESIS)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str]


def verify(expected_head: Head | None = None) -> VerifyResult:
    """Recompute the chain; report altered, inserted, deleted or truncated entries."""
    problems: list[str] = []
    prev_mac = GENESIS
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        checked += 1
        if entry.seq != expected_seq:
            problems.append(f"entry {entry.seq}: expected sequence {expected_seq} (entries deleted or inserted)")
        if entry.prev_mac != prev_mac:
            problems.append(f"entry {entry.seq}: does not follow the previous entry (chain broken)")
        if not hmac.compare_digest(_entry_mac(entry, entry.prev_mac), entry.mac):
            problems.append(f"entry {entry.seq}: content does not match its MAC (altered)")
        prev_mac = entry.mac
        expected_seq = entry.seq + 1
    if expected_head is not None and expected_head.seq > 0:
        anchored = AuditEntry.objects.filter(seq=expected_head.seq).values_list("mac", flat=True).first()
        if anchored is None:
            problems.append(f"exported head {expected_head.seq} is missing (log truncated)")
        elif anchored != expected_head.mac:
            problems.append(f"exported head {expected_head.seq} does not match (log rewritten)")
    return VerifyResult(ok=not problems, checked=checked, problems=problems)
