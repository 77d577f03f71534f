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
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery
from django.utils import timezone

from core import outbox

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


_INSERT_SQL: dict[tuple[str, type[Model], int], tuple[str, list, bool]] = {}


def _insert(objs: list[Model]) -> None:
    """INSERT rows of one model and set their ids, with the SQL the ORM wrote once per shape.

    `Model.save()` compiles the same INSERT for every report: profiled, that compilation and
    the save machinery around it were the largest part of the web process's CPU per report
    (docs/benchmarks.md, "bench/intake.py"). Here the ORM's own compiler writes the statement
    the first time a (database, model, row count) is seen; later calls only convert the
    values the way it does (`field.pre_save`, then `get_db_prep_save`) and execute. The model
    stays the source of truth: no column name or placeholder is written by hand. Only for the
    intake models, which have no save() override and no save signal receivers (a test checks).
    """
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    key = (alias, model, len(objs))
    cached = _INSERT_SQL.get(key)
    if cached is None:
        query = InsertQuery(model)
        query.insert_values(fields, objs)
        compiler = query.get_compiler(using=alias)
        compiler.returning_fields = meta.db_returning_fields
        [(sql, params)] = compiler.as_sql()
        n = len(objs)
        if len(params) == len(fields) * n and not (n > 1 and len(params) == len(fields)):
            by_column = False  # VALUES (%s, …), (%s, …): the values row after row
        elif n > 1 and len(params) == len(fields) and all(isinstance(p, list) and len(p) == n for p in params):
            by_column = True  # PostgreSQL's UNNEST((%s)::type[], …): one array per column
        else:  # a field with its own placeholder: not for this path
            raise RuntimeError(f"{model.__name__}: the ORM's INSERT does not take one value per field")
        cached = _INSERT_SQL[key] = (sql, fields, by_column)
    sql, fields, by_column = cached
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    params = [list(column) for column in zip(*rows)] if by_column else [v for row in rows for v in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for obj, row in zip(objs, rows, strict=True):
        for value, field in zip(row, meta.db_returning_fields, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = alias


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
    _insert([report])
    if sub.urls:
        _insert([ReportLink(report=report, url=url, canonical_url=_canonical(url), position=i)
                 for i, url in enumerate(sub.urls)])
    for i, img in enumerate(sub.images):
        stored = ReportImage(report=report, content_type=img.content_type, width=img.width,
                             height=img.height, sha256=img.sha256, position=i)
        stored.file.save(f"{img.sha256[:24]}.{img.extension}", ContentFile(img.content), save=False)
        saved.append((stored.file.storage, stored.file.name))
        stored.save()
    if sub.contact is not None:
        _insert([ReporterContact(
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
            _insert([IdempotencyRecord(scope=scope, key=key, body_hash=body_hash, report=report,
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
