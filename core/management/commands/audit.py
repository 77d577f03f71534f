"""`manage.py audit verify [--head FILE]` and `manage.py audit export-head [FILE]`."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import audit


class Command(BaseCommand):
    help = "Verify the audit log's HMAC chain, or export its head for anchoring outside the system."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute the chain and compare with an exported head.")
        verify.add_argument("--head", help="A file written by export-head.")
        export = sub.add_parser("export-head", help="Print (or write to FILE) the chain's head as JSON.")
        export.add_argument("file", nargs="?")

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        if options["action"] == "export-head":
            head = audit.head()
            data = json.dumps({"seq": head.seq, "mac": head.mac})
            if options.get("file"):
                Path(options["file"]).write_text(data + "\n")
            self.stdout.write(data)
            return
        expected = None
        if options.get("head"):
            try:
                raw = json.loads(Path(options["head"]).read_text())
                expected = audit.Head(int(raw["seq"]), str(raw["mac"]))
            except (OSError, ValueError, KeyError) as exc:
                raise CommandError(f"Cannot read the exported head: {exc}") from None
        result = audit.verify(expected)
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"Audit log verification FAILED ({len(result.problems)} problems, "
                               f"{result.checked} entries checked).")
        self.stdout.write(f"Audit log OK: {result.checked} entries, chain intact.")
