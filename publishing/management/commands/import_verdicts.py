"""`manage.py import_verdicts FILE`: load an archive of published verdicts (see publishing.importer)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from publishing.importer import FORMATS, ImportFileError, ImportReport, Options, import_file
from verification.models import Verdict

MAX_LISTED = 50


class Command(BaseCommand):
    help = (
        "Import published verdicts from JSON Lines, CSV or ClaimReview JSON-LD. Idempotent: rows are "
        "keyed by their source id or original URL, so running the same file again adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=FORMATS, default="", help="Default: from the file name.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        parser.add_argument(
            "--label",
            choices=Verdict.Label.values,
            default="",
            help="Label for rows that carry none; recorded as assigned at import.",
        )
        parser.add_argument(
            "--label-column",
            default="label",
            help="Column holding the label (default: label); '' ignores the file's labels.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        opts = Options(
            label=options["label"],
            label_column=options["label_column"],
            dry_run=options["dry_run"],
            source_file=path.name,
        )
        show = not options["no_progress"]

        def bar(total: int) -> tqdm:
            return tqdm(total=total, unit="row", file=sys.stderr, disable=not show, desc="import")

        try:
            report = import_file(path, opts, options["format"], progress_factory=bar)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        self._report(report)

    def _report(self, report: ImportReport) -> None:
        out = self.stdout
        verb = "would be imported" if report.dry_run else "imported"
        out.write(
            f"Rows read: {report.read}; {verb}: {report.imported}; already present: "
            f"{report.already_present}; rejected: {len(report.rejected)}."
        )
        if report.rejected:
            out.write("Rejected rows (line, key: reason):")
            for item in report.rejected[:MAX_LISTED]:
                out.write(f"  line {item.line}{', ' + item.key if item.key else ''}: {item.reason}")
            if len(report.rejected) > MAX_LISTED:
                out.write(f"  ... and {len(report.rejected) - MAX_LISTED} more.")
        if report.dry_run:
            out.write("Dry run: nothing was written.")
