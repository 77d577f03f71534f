"""The intake service: the one way a report enters the system, whatever the channel.

A report is acknowledged only after `submit_report` returns, which is after its transaction
committed. Matching and notifications follow through the outbox written in that transaction.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import outbox
from core.fast_insert import insert_rows

from .forms import CONSENT_TEXT_VERSION
from .images import ProcessedImage
from .models import ApiClient, IdempotencyRecord, Report, ReporterContact, ReportImage, ReportLink

log = logging.getLogger(__name__)

PROCESS_REPORT = "intake.process_report"


@dataclass
class ContactInput:
    name: str = ""
    email: str = ""
    phone: str = ""
    consent: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.email or self.phone)


@dataclass
class ReportSubmission:
    channel: str
    text: str = ""
    urls: list[str] = field(default_factory=list)
    images: list[ProcessedImage] = field(default_factory=list)
    platform: str = ""
    topic: str = ""
    province: str = ""
    language: str = "vi"
    contact: ContactInput | None = None
    api_client: ApiClient | None = None
    entered_by: Any = None

    @classmethod
    def from_form(cls, cleaned: dict[str, Any], channel: str, **extra: Any) -> ReportSubmission:
        contact = ContactInput(
            name=cleaned.get("contact_name", ""), email=cleaned.get("contact_email", ""),
            phone=cleaned.get("contact_phone", ""), consent=bool(cleaned.get("consent")),
        )
        return cls(
            channel=channel, text=cleaned.get("text", ""), urls=cleaned.get("urls", []),
            images=cleaned.get("images", []), platform=cleaned.get("platform", ""),
            topic=cleaned.get("topic", ""), province=cleaned.get("province", ""),
            contact=None if contact.is_empty else contact, **extra,
        )


@functools.lru_cache(maxsize=4096)
def _canonical(url: str) -> str:
    """The link's canonical form, remembered: the same viral links arrive again and again, and
    `canonical_url` decides from the text alone (no fetch, no clock), so a cached answer is the answer."""
    try:
        from claimmatch.links import canonical_url

        return canonical_url(url).url
    except Exception:  # noqa: BLE001 - canonical form is a matching aid, never a reason to refuse
        return url


@contextmanager
def _files_removed_on_failure() -> Iterator[list[tuple[Storage, str]]]:
    """Collect the files a submission stores; delete them if it fails before its commit ended.

    Screenshots are written to storage inside the report's transaction (the row must name
    its file, and a file must exist before the report is acknowledged); a rollback would
    otherwise leave them behind with no row pointing at them.
    """
    saved: list[tuple[Storage, str]] = []
    try:
        yield saved
    except BaseException:
        for storage, name in saved:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 - the original failure is what matters
                log.warning("Could not remove the orphaned upload %s.", name, exc_info=True)
        raise


def _store_report(sub: ReportSubmission, saved: list[tuple[Storage, str]]) -> Report:
    """The inserts of one report, in the caller's transaction; files stored are added to `saved`."""
    report = Report(
        channel=sub.channel, text=sub.text, platform=sub.platform, topic=sub.topic,
        province=sub.province, language=sub.language, api_client=sub.api_client,
        entered_by=sub.entered_by if getattr(sub.entered_by, "is_authenticated", False) else None,
    )
    insert_rows([report])
    if sub.urls:
        insert_rows([ReportLink(report=report, url=url, canonical_url=_canonical(url), position=i)
                 for i, url in enumerate(sub.urls)])
    for i, img in enumerate(sub.images):
        stored = ReportImage(report=report, content_type=img.content_type, width=img.width,
                             height=img.height, sha256=img.sha256, position=i)
        stored.file.save(f"{img.sha256[:24]}.{img.extension}", ContentFile(img.content), save=False)
        saved.append((stored.file.storage, stored.file.name))
        stored.save()
    if sub.contact is not None:
        insert_rows([ReporterContact(
            report=report, name=sub.contact.name, email=sub.contact.email, phone=sub.contact.phone,
            consent_to_contact=sub.contact.consent,
            consent_text_version=CONSENT_TEXT_VERSION if sub.contact.consent else "",
        )])
    # The key names the report inserted just above, so it cannot exist yet: no savepoint.
    outbox.schedule(PROCESS_REPORT, f"report:{report.pk}", {"report_id": report.pk}, new_key=True)
    return report


def submit_report(sub: ReportSubmission) -> Report:
    """Store a validated report durably and schedule its follow-up work.

    Called inside a caller's own transaction, the report commits (or rolls back) with it;
    files stored are removed if this call fails, not if the caller rolls back later.
    """
    with _files_removed_on_failure() as saved, transaction.atomic():
        return _store_report(sub, saved)


class IdempotencyConflict(Exception):
    """The same key was used before with a different body."""


def body_fingerprint(payload: Any, files: list[ProcessedImage] | None = None) -> str:
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())
    for img in files or []:
        digest.update(img.sha256.encode())
    return digest.hexdigest()


def submit_idempotent(sub: ReportSubmission, *, scope: str, key: str, body_hash: str,
                      render: Any) -> tuple[dict[str, Any], bool]:
    """Submit once per (scope, key); a retry gets the first answer back.

    The record is inserted last, in the report's own transaction, with the answer it
    replays: a concurrent retry with the same key waits on the unique index (PostgreSQL) or
    the write lock (SQLite) until the first commits, then rolls its own report back and
    reads the stored answer. Returns (response body, replayed).
    """
    try:
        with _files_removed_on_failure() as saved, transaction.atomic():
            report = _store_report(sub, saved)
            response = render(report)
            insert_rows([IdempotencyRecord(scope=scope, key=key, body_hash=body_hash, report=report,
                                       response=response)])
            return response, False
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if record is None:  # the other attempt rolled back: ours may go ahead
            return submit_idempotent(sub, scope=scope, key=key, body_hash=body_hash, render=render)
        if record.body_hash != body_hash:
            raise IdempotencyConflict from None
        return record.response, True


def purge_idempotency_records(hours: int = 24) -> int:
    cutoff = timezone.now() - timedelta(hours=hours)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
