"""What the public side stores beside the desk's verdicts: a search copy and import records.

Verdicts and claims belong to the verification app; nothing here is the truth about a
verdict. `SearchEntry` is derived (rebuilt from the verdict whenever it is stale), and
`ImportedVerdict` remembers where an archived verdict came from so a re-import adds nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SearchEntry(models.Model):
    """The folded text of one public verdict, so no process has to fold it again.

    Folding (vntext.search_key) costs milliseconds per verdict; storing its result lets
    every web process build its in-memory search index in a fraction of a second.
    `verdict_updated_at` is the verdict's `updated_at` when this copy was made: a copy
    whose stamp differs from the verdict's is stale and is rebuilt.
    """

    verdict = models.OneToOneField(
        "verification.Verdict", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    title_key = models.TextField()
    body_key = models.TextField()
    topic = models.CharField(max_length=32, blank=True)
    label = models.CharField(max_length=16)
    published_at = models.DateTimeField()
    verdict_updated_at = models.DateTimeField(null=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Search entry of verdict {self.verdict_id}"


class ImportedVerdict(models.Model):
    """Provenance of a verdict loaded from an archive by `manage.py import_verdicts`.

    `source_key` is the row's own id or original URL (normalised), unique, so importing the
    same file twice adds nothing. `label_assigned` is True when the file carried no label
    and the operator gave one with --label; `date_assigned` when the file had no date.
    """

    source_key = models.CharField(max_length=500, unique=True)
    verdict = models.OneToOneField(
        "verification.Verdict", on_delete=models.CASCADE, related_name="import_record"
    )
    original_url = models.URLField(max_length=2000, blank=True)
    source_file = models.CharField(max_length=300, blank=True)
    label_assigned = models.BooleanField(default=False)
    date_assigned = models.BooleanField(default=False)
    imported_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Imported {self.source_key}"
