"""Celery entry points for core work; the logic lives in core.outbox and core.retention.

The outbox task is acknowledged late and rejected when its worker is lost, so a broker
that can redeliver (RabbitMQ, Redis after its visibility timeout) hands a killed run to
another worker at once; the sweeper covers the brokers that cannot (the file system).
Retries after an error are not Celery retries: the row's backoff and the sweeper drive
them, so that a retry survives a restart of every worker.
"""

from celery import shared_task

from . import outbox


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_outbox_task(task_id: int) -> str:
    return outbox.run(task_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_outbox_tasks(task_ids: list[int]) -> list[str]:
    """A batch published by the outbox relay: each row is run on its own, as above.

    A batch redelivered after its worker died skips the rows already done.
    """
    return [outbox.run(task_id) for task_id in task_ids]


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    return outbox.sweep()


@shared_task(ignore_result=True)
def purge_expired_personal_data() -> int:
    from .retention import purge_expired

    return purge_expired()
