"""`manage.py backup FILE`: all application data and its media files in one .tar.gz.

The archive holds `manifest.json` (format, applied migrations, row counts, a SHA-256 of
every media file), `data.json` (a `loaddata` fixture of every model) and `media/<name>`
for each file a row refers to, read through Django's storage API so that an S3 bucket is
backed up like a local folder. It is database-neutral: a SQLite backup restores into
PostgreSQL and back. For large databases prefer the native tools (docs/operations.md).

Two things differ from `dumpdata`, on purpose: timestamps keep their microseconds (the
audit log's HMAC chain covers them, so a millisecond `dumpdata` would break the chain),
and role groups, which migrations create, are matched by name rather than by id.
The dump runs in one read-only REPEATABLE READ transaction on PostgreSQL (a consistent
snapshot while the site runs); on SQLite, in one transaction that holds the write lock.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "tingia-backup"
VERSION = 1
# Rebuilt by `migrate` on the target (and numbered differently there): never copied.
NOT_BACKED_UP = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
# Rows that migrations create on every database: matched by natural key, not by id.
SEEDED_BY_MIGRATIONS = {"auth.group"}
CHUNK = 500


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without its cut of times to milliseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model of every app, in an order `loaddata` can resolve natural keys in."""
    app_list = [(config, None) for config in apps.get_app_configs()
                if config.models_module is not None]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [
        model for model in ordered
        if model._meta.label_lower not in NOT_BACKED_UP
        and not model._meta.proxy and model._meta.managed
        and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)
    ]


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def field_label(field: models.FileField) -> str:
    return f"{field.model._meta.label_lower}.{field.name}"


def applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


@contextmanager
def snapshot() -> Iterator[None]:
    """One transaction for the whole dump, so rows that refer to each other stay consistent."""
    if connection.in_atomic_block:  # the caller's transaction already is the snapshot
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def write_fixture(out: IO[str]) -> tuple[dict[str, int], list[tuple[str, str]], list[str]]:
    """Write every row as one `loaddata` JSON array.

    Returns row counts, the files rows refer to, and the models skipped because their
    table does not exist yet (new code whose migrations have not run: back up first).
    """
    counts: dict[str, int] = {}
    files: list[tuple[str, str]] = []
    tables = set(connection.introspection.table_names())
    not_migrated = []
    first = True
    out.write("[\n")
    for model in backed_up_models():
        label = model._meta.label_lower
        if model._meta.db_table not in tables:
            not_migrated.append(label)
            continue
        natural_pk = label in SEEDED_BY_MIGRATIONS
        fields = file_fields(model)
        rows = model._base_manager.order_by("pk").iterator(chunk_size=CHUNK)
        counts[label] = 0
        while batch := list(islice(rows, CHUNK)):
            for obj in batch:
                for field in fields:
                    name = getattr(obj, field.attname)
                    if name:
                        files.append((field_label(field), str(name)))
            for item in serializers.serialize("python", batch, use_natural_foreign_keys=True,
                                              use_natural_primary_keys=natural_pk):
                out.write("" if first else ",\n")
                json.dump(item, out, cls=ExactJSONEncoder, ensure_ascii=False)
                first = False
            counts[label] += len(batch)
    out.write("\n]\n")
    return counts, sorted(set(files)), not_migrated


def storage_of(label: str):  # noqa: ANN201 - a Django Storage
    """The storage behind a `app.model.field` label (each FileField may have its own)."""
    app_model, _, field_name = label.rpartition(".")
    return apps.get_model(app_model)._meta.get_field(field_name).storage


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def write_archive(path: Path, stderr: Any = None) -> dict[str, Any]:
    """Write the backup to `path` (atomically: a partial file never has the final name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    now = time.time()
    with tempfile.TemporaryDirectory(prefix="tingia-backup-") as tmp:
        fixture = Path(tmp) / "data.json"
        with snapshot():
            with fixture.open("w", encoding="utf-8") as out:
                counts, files, not_migrated = write_fixture(out)
            migrations = applied_migrations()
        manifest: dict[str, Any] = {
            "format": FORMAT, "version": VERSION, "created_at": timezone.now().isoformat(),
            "database": connection.vendor, "migrations": migrations, "counts": counts,
            "not_migrated": not_migrated, "media": [], "missing_media": [],
        }
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(fixture, arcname="data.json")
            for label, name in files:
                storage = storage_of(label)
                try:
                    with storage.open(name, "rb") as fh:
                        data = fh.read()
                except (OSError, ValueError) as exc:  # a row pointing at a lost file: say so, go on
                    manifest["missing_media"].append({"field": label, "name": name})
                    if stderr is not None:
                        stderr.write(f"Missing media file {name!r} ({label}): {exc}")
                    continue
                _add_bytes(tar, f"media/{name}", data, now)
                manifest["media"].append({"field": label, "name": name, "size": len(data),
                                          "sha256": hashlib.sha256(data).hexdigest()})
            described = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            _add_bytes(tar, "manifest.json", described, now)
        os.replace(partial, path)
    return manifest


class Command(BaseCommand):
    help = "Back up all application data and media files into one .tar.gz (restore with `restore`)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file", help="The archive to write, e.g. tingia-2026-11-23.tar.gz")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        from core import audit

        path = Path(options["file"])
        if path.is_dir():
            raise CommandError(f"{path} is a directory; give the archive's file name.")
        try:
            manifest = write_archive(path, stderr=self.stderr)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc}") from exc
        rows = sum(manifest["counts"].values())
        media, missing = len(manifest["media"]), len(manifest["missing_media"])
        audit.record("system.backup", actor_label="manage.py",
                     detail={"rows": rows, "media_files": media, "missing_media": missing})
        self.stdout.write(f"Backed up {rows} rows and {media} media files to {path}.")
        if missing:
            self.stderr.write(f"{missing} referenced media files were missing (see manifest.json).")
