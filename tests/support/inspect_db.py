"""Print, as JSON, what a database holds that a backup must keep (reports, claims, audit...).

The backup test computes this in its own process for the original database and runs this
module against the restored one; the two must match. Media files are read back through
the storage API and hashed, so a file that was not restored shows up.
Run as `python -m tests.support.inspect_db`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import django


def _sha256_of(field_file) -> str:  # noqa: ANN001
    with field_file.open("rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def summary() -> dict[str, Any]:
    from django.contrib.auth.models import User

    from core import audit
    from core.models import AuditEntry, OutboxTask
    from intake.models import Report, ReporterContact
    from verification.models import Claim

    reports = []
    for report in Report.objects.order_by("tracking_code").prefetch_related("links", "images"):
        contact = ReporterContact.objects.filter(report=report).values(
            "name", "email", "phone", "consent_to_contact", "consent_text_version").first()
        reports.append({
            "code": report.tracking_code, "channel": report.channel, "text": report.text,
            "province": report.province, "received_at": report.received_at.isoformat(),
            "claim": report.claim.representative_text if report.claim else None,
            "entered_by": report.entered_by.username if report.entered_by else None,
            "links": [[link.url, link.canonical_url, link.position] for link in report.links.all()],
            "images": [{"name": img.file.name, "sha256": img.sha256,
                        "stored_sha256": _sha256_of(img.file), "size": [img.width, img.height]}
                       for img in report.images.all()],
            "contact": contact,
        })
    claims = [{
        "text": c.representative_text, "state": c.state, "report_count": c.report_count,
        "concluded_at": c.concluded_at.isoformat() if c.concluded_at else None,
        "embedding": bytes(c.embedding).hex() if c.embedding else None, "match_urls": c.match_urls,
        "reports": sorted(c.reports.values_list("tracking_code", flat=True)),
    } for c in Claim.objects.order_by("created_at", "pk")]
    verified = audit.verify()
    return {
        "reports": reports,
        "claims": claims,
        "users": [[u.username, u.is_staff, sorted(u.groups.values_list("name", flat=True))]
                  for u in User.objects.order_by("username")],
        "outbox": [[t.key, t.kind, t.done_at is not None]
                   for t in OutboxTask.objects.order_by("key")],
        "audit": {
            "ok": verified.ok, "problems": verified.problems,
            "entries": [[e.seq, e.action, e.actor_label, e.object_type, e.object_id,
                         e.at.isoformat(), e.mac] for e in AuditEntry.objects.order_by("seq")],
        },
    }


if __name__ == "__main__":
    django.setup()
    print(json.dumps(summary(), ensure_ascii=False, default=str))
