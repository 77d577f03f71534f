"""The transactional outbox in one process: commit coupling, exactly-once effect, retries.

The handlers below do real database work (an audit entry) so that "ran once" and "rolled
back" are read from the database, not from a counter. Crashes of real processes are
tested in tests/test_durability.py.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core import audit, outbox
from core.models import AuditEntry, OutboxTask
from intake.models import Report
from intake.services import PROCESS_REPORT, ReportSubmission, submit_report

pytestmark = pytest.mark.django_db

RAN = "test.outbox_handler_ran"


@outbox.handler("test.record")
def _record(payload: dict) -> None:
    audit.record(RAN, object_id=payload["n"])


@outbox.handler("test.broken")
def _broken(payload: dict) -> None:
    audit.record(RAN, object_id=payload["n"])  # must roll back with the failure
    raise RuntimeError("the partner service said no")


def effects(n: int) -> int:
    return AuditEntry.objects.filter(action=RAN, object_id=str(n)).count()


def backdate(task: OutboxTask, seconds: int, **fields) -> None:  # noqa: ANN003
    """Let time pass for a row: what the sweeper sees after `seconds` of silence."""
    past = timezone.now() - timedelta(seconds=seconds)
    OutboxTask.objects.filter(pk=task.pk).update(created_at=past, **fields)


def test_a_report_and_its_outbox_row_commit_or_roll_back_together(
        django_capture_on_commit_callbacks):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            submit_report(ReportSubmission(channel="web", text="Tin đồn bị huỷ giữa chừng"))
            raise RuntimeError("the request failed after the insert")
    assert not Report.objects.exists()
    assert not OutboxTask.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = submit_report(ReportSubmission(channel="web", text="Tin đồn được lưu"))
    task = OutboxTask.objects.get()
    assert (task.kind, task.key) == (PROCESS_REPORT, f"report:{report.pk}")
    assert task.payload == {"report_id": report.pk}
    assert task.enqueued_at is None  # the queue is told by the commit hook, not before
    assert len(callbacks) == 1


def test_the_queue_is_told_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task = outbox.schedule("test.record", "record:1", {"n": 1})
        assert effects(1) == 0
    task.refresh_from_db()
    assert task.enqueued_at is None and task.done_at is None
    callbacks[0]()  # the commit: enqueue, which the eager test queue runs at once
    task.refresh_from_db()
    assert task.done_at is not None and task.attempts == 1
    assert effects(1) == 1


def test_one_key_makes_one_task():
    first = outbox.schedule("test.record", "record:2", {"n": 2})
    again = outbox.schedule("test.record", "record:2", {"n": 2})
    assert first.pk == again.pk and OutboxTask.objects.count() == 1


def test_an_unknown_kind_is_refused():
    with pytest.raises(LookupError):
        outbox.schedule("test.nobody_handles_this", "x:1")


def test_a_task_takes_effect_once_however_often_it_is_delivered():
    task = outbox.schedule("test.record", "record:3", {"n": 3})
    assert outbox.run(task.pk) == "done"
    assert outbox.run(task.pk) == "skipped"
    assert outbox.run(task.pk) == "skipped"
    task.refresh_from_db()
    assert task.attempts == 1 and effects(3) == 1
    assert outbox.run(999_999) == "skipped"


def test_a_failing_task_backs_off_then_ends_visibly_failed(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    task = outbox.schedule("test.broken", "broken:4", {"n": 4})

    before = timezone.now()
    assert outbox.run(task.pk) == "error"
    task.refresh_from_db()
    assert task.attempts == 1 and "the partner service said no" in task.last_error
    assert task.started_at is None and task.failed_at is None
    first_wait = task.available_at - before
    assert first_wait >= timedelta(seconds=outbox.backoff_seconds(1))
    assert effects(4) == 0  # the handler's own writes rolled back with it

    assert task.pk not in outbox.due(retry_after=0)  # still backing off
    assert outbox.run(task.pk) == "deferred"  # an early duplicate message is not an attempt
    task.refresh_from_db()
    assert task.attempts == 1
    assert task.pk in outbox.due(retry_after=0, now=task.available_at + timedelta(seconds=1))

    OutboxTask.objects.filter(pk=task.pk).update(available_at=timezone.now())  # the wait is over
    second = timezone.now()
    assert outbox.run(task.pk) == "error"
    task.refresh_from_db()
    assert task.attempts == 2 and task.available_at - second > first_wait  # longer each time

    OutboxTask.objects.filter(pk=task.pk).update(available_at=timezone.now())
    assert outbox.run(task.pk) == "failed"
    task.refresh_from_db()
    assert task.attempts == 3 and task.failed_at is not None and task.done_at is None
    far_future = timezone.now() + timedelta(days=30)
    assert task.pk not in outbox.due(retry_after=0, now=far_future)
    assert outbox.run(task.pk) == "skipped"

    out = StringIO()
    call_command("outbox", "status", stdout=out)
    assert f"FAILED #{task.pk} test.broken broken:4 after 3 attempts" in out.getvalue()
    assert "failed: 1" in out.getvalue()


def test_retry_failed_gives_a_fresh_set_of_attempts(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    task = outbox.schedule("test.broken", "broken:5", {"n": 5})
    assert outbox.run(task.pk) == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("outbox", "retry-failed", str(task.pk), stdout=StringIO())
    task.refresh_from_db()
    # Re-enqueued and run again by the eager queue: it fails again, on its first new attempt.
    assert task.attempts == 1 and task.failed_at is not None
    assert AuditEntry.objects.filter(action="outbox.retry_failed").count() == 1


def test_a_run_killed_mid_task_is_handed_back_by_the_sweeper():
    task = outbox.schedule("test.record", "record:6", {"n": 6})
    # What a worker killed after its started marker leaves behind, 2 minutes later.
    backdate(task, 180, attempts=1, started_at=timezone.now() - timedelta(seconds=120),
             enqueued_at=timezone.now() - timedelta(seconds=170))
    assert outbox.sweep(retry_after=60) == 1  # the eager test queue runs it at once
    task.refresh_from_db()
    assert task.done_at is not None and task.attempts == 2 and effects(6) == 1
    assert outbox.sweep(retry_after=0) == 0


def test_the_sweeper_leaves_fresh_work_alone():
    running = outbox.schedule("test.record", "record:7", {"n": 7})
    backdate(running, 180, attempts=1, started_at=timezone.now())  # a worker is on it now
    queued = outbox.schedule("test.record", "record:8", {"n": 8})
    backdate(queued, 180, enqueued_at=timezone.now())  # in the queue since just now
    just_made = outbox.schedule("test.record", "record:9", {"n": 9})  # its commit hook is still due
    assert set(outbox.due(retry_after=60)).isdisjoint({running.pk, queued.pk, just_made.pk})
    assert outbox.sweep(retry_after=60) == 0


def test_a_task_whose_runs_keep_dying_is_given_up(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    task = outbox.schedule("test.record", "record:10", {"n": 10})
    backdate(task, 600, attempts=3, started_at=timezone.now() - timedelta(seconds=300))
    assert outbox.run(task.pk) == "failed"
    task.refresh_from_db()
    assert task.failed_at is not None and task.attempts == 3 and effects(10) == 0
    assert "interrupted" in task.last_error


def test_run_pending_catches_up_without_a_worker():
    tasks = [outbox.schedule("test.record", f"record:{n}", {"n": n}) for n in (11, 12)]
    for task in tasks:
        backdate(task, 30)  # their enqueue was lost (no commit hook ran in this test)
    out = StringIO()
    call_command("outbox", "status", stdout=out)
    assert "not_enqueued: 2" in out.getvalue()
    call_command("outbox", "run-pending", stdout=out)
    assert "Ran 2 task(s)" in out.getvalue()
    assert effects(11) == 1 and effects(12) == 1
    assert OutboxTask.objects.filter(done_at__isnull=False).count() == 2


def test_queue_names_carry_the_deployment_prefix(settings):
    settings.QUEUE_PREFIX = "staging-"
    assert outbox.queue_name("matching") == "staging-matching"


# --- The relay (TINGIA_OUTBOX_PUBLISH=relay) ---------------------------------------------------

@pytest.fixture
def relay_mode(settings):
    settings.OUTBOX_PUBLISH = "relay"
    return settings


def test_in_relay_mode_the_request_commits_the_row_and_publishes_nothing(
        relay_mode, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = submit_report(ReportSubmission(channel="api", text="Tin đồn chờ relay"))
    assert callbacks == []  # no broker work on the request's path
    task = OutboxTask.objects.get(key=f"report:{report.pk}")
    assert task.enqueued_at is None and task.done_at is None
    assert outbox.status_counts()["not_enqueued"] == 1


def test_the_relay_publishes_each_committed_row_once_and_marks_it(relay_mode):
    tasks = [outbox.schedule("test.record", f"record:{n}", {"n": n}) for n in (20, 21, 22)]
    assert outbox.relay(batch=2) == 2  # the eager test queue runs the published batch at once
    assert outbox.relay(batch=2) == 1
    assert outbox.relay(batch=2) == 0
    for task in tasks:
        task.refresh_from_db()
        assert task.enqueued_at is not None and task.done_at is not None and task.attempts == 1
    assert [effects(n) for n in (20, 21, 22)] == [1, 1, 1]


def test_the_relay_leaves_alone_what_is_not_due(relay_mode):
    backing_off = outbox.schedule("test.record", "record:23", {"n": 23})
    OutboxTask.objects.filter(pk=backing_off.pk).update(
        attempts=1, available_at=timezone.now() + timedelta(seconds=60))
    running = outbox.schedule("test.record", "record:24", {"n": 24})
    OutboxTask.objects.filter(pk=running.pk).update(attempts=1, started_at=timezone.now())
    finished = outbox.schedule("test.record", "record:25", {"n": 25})
    OutboxTask.objects.filter(pk=finished.pk).update(done_at=timezone.now())
    assert outbox.relay() == 0
    assert effects(23) == effects(24) == effects(25) == 0
    # Once its backoff is over, the retry is the relay's to publish.
    OutboxTask.objects.filter(pk=backing_off.pk).update(available_at=timezone.now())
    assert outbox.relay() == 1 and effects(23) == 1


def test_a_broker_failure_leaves_the_rows_for_the_next_round(relay_mode, monkeypatch):
    from core.tasks import run_outbox_tasks

    task = outbox.schedule("test.record", "record:26", {"n": 26})

    def broker_down(*args, **kwargs):  # noqa: ANN002, ANN003
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(run_outbox_tasks, "apply_async", broker_down)
    assert outbox.relay() == 0
    task.refresh_from_db()
    assert task.enqueued_at is None and effects(26) == 0
    monkeypatch.undo()
    assert outbox.relay() == 1 and effects(26) == 1


def test_one_message_per_queue_carries_the_batch(relay_mode, monkeypatch):
    from core.tasks import run_outbox_tasks

    sent = []
    monkeypatch.setattr(run_outbox_tasks, "apply_async",
                        lambda args, queue: sent.append((queue, list(args[0]))))
    a = outbox.schedule("test.record", "record:27", {"n": 27})
    b = outbox.schedule("test.record", "record:28", {"n": 28})
    report = submit_report(ReportSubmission(channel="api", text="Tin đồn cho hàng đợi matching"))
    matching = OutboxTask.objects.get(key=f"report:{report.pk}")
    assert outbox.relay() == 3
    assert sorted(sent) == sorted([("default", [a.pk, b.pk]), ("matching", [matching.pk])])
    assert OutboxTask.objects.filter(enqueued_at__isnull=True).count() == 0


def test_the_relay_command_refuses_a_bad_interval():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("outbox", "relay", "--interval", "0", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_concurrent_relays_skip_the_rows_another_one_holds(settings):
    """PostgreSQL: a row claimed by one relay (locked, not committed) is skipped, not waited on."""
    import threading

    from django.db import connection, connections

    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("SQLite has no row locks: one relay per database file")
    settings.OUTBOX_PUBLISH = "relay"
    held = outbox.schedule("test.record", "record:30", {"n": 30})
    free = outbox.schedule("test.record", "record:31", {"n": 31})
    locked, release = threading.Event(), threading.Event()

    def other_relay() -> None:
        try:
            with transaction.atomic():
                list(OutboxTask.objects.select_for_update().filter(pk=held.pk))
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_relay)
    thread.start()
    try:
        assert locked.wait(10)
        assert outbox.relay() == 1  # returns at once with the free row only
        assert effects(31) == 1 and effects(30) == 0
    finally:
        release.set()
        thread.join(10)
    assert outbox.relay() == 1 and effects(30) == 1
