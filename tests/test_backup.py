"""Backup and restore: everything comes back, into a second database, and the audit chain holds.

The original database is the test database; the restored one is a second SQLite file (or,
on the PostgreSQL run, a database created and dropped here), migrated and restored by
`manage.py` in child processes, then read back by tests/support/inspect_db.py.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from PIL import Image

from core import audit
from intake.images import ProcessedImage, process_upload
from intake.models import Report
from intake.services import ContactInput, ReportSubmission, submit_report
from tests.support import processes as procs
from tests.support.inspect_db import summary
from verification.models import Claim, ClaimState

pytestmark = pytest.mark.django_db


def screenshot(colour: str, size: tuple[int, int] = (72, 40)) -> ProcessedImage:
    raw = io.BytesIO()
    Image.new("RGB", size, colour).save(raw, format="PNG")
    return process_upload(raw.getvalue(), "anh-chup.png")


@pytest.fixture
def centre_data():
    """A little of everything a backup must keep: staff, reports, images, links, contact, claim."""
    editor = User.objects.create_user("bientap.lan", password="mat-khau-du-dai-2026", is_staff=True)
    editor.groups.add(Group.objects.get(name="editor"))
    first = submit_report(ReportSubmission(
        channel="web", text="Tin đồn: xăng sẽ tăng giá gấp đôi từ nửa đêm nay, đi đổ xăng ngay",
        urls=["https://www.facebook.com/trangtin/posts/98765?fbclid=xyz"], province="ha-noi",
        images=[screenshot("red"), screenshot("navy", (40, 90))],
        contact=ContactInput(name="Nguyễn Thị Hoa", email="hoa@example.com", phone="+84912000111",
                             consent=True),
        entered_by=editor,
    ))
    second = submit_report(ReportSubmission(
        channel="api", text="Xăng tăng giá gấp đôi tối nay?", images=[screenshot("green")],
    ))
    claim = Claim.objects.create(
        representative_text=first.text, state=ClaimState.PUBLISHED, report_count=2,
        concluded_at=timezone.now() - timedelta(days=3), embedding=bytes(range(64)),
        match_urls=["https://www.facebook.com/trangtin/posts/98765"],
    )
    Report.objects.filter(pk__in=[first.pk, second.pk]).update(claim=claim)
    audit.record("claim.create", actor=editor, obj=claim, detail={"reports": 2})
    audit.record("claim.publish", actor=editor, obj=claim,
                 detail={"label": "fabricated", "ghi_chú": "tin giả"})
    return {"reports": [first, second], "claim": claim}


@pytest.fixture
def empty_database_url(tmp_path):
    """A database URL with nothing in it yet: a new SQLite file, or a new PostgreSQL database."""
    if connection.vendor == "sqlite":
        yield procs.database_url(str(tmp_path / "restored.sqlite3"))
        return
    import psycopg
    from psycopg import sql

    conf = connection.settings_dict
    name = f"{conf['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(host=conf.get("HOST") or "127.0.0.1", port=conf.get("PORT") or 5432,
                            user=conf.get("USER") or None, password=conf.get("PASSWORD") or None,
                            dbname="postgres", autocommit=True)
    try:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield procs.database_url(name)
    finally:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        admin.execute(drop)
        admin.close()


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=procs.ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_backup_restores_into_an_empty_database(centre_data, tmp_path, empty_database_url):
    archive = tmp_path / "backups" / "tingia.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    original = summary()

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "data.json" in names
    assert len([n for n in names if n.startswith("media/")]) == 3 == len(manifest["media"])
    assert manifest["counts"]["intake.report"] == 2
    assert manifest["counts"]["intake.reportercontact"] == 1
    assert not archive.with_name(archive.name + ".partial").exists()

    env = procs.child_env(tmp_path / "var", DATABASE_URL=empty_database_url,
                          TINGIA_MEDIA_ROOT=str(tmp_path / "restored-media"))
    migrated = manage(env, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    restored = manage(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    inspected = procs.run_module("tests.support.inspect_db", env=env)
    assert inspected.returncode == 0, inspected.stderr
    copy = json.loads(inspected.stdout)

    assert copy["reports"] == original["reports"]  # texts, links, contact, images read back
    stored = [img["stored_sha256"] == img["sha256"] for r in copy["reports"] for img in r["images"]]
    assert len(stored) == 3 and all(stored)
    assert copy["claims"] == original["claims"]
    assert copy["users"] == original["users"]
    assert copy["outbox"] == original["outbox"]  # pending follow-up work survives too
    assert copy["audit"]["ok"], copy["audit"]["problems"]
    assert original["audit"]["entries"][-1][1] == "system.backup"  # written after the snapshot
    assert copy["audit"]["entries"][-1][1] == "system.restore"
    assert copy["audit"]["entries"][:-1] == original["audit"]["entries"][:-1]
    assert any(r["images"] for r in copy["reports"]) and any(r["contact"] for r in copy["reports"])

    again = manage(env, "restore", str(archive))
    assert again.returncode != 0 and "not empty" in again.stderr


def test_restore_refuses_a_database_that_has_data(centre_data, tmp_path):
    archive = tmp_path / "tingia.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=StringIO())


def test_restore_refuses_a_damaged_archive(centre_data, tmp_path):
    archive = tmp_path / "tingia.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data[:-1] + bytes([data[-1] ^ 0xFF])  # one flipped byte
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    reports_before = Report.objects.count()
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(damaged), "--force", stdout=StringIO())
    assert Report.objects.count() == reports_before


def _archive_with(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "crafted.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_restore_refuses_files_outside_the_media_folder(tmp_path):
    manifest = {"format": "tingia-backup", "version": 1, "migrations": [], "counts": {},
                "media": [{"field": "intake.reportimage.file", "name": "../../evil.sh",
                           "sha256": "0", "size": 1}]}
    crafted = _archive_with(tmp_path, {"manifest.json": json.dumps(manifest).encode(),
                                       "data.json": b"[]", "media/../../evil.sh": b"x"})
    with pytest.raises(CommandError, match="unsafe"):
        call_command("restore", str(crafted), stdout=StringIO())
    assert not (tmp_path.parent / "evil.sh").exists()


def test_restore_refuses_something_that_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"plain text, not gzip")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("restore", str(not_a_backup), stdout=StringIO())
    other = _archive_with(tmp_path, {"manifest.json": b'{"format": "another", "version": 1}'})
    with pytest.raises(CommandError, match="Unsupported backup format"):
        call_command("restore", str(other), stdout=StringIO())


def test_backup_before_migrate_skips_tables_that_do_not_exist_yet(centre_data, tmp_path):
    """New code, old database: a backup taken before `migrate` must still work."""
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("DROP TABLE core_personaldatapurge")
    archive = tmp_path / "before-migrate.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "core.personaldatapurge" in manifest["not_migrated"]
    assert "intake.report" not in manifest["not_migrated"]
    assert manifest["counts"]["intake.report"] == 2
