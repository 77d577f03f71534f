"""The transactional outbox: schedule follow-up work with a change, run it exactly once in effect.

`schedule` is called inside the transaction that makes the change; the queue is told only
after the commit. `run` is what a worker does with a task id; `sweep` hands forgotten rows
back to the queue. Handlers must be idempotent for effects outside the database (e-mail):
their database effects commit together with the row's `done_at`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboxTask

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]
_HANDLERS: dict[str, tuple[Handler, str]] = {}


def handler(kind: str, queue: str = "default") -> Callable[[Handler], Handler]:
    """Register the function that does the work of one kind of outbox task."""

    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = (func, queue)
        return func

    return register


def schedule(kind: str, key: str, payload: dict[str, Any] | None = None) -> OutboxTask:
    """Write the task in the caller's transaction; enqueue it once that transaction commits."""
    if kind not in _HANDLERS:
        raise LookupError(f"No outbox handler is registered for {kind!r}.")
    try:
        with transaction.atomic():
            task = OutboxTask.objects.create(kind=kind, key=key, payload=payload or {})
    except IntegrityError:
        return OutboxTask.objects.get(key=key)
    transaction.on_commit(lambda: enqueue(task.pk))
    return task


def enqueue(task_id: int) -> bool:
    """Hand a task to the broker; a broker failure is logged and left to the sweeper."""
    from .tasks import run_outbox_task  # the Celery task; imported late to avoid a cycle

    task = OutboxTask.objects.filter(pk=task_id).only("kind").first()
    if task is None:
        return False
    queue = _HANDLERS.get(task.kind, (None, "default"))[1]
    try:
        run_outbox_task.apply_async(args=[task_id], queue=queue)
    except Exception:  # the broker is down: the row is safe, the sweeper will retry
        log.warning("Could not enqueue outbox task %s; the sweeper will retry.", task_id, exc_info=True)
        return False
    OutboxTask.objects.filter(pk=task_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())
    return True


def run(task_id: int) -> str:
    """Run one task: write the started marker, then do the work and mark it done atomically.

    Returns "done", "skipped" (already done, failed for good, or unknown), or "error".
    """
    now = timezone.now()
    with transaction.atomic():
        task = OutboxTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None or task.done_at or task.failed_at:
            return "skipped"
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
        _record_failure(task_id, exc)
        log.warning("Outbox task %s (%s) failed on attempt %s.", task_id, task.kind, task.attempts)
        return "error"


def _record_failure(task_id: int, exc: Exception) -> None:
    task = OutboxTask.objects.get(pk=task_id)
    backoff = min(3600, 5 * 2 ** min(task.attempts, 10))
    task.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    task.started_at = None
    task.enqueued_at = None
    task.available_at = timezone.now() + timedelta(seconds=backoff)
    if task.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        task.failed_at = timezone.now()
    task.save(update_fields=["last_error", "started_at", "enqueued_at", "available_at", "failed_at"])


def due(retry_after: int | None = None) -> list[int]:
    """Ids of tasks that are not done and that nobody is known to be working on."""
    retry_after = settings.OUTBOX_RETRY_AFTER_SECONDS if retry_after is None else retry_after
    now = timezone.now()
    stale = now - timedelta(seconds=retry_after)
    rows = OutboxTask.objects.filter(done_at__isnull=True, failed_at__isnull=True, available_at__lte=now)
    rows = rows.filter(Q(started_at__isnull=True) | Q(started_at__lte=stale))
    rows = rows.filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale))
    rows = rows.filter(created_at__lte=now - timedelta(seconds=min(retry_after, 5)))
    return list(rows.order_by("id").values_list("id", flat=True)[:1000])


def sweep(retry_after: int | None = None) -> int:
    """Hand every forgotten task back to the queue; returns how many were enqueued."""
    count = 0
    for task_id in due(retry_after):
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
