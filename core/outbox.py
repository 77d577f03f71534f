"""The transactional outbox: schedule follow-up work with a change, run it exactly once in effect.

`schedule` is called inside the transaction that makes the change; the queue is told only
after the commit. `run` is what a worker does with a task id; `sweep` hands forgotten rows
back to the queue, and is also how a failed task is retried once its backoff is over.
Handlers must be idempotent for effects outside the database (e-mail): their database
effects commit together with the row's `done_at`, so a run killed half-way leaves nothing.

The broker message carries only row ids. Whatever the broker does with it (the
file-system transport deletes it when read, Redis redelivers after a visibility timeout,
RabbitMQ redelivers when the consumer is gone), the row decides what still has to be done.

Who tells the broker (settings.OUTBOX_PUBLISH, env TINGIA_OUTBOX_PUBLISH):
- "commit" (default): the committing process publishes the task from an on-commit hook.
  Simple, nothing else to run; but the publish (a broker round trip with publisher
  confirms) and the `enqueued_at` mark cost the web request about a third of its CPU.
- "relay": the web request only commits the row; `relay()` (run by `manage.py outbox
  relay`, a long-lived process) claims unpublished rows in batches (`SELECT ... FOR UPDATE
  SKIP LOCKED` where the database has it), publishes one message per queue per batch and
  marks them enqueued in the same transaction. Several relays may run side by side.
Either way a report is acknowledged only after its row committed, and the sweeper is the
net under both: a row nobody published is swept after a few seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .fast_insert import insert_rows
from .models import OutboxTask

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]
_HANDLERS: dict[str, tuple[Handler, str]] = {}

MAX_BACKOFF_SECONDS = 3600


def handler(kind: str, queue: str = "default") -> Callable[[Handler], Handler]:
    """Register the function that does the work of one kind of outbox task."""

    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = (func, queue)
        return func

    return register


def queue_name(queue: str) -> str:
    """The broker queue of a logical queue: the deployment's prefix lets brokers be shared."""
    return f"{settings.QUEUE_PREFIX}{queue}"


def publishes_on_commit() -> bool:
    """True when the committing process hands its tasks to the broker (see the module doc)."""
    return settings.OUTBOX_PUBLISH != "relay"


def schedule(kind: str, key: str, payload: dict[str, Any] | None = None, *,
             new_key: bool = False) -> OutboxTask:
    """Write the task in the caller's transaction; it is published once that transaction commits.

    `new_key=True` says the key cannot exist yet (it names a row inserted in this same
    transaction): the insert then needs no savepoint to survive a duplicate.
    """
    if kind not in _HANDLERS:
        raise LookupError(f"No outbox handler is registered for {kind!r}.")
    if new_key:
        task = OutboxTask(kind=kind, key=key, payload=payload or {})
        insert_rows([task])  # a partner report's hot path: the ORM's SQL, compiled once
    else:
        try:
            with transaction.atomic():
                task = OutboxTask.objects.create(kind=kind, key=key, payload=payload or {})
        except IntegrityError:
            return OutboxTask.objects.get(key=key)
    if publishes_on_commit():
        transaction.on_commit(lambda: enqueue(task.pk))
    return task


def enqueue(task_id: int) -> bool:
    """Hand a task to the broker; a broker failure is logged and left to the sweeper."""
    from .tasks import run_outbox_task  # the Celery task; imported late to avoid a cycle

    task = OutboxTask.objects.filter(pk=task_id).only("kind", "attempts").first()
    if task is None:
        return False
    queue = queue_name(_HANDLERS.get(task.kind, (None, "default"))[1])
    try:
        run_outbox_task.apply_async(args=[task_id], queue=queue)
    except Exception:  # the broker is down: the row is safe, the sweeper will retry
        log.warning("Could not enqueue outbox task %s; the sweeper will retry.", task_id,
                    exc_info=True)
        return False
    # Unless a worker already ran it meanwhile (then its own outcome stands): the sweeper
    # leaves a task alone for TINGIA_OUTBOX_RETRY_AFTER seconds once it is in the queue.
    unmarked = OutboxTask.objects.filter(pk=task_id, enqueued_at__isnull=True,
                                         attempts=task.attempts)
    unmarked.update(enqueued_at=timezone.now())
    return True


def _unpublished(now: datetime):  # noqa: ANN202 - a queryset of OutboxTask
    return OutboxTask.objects.filter(enqueued_at__isnull=True, started_at__isnull=True,
                                     done_at__isnull=True, failed_at__isnull=True,
                                     available_at__lte=now)


def _publish_batch(rows: list[tuple[int, str]]) -> list[int]:
    """One message per queue carrying the ids; returns the ids the broker accepted.

    A queue whose publish fails is left for the next round (its rows stay unmarked).
    """
    from .tasks import run_outbox_tasks  # imported late to avoid a cycle

    by_queue: dict[str, list[int]] = {}
    for task_id, kind in rows:
        by_queue.setdefault(queue_name(_HANDLERS.get(kind, (None, "default"))[1]), []).append(task_id)
    published: list[int] = []
    for queue, ids in by_queue.items():
        try:
            run_outbox_tasks.apply_async(args=[ids], queue=queue)
        except Exception:  # noqa: BLE001 - the broker is down: the rows wait for the next round
            log.warning("Could not publish %s outbox task(s) to %s; the relay will retry.",
                        len(ids), queue, exc_info=True)
            continue
        published.extend(ids)
    return published


def relay(batch: int = 100) -> int:
    """Publish up to `batch` committed, unpublished tasks; returns how many were published.

    PostgreSQL: the rows are claimed with FOR UPDATE SKIP LOCKED, published, and marked
    enqueued in one transaction, so concurrent relays never publish a row twice; if the
    relay dies after publishing and before its commit, the rows are published again by the
    next round (a duplicate message, which `run` makes harmless). A worker that receives
    the message before that commit waits on the row lock in `run`.
    SQLite (no row locks, one writer for the whole file): the rows are read, published, then
    marked in a short write transaction, so the file's write lock is never held during a
    publish; with one relay (the supported shape) nothing is published twice.
    """
    from django.db import connection

    now = timezone.now()
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            rows = list(_unpublished(now).select_for_update(skip_locked=True)
                        .order_by("id").values_list("id", "kind")[:batch])
            if not rows:
                return 0
            published = _publish_batch(rows)
            OutboxTask.objects.filter(pk__in=published).update(enqueued_at=timezone.now())
        return len(published)
    rows = list(_unpublished(now).order_by("id").values_list("id", "kind")[:batch])
    if not rows:
        return 0
    published = _publish_batch(rows)
    # A worker may already have started (or finished) a task: its own markers stand.
    OutboxTask.objects.filter(pk__in=published, enqueued_at__isnull=True).update(enqueued_at=timezone.now())
    return len(published)


def relay_forever(interval: float = 0.1, batch: int = 100,
                  should_stop: Callable[[], bool] = lambda: False) -> None:
    """The relay process: publish while there is work, poll every `interval` seconds when idle.

    An idle poll is one indexed query. A database or broker error is logged and retried
    after a pause; the rows are safe in the table meanwhile.
    """
    import time

    from django.db import close_old_connections

    while not should_stop():
        try:
            published = relay(batch)
        except Exception:  # noqa: BLE001 - keep relaying once the database is back
            log.exception("The outbox relay failed; retrying shortly.")
            close_old_connections()
            time.sleep(max(interval, 1.0))
            continue
        if published < batch:
            time.sleep(interval)


def run(task_id: int) -> str:
    """Run one task: write the started marker, then do the work and mark it done atomically.

    Returns "done"; "skipped" (already done, failed for good, or unknown); "deferred" (a
    duplicate message arrived during the backoff of a failed attempt; the sweeper sends it
    again when due); "error" (this attempt failed, a later one will retry); or "failed"
    (out of attempts: the row stays failed until someone retries it).
    """
    now = timezone.now()
    with transaction.atomic():
        task = OutboxTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None or task.done_at or task.failed_at:
            return "skipped"
        if task.attempts and task.available_at > now:
            return "deferred"
        if task.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            # Earlier attempts died without recording an error (a worker killed each time,
            # e.g. out of memory): stop here rather than crash workers for ever.
            _mark_failed(task, task.last_error or "Every attempt was interrupted before it ended.")
            return "failed"
        task.attempts += 1
        task.started_at = now
        task.save(update_fields=["attempts", "started_at"])
    func = _HANDLERS.get(task.kind, (None, ""))[0]
    try:
        with transaction.atomic():
            locked = OutboxTask.objects.select_for_update().get(pk=task_id)
            if locked.done_at:
                return "skipped"
            if func is None:
                raise LookupError(f"No outbox handler is registered for {task.kind!r}.")
            func(locked.payload)
            locked.done_at = timezone.now()
            locked.last_error = ""
            locked.save(update_fields=["done_at", "last_error"])
        return "done"
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried later
        return _record_failure(task_id, exc)


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after the n-th failed attempt: 10, 20, 40 ... capped at an hour."""
    return min(MAX_BACKOFF_SECONDS, 5 * 2 ** min(max(attempts, 0), 10))


def _record_failure(task_id: int, exc: Exception) -> str:
    task = OutboxTask.objects.get(pk=task_id)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if task.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _mark_failed(task, error)
        return "failed"
    task.last_error = error
    task.started_at = None
    task.enqueued_at = None
    task.available_at = timezone.now() + timedelta(seconds=backoff_seconds(task.attempts))
    task.save(update_fields=["last_error", "started_at", "enqueued_at", "available_at"])
    log.warning("Outbox task %s (%s) failed on attempt %s; it will be retried.", task_id, task.kind,
                task.attempts)
    return "error"


def _mark_failed(task: OutboxTask, error: str) -> None:
    task.last_error = error
    task.started_at = None
    task.failed_at = timezone.now()
    task.save(update_fields=["last_error", "started_at", "failed_at"])
    log.error("Outbox task %s (%s) FAILED for good after %s attempts: %s", task.pk, task.kind,
              task.attempts, error)


def due(retry_after: int | None = None, now: datetime | None = None) -> list[int]:
    """Ids of tasks that are not done and that nobody is known to be working on."""
    retry_after = settings.OUTBOX_RETRY_AFTER_SECONDS if retry_after is None else retry_after
    now = now or timezone.now()
    stale = now - timedelta(seconds=retry_after)
    rows = OutboxTask.objects.filter(done_at__isnull=True, failed_at__isnull=True,
                                     available_at__lte=now)
    rows = rows.filter(Q(started_at__isnull=True) | Q(started_at__lte=stale))
    rows = rows.filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale))
    # Leave the web process a moment to enqueue what it has just committed.
    rows = rows.filter(created_at__lte=now - timedelta(seconds=min(retry_after, 5)))
    return list(rows.order_by("id").values_list("id", flat=True)[:1000])


def sweep(retry_after: int | None = None, now: datetime | None = None) -> int:
    """Hand every forgotten task back to the queue; returns how many were enqueued."""
    count = 0
    for task_id in due(retry_after, now):
        OutboxTask.objects.filter(pk=task_id).update(enqueued_at=None)
        if enqueue(task_id):
            count += 1
    return count


def run_pending_inline(retry_after: int = 0) -> int:
    """Run every due task in this process (management command, tests, no-broker recovery)."""
    count = 0
    for task_id in due(retry_after):
        if run(task_id) == "done":
            count += 1
    return count


def retry_failed(task_ids: Iterable[int] | None = None) -> list[int]:
    """Give failed tasks a fresh set of attempts (after the cause was fixed); returns their ids."""
    rows = OutboxTask.objects.filter(failed_at__isnull=False, done_at__isnull=True)
    if task_ids is not None:
        rows = rows.filter(pk__in=list(task_ids))
    ids = list(rows.order_by("id").values_list("id", flat=True))
    if ids:
        now = timezone.now()
        OutboxTask.objects.filter(pk__in=ids).update(
            failed_at=None, attempts=0, available_at=now, started_at=None, enqueued_at=None,
        )
        for task_id in ids:
            transaction.on_commit(lambda task_id=task_id: enqueue(task_id))
    return ids


def status_counts(now: datetime | None = None) -> dict[str, int]:
    """How many tasks are in each state, for `manage.py outbox status` and monitoring."""
    now = now or timezone.now()
    open_rows = OutboxTask.objects.filter(done_at__isnull=True, failed_at__isnull=True)
    return {
        "done": OutboxTask.objects.filter(done_at__isnull=False).count(),
        "failed": OutboxTask.objects.filter(failed_at__isnull=False, done_at__isnull=True).count(),
        "running": open_rows.filter(started_at__isnull=False).count(),
        "waiting_retry": open_rows.filter(started_at__isnull=True, attempts__gt=0,
                                          available_at__gt=now).count(),
        "queued": open_rows.filter(started_at__isnull=True, enqueued_at__isnull=False).count(),
        "not_enqueued": open_rows.filter(started_at__isnull=True, enqueued_at__isnull=True,
                                         available_at__lte=now).count(),
    }
