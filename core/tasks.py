"""Celery entry points for core work; the logic lives in core.outbox and core.retention."""

from celery import shared_task

from . import outbox


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_outbox_task(task_id: int) -> str:
    return outbox.run(task_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    return outbox.sweep()


@shared_task(ignore_result=True)
def purge_expired_personal_data() -> int:
    from .retention import purge_expired

    return purge_expired()
