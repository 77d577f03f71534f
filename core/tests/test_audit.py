"""The audit chain detects altered, inserted, deleted and truncated entries."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from core import audit
from core.models import AuditEntry


def _rows(n=5):
    for i in range(n):
        audit.record("claim.edit", object_type="verification.claim", object_id=i, detail={"field": "title"})


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_intact_chain_verifies():
    _rows()
    result = audit.verify(audit.head())
    assert result.ok and result.checked == 5


@pytest.mark.django_db
def test_the_application_cannot_edit_entries():
    _rows(1)
    entry = AuditEntry.objects.get()
    entry.action = "other"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db
def test_altered_entry_is_detected():
    _rows()
    _sql("UPDATE core_auditentry SET action = %s WHERE seq = 3", ["claim.publish"])
    result = audit.verify()
    assert not result.ok
    assert any("entry 3" in p and "altered" in p for p in result.problems)


@pytest.mark.django_db
def test_deleted_entry_is_detected():
    _rows()
    _sql("DELETE FROM core_auditentry WHERE seq = 2")
    result = audit.verify()
    assert not result.ok
    assert any("entry 3" in p for p in result.problems)


@pytest.mark.django_db
def test_inserted_entry_is_detected():
    _rows(3)
    last = AuditEntry.objects.order_by("-seq").first()
    _sql("UPDATE core_auditentry SET seq = seq + 100 WHERE seq = 3")  # make room after 2
    forged = AuditEntry(seq=3, action="claim.publish", prev_mac=last.prev_mac, mac="f" * 64,
                        at=last.at, detail={})
    AuditEntry.objects.bulk_create([forged])
    result = audit.verify()
    assert not result.ok


@pytest.mark.django_db
def test_truncation_relative_to_exported_head_is_detected():
    _rows(5)
    head = audit.head()
    _sql("DELETE FROM core_auditentry WHERE seq > 3")
    assert audit.verify().ok  # the remaining chain is consistent on its own...
    result = audit.verify(head)  # ...but not with the head exported before
    assert not result.ok and any("truncated" in p for p in result.problems)


@pytest.mark.django_db
def test_verify_command(tmp_path):
    _rows(3)
    head_file = tmp_path / "head.json"
    call_command("audit", "export-head", str(head_file))
    call_command("audit", "verify", "--head", str(head_file))
    _sql("DELETE FROM core_auditentry WHERE seq = 3")
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--head", str(head_file))


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_do_not_fork_the_chain():
    errors = []

    def work():
        try:
            for _ in range(10):
                audit.record("claim.view", object_type="verification.claim", object_id=1)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = audit.verify()
    assert result.ok and result.checked == 40
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 41))
