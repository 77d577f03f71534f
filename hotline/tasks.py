"""Celery entry points of the hotline; the logic lives in hotline.pipeline.

`process_call` runs on the "transcription" queue (CELERY_TASK_ROUTES), served by its own
worker with concurrency 1, so a long recording never delays report matching. Acknowledged
late and rejected when its worker is lost; retries are driven by the call row and the
sweeper, so they survive a restart of every worker.
"""

from celery import shared_task

from . import pipeline


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_call(call_id: int) -> str:
    return pipeline.process(call_id)


@shared_task(ignore_result=True)
def sweep_calls() -> int:
    from .signing import forget_old_signatures

    forget_old_signatures()
    return pipeline.sweep()
