from celery import shared_task

from .services import purge_idempotency_records


@shared_task(ignore_result=True)
def purge_idempotency() -> int:
    return purge_idempotency_records()
