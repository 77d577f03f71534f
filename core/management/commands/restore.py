"""`manage.py restore FILE [--force]`: load a `backup` archive into an empty, migrated database.

Order matters: the archive is checked first (format, migrations, every media file against
its SHA-256 in the manifest), media files are written through the storage API next, and
the rows last, in one transaction (`loaddata`), so a failure never leaves rows pointing
at files that are not there. A database that already holds data is refused: loading on
top would mix two histories (two audit chains cannot both verify). --force loads anyway,
overwriting rows that have the same ids, for finishing an interrupted restore.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core.files import File
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from .backup import FORMAT, SEEDED_BY_MIGRATIONS, VERSION, backed_up_models, storage_of


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember("manifest.json")
        manifest = json.loads(tar.extractfile(member).read())
    except (KeyError, AttributeError, ValueError) as exc:
        raise CommandError(f"Not a tingia backup (no readable manifest.json): {exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise CommandError(f"Unsupported backup format {manifest.get('format')!r} version "
                           f"{manifest.get('version')!r} (this code reads {FORMAT} {VERSION}).")
    return manifest


def check_migrations(manifest: dict[str, Any]) -> None:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        raise CommandError("The database is not migrated: run `manage.py migrate` first.")
    applied = {f"{app}.{name}" for app, name in recorder.applied_migrations()}
    missing = sorted(set(manifest.get("migrations", [])) - applied)
    if missing:
        raise CommandError("The database lacks migrations the backup was made with "
                           f"({', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}): "
                           "run `manage.py migrate` with code at least as new as the backup's.")


def rows_present() -> dict[str, int]:
    """Models that already hold data (rows that migrations create do not count)."""
    present = {}
    tables = set(connection.introspection.table_names())
    for model in backed_up_models():
        label = model._meta.label_lower
        if label in SEEDED_BY_MIGRATIONS or model._meta.db_table not in tables:
            continue
        count = model._base_manager.count()
        if count:
            present[label] = count
    return present


def safe_media_name(member_name: str) -> str:
    """The storage name of an archive member under media/, refusing anything that escapes it."""
    path = PurePosixPath(member_name)
    if path.parts[:1] != ("media",) or len(path.parts) < 2 or "\\" in member_name:
        raise CommandError(f"Unexpected archive member {member_name!r}.")
    if any(part in ("", ".", "..") for part in path.parts) or path.is_absolute():
        raise CommandError(f"Refusing unsafe file name {member_name!r} in the archive.")
    return str(PurePosixPath(*path.parts[1:]))


def restore_media(tar: tarfile.TarFile, manifest: dict[str, Any], force: bool) -> int:
    """Write every media file through its field's storage; verify each against the manifest."""
    expected = {item["name"]: item for item in manifest.get("media", [])}
    members = [m for m in tar.getmembers() if m.name.startswith("media/")]
    names = {}
    for member in members:
        if not member.isfile():
            raise CommandError(f"Refusing non-file archive member {member.name!r}.")
        name = safe_media_name(member.name)
        if name not in expected:
            raise CommandError(f"Archive member {member.name!r} is not listed in the manifest.")
        names[name] = member
    if set(expected) - set(names):
        absent = sorted(set(expected) - set(names))
        raise CommandError(f"The archive lacks media files its manifest lists: {absent[:5]}")
    # Check every file before writing any (streamed: media can be larger than memory).
    for name, member in names.items():
        if _sha256(tar.extractfile(member)) != expected[name]["sha256"]:
            raise CommandError(f"Media file {name!r} does not match its checksum: the archive "
                               "is damaged.")
    written = 0
    for name, member in names.items():
        storage = storage_of(expected[name]["field"])
        if storage.exists(name):
            with storage.open(name, "rb") as fh:
                if _sha256(fh) == expected[name]["sha256"]:
                    continue  # already there, identical
            if not force:
                raise CommandError(f"A different file already exists at {name!r}; use --force "
                                   "to replace it.")
            storage.delete(name)
        saved = storage.save(name, File(tar.extractfile(member), name=name))
        if saved != name:
            raise CommandError(f"The storage saved {name!r} as {saved!r}: the rows would not "
                               "find it.")
        written += 1
    return written


def _sha256(fh: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: fh.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def check_counts(manifest: dict[str, Any]) -> None:
    for label, count in manifest.get("counts", {}).items():
        try:
            model = apps.get_model(label)
        except LookupError:
            raise CommandError(f"The backup holds {label}, unknown to this code.") from None
        now = model._base_manager.count()
        if now < count or (now != count and label not in SEEDED_BY_MIGRATIONS):
            raise CommandError(f"After loading, {label} has {now} rows; the backup had {count}.")


class Command(BaseCommand):
    help = "Restore a `backup` archive into an empty, migrated database (and its media storage)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true",
                            help="Load into a database that already has data (rows with the "
                                 "same ids are overwritten, others kept).")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        from core import audit

        path = Path(options["file"])
        force = options["force"]
        try:
            tar = tarfile.open(path, "r:gz")
        except (OSError, tarfile.TarError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        with tar, tempfile.TemporaryDirectory(prefix="tingia-restore-") as tmp:
            manifest = read_manifest(tar)
            check_migrations(manifest)
            present = rows_present()
            if present and not force:
                listed = ", ".join(f"{label} ({n})" for label, n in sorted(present.items())[:6])
                raise CommandError(f"The database is not empty: {listed}. Restore into a new, "
                                   "migrated database, or use --force to load on top of this one.")
            try:
                member = tar.getmember("data.json")
            except KeyError:
                raise CommandError("The archive has no data.json.") from None
            fixture = Path(tmp) / "data.json"
            with fixture.open("wb") as out:
                shutil.copyfileobj(tar.extractfile(member), out)
            media = restore_media(tar, manifest, force)
            call_command("loaddata", str(fixture), verbosity=0)
            if not force:
                check_counts(manifest)
        rows = sum(manifest.get("counts", {}).values())
        audit.record("system.restore", actor_label="manage.py", detail={
            "rows": rows, "media_files": len(manifest.get("media", [])),
            "backup_created_at": manifest.get("created_at"), "forced": force,
        })
        self.stdout.write(f"Restored {rows} rows and {len(manifest.get('media', []))} media files "
                          f"({media} written) from {path}.")
