"""Open data: every public verdict as CSV and as JSON, under CC BY 4.0.

Files are generated on request and kept under VAR_DIR/opendata, named by the verdicts'
change stamp; a new publication, correction or withdrawal changes the stamp, so the next
download regenerates them. Writing goes to a temporary name and is renamed into place,
so two processes generating at once never serve a half-written file.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) are prefixed with an apostrophe, as OWASP recommends against CSV injection.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from .indexing import verdict_stamp
from .labels import label_name
from .selectors import public_verdicts
from .topic_pages import topic_names
from .urls_abs import absolute

LICENSE_NAME = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "id",
    "url",
    "title",
    "label",
    "label_name",
    "claim_reviewed",
    "explanation",
    "sources",
    "topic",
    "topic_name",
    "published_at",
    "updated_at",
)
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def escape_formula(value: Any) -> Any:
    """A string cell a spreadsheet would evaluate gets a leading apostrophe; others pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _records() -> Iterator[dict[str, Any]]:
    names = topic_names("vi")
    for verdict in public_verdicts().iterator(chunk_size=500):
        updated = getattr(verdict, "updated_at", None)
        yield {
            "id": verdict.pk,
            "url": absolute(verdict.get_absolute_url()),
            "title": verdict.title,
            "label": verdict.label,
            "label_name": label_name(verdict.label, "vi"),
            "claim_reviewed": verdict.claim_reviewed,
            "explanation": verdict.explanation,
            "sources": verdict.sources or [],
            "topic": verdict.claim.topic,
            "topic_name": names.get(verdict.claim.topic, ""),
            "published_at": verdict.published_at.isoformat(),
            "updated_at": updated.isoformat() if updated else None,
        }


def write_csv(fh) -> int:  # noqa: ANN001 - a text file opened with newline=""
    writer = csv.writer(fh)
    writer.writerow(COLUMNS)
    count = 0
    for record in _records():
        record["sources"] = json.dumps(record["sources"], ensure_ascii=False)
        writer.writerow([escape_formula(record[c]) if record[c] is not None else "" for c in COLUMNS])
        count += 1
    return count


def write_json(fh) -> int:  # noqa: ANN001
    """A JSON document written piece by piece, so memory stays flat however many verdicts."""
    header = {
        "title": "Verdicts of the fake news reporting portal",
        "license": LICENSE_NAME,
        "license_url": LICENSE_URL,
        "source": absolute("/du-lieu-mo/"),
        "generated_at": timezone.now().isoformat(),
        "columns": list(COLUMNS),
    }
    fh.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "verdicts": [')
    count = 0
    for record in _records():
        fh.write(("," if count else "") + "\n" + json.dumps(record, ensure_ascii=False))
        count += 1
    fh.write("\n]}\n")
    return count


WRITERS = {"csv": write_csv, "json": write_json}


def export_dir() -> Path:
    path = Path(settings.VAR_DIR) / "opendata"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stamp_name() -> str:
    stamp = verdict_stamp()
    raw = f"{stamp.count}|{stamp.latest.isoformat() if stamp.latest else ''}|{stamp.top_id}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def export_file(fmt: str) -> Path:
    """The current export in `fmt` ("csv" or "json"), generated if the verdicts changed."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}")
    folder = export_dir()
    target = folder / f"verdicts-{stamp_name()}.{fmt}"
    if target.exists():
        return target
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".verdicts-", suffix=f".{fmt}")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            WRITERS[fmt](fh)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for old in folder.glob(f"verdicts-*.{fmt}"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
