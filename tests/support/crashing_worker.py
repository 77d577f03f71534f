"""A Celery worker whose first attempt at a report hangs before it commits, to be killed.

The registered report handler is wrapped: on the task's first attempt (its started marker
is already committed by then) it does the real matching work inside the task's
transaction, writes a signal file and sleeps, so the test can SIGKILL the worker with
work done but not committed. Later attempts run normally. Arguments are passed to
`celery worker`. Run as `python -m tests.support.crashing_worker --pool=solo ...`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import django


def main() -> None:
    django.setup()
    from core import outbox
    from core.models import OutboxTask
    from intake.services import PROCESS_REPORT
    from tingia.celery import app

    real_handler, queue = outbox._HANDLERS[PROCESS_REPORT]
    signal_file = Path(os.environ["TINGIA_TEST_SIGNAL_FILE"])

    def hang_on_first_attempt(payload: dict[str, Any]) -> None:
        real_handler(payload)
        task = OutboxTask.objects.get(key=f"report:{payload['report_id']}")
        if task.attempts == 1:
            signal_file.write_text(str(os.getpid()))
            time.sleep(600)  # the test kills us here

    outbox._HANDLERS[PROCESS_REPORT] = (hang_on_first_attempt, queue)
    app.worker_main(argv=["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
