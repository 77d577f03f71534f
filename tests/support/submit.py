"""Submit one report through the real intake service, as a web process does; print its id.

With --kill-before-enqueue the process kills itself (SIGKILL) where the commit hook would
hand the task to the broker: after the transaction committed, before anything was
enqueued and before the reporter was answered. Run as `python -m tests.support.submit`.
"""

from __future__ import annotations

import argparse
import os
import signal

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("text")
    parser.add_argument("--url", action="append", default=[])
    parser.add_argument("--kill-before-enqueue", action="store_true")
    args = parser.parse_args()

    django.setup()
    from core import outbox
    from intake.services import ReportSubmission, submit_report

    if args.kill_before_enqueue:

        def die_instead_of_enqueueing(task_id: int) -> bool:
            os.kill(os.getpid(), signal.SIGKILL)
            return False  # never reached

        outbox.enqueue = die_instead_of_enqueueing

    report = submit_report(ReportSubmission(channel="web", text=args.text, urls=args.url))
    print(report.pk, report.tracking_code, flush=True)  # the acknowledgement


if __name__ == "__main__":
    main()
