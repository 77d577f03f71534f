"""`manage.py outbox status|sweep|run-pending|retry-failed|relay`: see, move and recover follow-up work.

`relay` is the long-lived process that publishes committed rows to the broker when
TINGIA_OUTBOX_PUBLISH=relay (core.outbox explains both modes); it stops on SIGTERM/SIGINT.

`run-pending` runs due tasks in this process: the way to catch up when no broker or
worker is available. `retry-failed` gives tasks that ran out of attempts a new set, once
the cause was fixed; it is audited because it re-runs work on people's reports.
"""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import audit, outbox
from core.models import OutboxTask


class Command(BaseCommand):
    help = "Inspect and recover the transactional outbox."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="Counts per state and the failed tasks.")
        status.add_argument("--limit", type=int, default=20, help="Failed tasks to list.")
        sweep = sub.add_parser("sweep", help="Hand forgotten tasks back to the queue.")
        sweep.add_argument("--retry-after", type=int, default=None,
                           help="Seconds after which an unfinished task counts as forgotten.")
        run = sub.add_parser("run-pending", help="Run due tasks in this process (no worker).")
        run.add_argument("--retry-after", type=int, default=0)
        retry = sub.add_parser("retry-failed", help="Give failed tasks a fresh set of attempts.")
        retry.add_argument("ids", nargs="*", type=int, help="Task ids (default: all failed tasks).")
        relay = sub.add_parser("relay", help="Publish committed tasks to the broker until stopped.")
        relay.add_argument("--interval", type=float, default=0.1,
                           help="Seconds between polls when there is nothing to publish.")
        relay.add_argument("--batch", type=int, default=100, help="Tasks claimed per round.")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        action = options["action"]
        if action == "status":
            self._status(options["limit"])
        elif action == "sweep":
            count = outbox.sweep(options["retry_after"])
            self.stdout.write(f"Enqueued {count} task(s).")
        elif action == "run-pending":
            count = outbox.run_pending_inline(options["retry_after"])
            self.stdout.write(f"Ran {count} task(s) to completion.")
        elif action == "retry-failed":
            self._retry(options["ids"] or None)
        elif action == "relay":
            self._relay(options["interval"], options["batch"])
        else:  # pragma: no cover - argparse refuses other actions
            raise CommandError(f"Unknown action {action!r}")

    def _status(self, limit: int) -> None:
        for state, count in outbox.status_counts().items():
            self.stdout.write(f"{state:>13}: {count}")
        failed = OutboxTask.objects.filter(failed_at__isnull=False, done_at__isnull=True)
        failed = failed.order_by("-failed_at")
        for task in failed[:limit]:
            self.stdout.write(
                f"FAILED #{task.pk} {task.kind} {task.key} after {task.attempts} attempts "
                f"at {task.failed_at:%Y-%m-%d %H:%M:%S}: {task.last_error[:200]}"
            )

    def _relay(self, interval: float, batch: int) -> None:
        if interval <= 0 or batch < 1:
            raise CommandError("--interval must be above 0 and --batch at least 1.")
        stopping: list[int] = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, _frame: stopping.append(number))
        self.stdout.write(f"Relaying outbox tasks every {interval} s (batches of {batch}).")
        self.stdout.flush()
        outbox.relay_forever(interval, batch, should_stop=lambda: bool(stopping))
        self.stdout.write("Outbox relay stopped.")

    def _retry(self, ids: list[int] | None) -> None:
        with transaction.atomic():
            retried = outbox.retry_failed(ids)
            if retried:
                audit.record("outbox.retry_failed", actor_label="manage.py",
                             detail={"task_ids": retried[:500], "count": len(retried)})
        if ids and len(retried) != len(set(ids)):
            missing = sorted(set(ids) - set(retried))
            self.stderr.write(f"Not failed (or unknown), left alone: {missing}")
        self.stdout.write(f"Retrying {len(retried)} task(s).")
