"""Nothing is lost: real processes killed with SIGKILL at the worst moments, then restarted.

(a) The web process dies after its transaction committed and before it told the broker:
    the report is in the database, no message exists; a restarted worker's sweeper finds
    the outbox row and the report gets its claim.
(b) A worker dies in the middle of a task, after its started marker and with the work done
    but not committed: a restarted worker completes it, exactly once in effect.

The embedded default (SQLite file + Celery's file-system transport) is tested on the SQLite
run; RabbitMQ and Redis on the PostgreSQL run (DATABASE_URL=postgres://...). A broker that
is not reachable is skipped with the reason. The file-system transport deletes a message
when it is read, so there the restarted worker's sweeper (beat) recovers the task; RabbitMQ
(acks_late, connection gone) and Redis (after its visibility timeout) redeliver it, so the
restarted worker there runs without beat and the sweeper cannot be what saved it.

(c) With TINGIA_OUTBOX_PUBLISH=relay the web process publishes nothing: a `manage.py outbox
    relay` process does, and a relay killed with SIGKILL loses nothing either (the rows wait
    in the table for the next relay).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from core.models import OutboxTask
from intake.models import Report
from tests.support import processes as procs
from verification.models import Claim

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
BROKERS = ["filesystem"] if ON_SQLITE else ["amqp", "redis"]
VISIBILITY_TIMEOUT = 3  # seconds, Redis only: short so a lost worker's message comes back soon


@pytest.fixture(params=BROKERS)
def crash_env(request, tmp_path):
    broker = request.param
    why = procs.unreachable_reason(broker)
    if why:
        pytest.skip(f"{broker} broker unavailable: {why}")
    env = procs.child_env(
        tmp_path / "var", broker,
        TINGIA_OUTBOX_RETRY_AFTER="2", TINGIA_OUTBOX_SWEEP_SECONDS="1",
        TINGIA_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    env["TEST_BROKER"] = broker
    yield env
    procs.delete_queues(env)


def outbox_row(report_id: int) -> OutboxTask:
    return OutboxTask.objects.get(key=f"report:{report_id}")


def assert_matched_once(report_id: int, attempts: int) -> None:
    report = Report.objects.get(pk=report_id)
    task = outbox_row(report_id)
    assert task.done_at is not None and task.failed_at is None, task.last_error
    assert task.attempts == attempts
    assert report.claim_id is not None
    claim = Claim.objects.get()  # exactly one claim for the one report
    assert claim.pk == report.claim_id and claim.report_count == 1


def test_web_killed_after_commit_before_enqueue(crash_env, tmp_path):
    text = "Tin đồn: uống nước lá ổi mỗi sáng khỏi hẳn bệnh tiểu đường, không cần thuốc"
    web = procs.run_module("tests.support.submit", "--kill-before-enqueue", text, env=crash_env)
    assert web.returncode == -signal.SIGKILL, web.stderr
    assert web.stdout == ""  # it died before answering the reporter

    report = Report.objects.get(text=text)  # ... but after the commit: the report is safe
    task = outbox_row(report.pk)
    assert task.enqueued_at is None and task.started_at is None and report.claim_id is None

    log = tmp_path / "worker.log"
    with procs.celery_worker(crash_env, log, beat=True):
        procs.wait_for(lambda: outbox_row(report.pk).done_at, 60, "the swept task to finish",
                       (log,))
    assert_matched_once(report.pk, attempts=1)


def test_worker_killed_mid_task_then_restarted(crash_env, tmp_path):
    broker = crash_env["TEST_BROKER"]
    text = "Tin đồn: ngân hàng sẽ khoá mọi tài khoản chưa cập nhật căn cước trước thứ Hai"
    signal_file = tmp_path / "in-task"
    env = dict(crash_env, TINGIA_TEST_SIGNAL_FILE=str(signal_file))
    first_log = tmp_path / "crashing-worker.log"
    crashing = procs.start([sys.executable, "-m", "tests.support.crashing_worker",
                            *procs.worker_args(env)], env, first_log)
    try:
        # Submitted while the worker boots (it takes a few seconds).
        web = procs.run_module("tests.support.submit", text, env=crash_env)
        assert web.returncode == 0, web.stderr
        report_id = int(web.stdout.split()[0])
        procs.wait_for(signal_file.exists, 60, "the first attempt to start", (first_log,))
        delivered_by = time.monotonic()  # the message was handed out before the signal
        task = outbox_row(report_id)  # delivered by the broker: this worker runs no sweeper
        assert task.attempts == 1 and task.started_at is not None and task.done_at is None
        assert Report.objects.get(pk=report_id).claim_id is None  # its work is not committed
        os.kill(crashing.pid, signal.SIGKILL)
        assert crashing.wait(timeout=10) == -signal.SIGKILL
    finally:
        procs.stop(crashing)
    assert not Claim.objects.exists()  # the killed attempt left nothing behind

    if broker == "redis":  # Redis hands the message back once its visibility timeout is over
        time.sleep(max(0.0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - delivered_by)))
    second_log = tmp_path / "worker.log"
    # Only the file-system broker needs the sweeper: it deleted the message when it was read.
    with procs.celery_worker(env, second_log, beat=broker == "filesystem"):
        procs.wait_for(lambda: outbox_row(report_id).done_at, 60, "the restarted worker to finish",
                       (first_log, second_log))
    assert_matched_once(report_id, attempts=2)
    if broker != "filesystem":
        assert "sweep_outbox[" not in Path(second_log).read_text(errors="replace")  # no sweep ran


def test_a_dead_broker_does_not_lose_or_delay_a_report(tmp_path):
    """The broker is down when the report arrives: it is accepted, and waits for the sweeper."""
    env = procs.child_env(tmp_path / "var", "filesystem", CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:1//")
    text = "Tin đồn: mất điện toàn miền Bắc ba ngày từ tối mai"
    web = procs.run_module("tests.support.submit", text, env=env, timeout=45)
    assert web.returncode == 0, web.stderr
    report = Report.objects.get(text=text)
    assert web.stdout.split()[1] == report.tracking_code  # acknowledged
    task = outbox_row(report.pk)
    assert task.enqueued_at is None and task.done_at is None

    # With no broker at all, an operator can still catch up in a plain process.
    caught_up = procs.run_module("manage", "outbox", "run-pending", env=env)
    assert caught_up.returncode == 0, caught_up.stderr
    assert_matched_once(report.pk, attempts=1)


def relay_process(env: dict[str, str], log: Path):  # noqa: ANN201
    return procs.start([sys.executable, "manage.py", "outbox", "relay", "--interval", "0.1"], env, log)


def test_relay_mode_publishes_committed_reports_and_survives_a_killed_relay(crash_env, tmp_path):
    env = dict(crash_env, TINGIA_OUTBOX_PUBLISH="relay")
    first_text = "Tin đồn: xăng sẽ tăng giá gấp đôi từ nửa đêm nay"
    relay_log, worker_log = tmp_path / "relay.log", tmp_path / "worker.log"
    relay = relay_process(env, relay_log)
    try:
        with procs.celery_worker(env, worker_log):  # no beat: the sweeper cannot be what ran it
            web = procs.run_module("tests.support.submit", first_text, env=env)
            assert web.returncode == 0, web.stderr
            report_id = int(web.stdout.split()[0])
            procs.wait_for(lambda: outbox_row(report_id).done_at, 60, "the relayed task to finish",
                           (relay_log, worker_log))
            assert outbox_row(report_id).enqueued_at is not None
            assert_matched_once(report_id, attempts=1)

            os.kill(relay.pid, signal.SIGKILL)  # the relay dies: reports are still accepted ...
            assert relay.wait(timeout=10) == -signal.SIGKILL
            second_text = "Tin đồn: trường học nghỉ hết tháng sau vì dịch cúm mới"
            web = procs.run_module("tests.support.submit", second_text, env=env)
            assert web.returncode == 0, web.stderr
            second_id = int(web.stdout.split()[0])
            time.sleep(1.0)
            assert outbox_row(second_id).enqueued_at is None  # ... and wait for a relay
            relay = relay_process(env, relay_log)
            procs.wait_for(lambda: outbox_row(second_id).done_at, 60, "the restarted relay's task",
                           (relay_log, worker_log))
    finally:
        procs.stop(relay)
    assert Report.objects.get(pk=second_id).claim_id is not None
    assert OutboxTask.objects.get(key=f"report:{second_id}").attempts == 1
    assert "sweep_outbox[" not in worker_log.read_text(errors="replace")
