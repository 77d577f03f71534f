"""Loading an archive of published verdicts: JSON Lines, CSV, or ClaimReview JSON-LD.

Each row becomes a Claim (state published, concluded at its date) and its Verdict, plus an
ImportedVerdict that remembers the row's source id or original URL, so running the same
file again adds nothing. Rows are checked one by one; a bad row is rejected with a reason
and the rest go on. HTML in any text is reduced to plain text with nh3 (the maintained
ammonia sanitiser): tags and scripts go, the words stay, and pages escape them on output.

A row without a label is rejected unless the operator gives one (--label), which is then
recorded as assigned at import. Imported claims get the matcher's vectors, so they are
checkable (and searchable) as soon as the transaction commits.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import nh3
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.reference import Topic
from core.topics import DEFAULT_NAMES
from verification.models import Claim, ClaimState, Verdict
from vntext import fold

from .models import ImportedVerdict
from .topic_pages import topic_from_slug

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_TITLE = 300
MAX_TEXT = 100_000
MAX_SOURCES = 30
FORMATS = ("jsonl", "csv", "jsonld")

ALIASES: dict[str, tuple[str, ...]] = {
    "source_id": ("source_id", "id", "identifier"),
    "url": ("url", "original_url", "link"),
    "title": ("title", "headline", "name", "headline_guess"),
    "claim": ("claim", "claim_reviewed", "claimReviewed"),
    "explanation": ("explanation", "text", "body", "reviewBody", "description"),
    "sources": ("sources", "citation"),
    "topic": ("topic",),
    "date": ("date", "published_at", "datePublished"),
}
CSV_NEED = {"title or claim": ("title", "claim"), "source id or url": ("source_id", "url")}

LABEL_WORDS: dict[str, tuple[str, ...]] = {
    Verdict.Label.FABRICATED: (
        "fabricated",
        "fake",
        "false",
        "fake news",
        "tin gia",
        "gia",
        "sai",
        "bia dat",
        "pants on fire",
        "hoax",
    ),
    Verdict.Label.DISTORTED: (
        "distorted",
        "misleading",
        "tin sai su that",
        "sai su that",
        "partly false",
        "mostly false",
        "half true",
        "xuyen tac",
        "sai lech",
        "gay hieu nham",
        "distorted news",
    ),
    Verdict.Label.TRUE: (
        "true",
        "tin xac thuc",
        "xac thuc",
        "dung",
        "correct",
        "accurate",
        "verified true",
        "mostly true",
        "chinh xac",
    ),
}
_LABELS = {word: code for code, words in LABEL_WORDS.items() for word in words}
BLOCK_TAGS = re.compile(r"(?i)<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/blockquote)\b[^>]*>")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, format, missing columns)."""


@dataclass
class Row:
    line: int
    source_key: str
    title: str
    claim: str
    label: str
    label_assigned: bool
    explanation: str
    sources: list[dict[str, str]]
    topic: str
    published_at: datetime
    date_assigned: bool
    original_url: str
    appearances: list[str]


@dataclass(frozen=True)
class Rejected:
    line: int
    key: str
    reason: str


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    already_present: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    dry_run: bool = False
    verdict_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    label: str = ""  # assigned to rows that carry none
    label_column: str = "label"  # "" to ignore the file's label column
    dry_run: bool = False
    source_file: str = ""


class RowError(ValueError):
    """One row cannot be imported; the message is the reason the report shows."""


# --- reading files ------------------------------------------------------------------------------


def detect_format(path: Path, given: str = "") -> str:
    if given:
        if given not in FORMATS:
            raise ImportFileError(f"Unknown format {given!r}: use one of {', '.join(FORMATS)}.")
        return given
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".json", ".jsonld"):
        return "jsonld"
    raise ImportFileError(
        f"Cannot tell the format of {path.name!r} from its name: pass --format ({', '.join(FORMATS)})."
    )


def read_text(path: Path) -> str:
    """The file as text; it must be UTF-8 (a byte-order mark is allowed)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}.") from None
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it.")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text (first bad byte at offset {exc.start}, line {line}). "
            "Save it as UTF-8 and run the import again."
        ) from None


def jsonl_records(text: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except (ValueError, RecursionError):
            yield number, RowError("not valid JSON")


def csv_records(text: str) -> Iterator[tuple[int, Any]]:
    csv.field_size_limit(MAX_TEXT * 2)
    dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0] else "excel"
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    columns = [c.strip() for c in (reader.fieldnames or [])]
    if not columns:
        raise ImportFileError("The CSV file has no header row.")
    present = {canonical for canonical, names in ALIASES.items() if any(n in columns for n in names)}
    missing = [need for need, options in CSV_NEED.items() if not present.intersection(options)]
    if missing:
        raise ImportFileError(
            f"The CSV file lacks required columns: {'; '.join(missing)} "
            f"(found: {', '.join(columns[:20]) or 'none'})."
        )
    try:
        for record in reader:
            if None in record:
                yield reader.line_num, RowError("more cells than header columns")
                continue
            yield reader.line_num, {k.strip(): v for k, v in record.items() if k is not None}
    except csv.Error as exc:
        raise ImportFileError(f"The CSV file is malformed near line {reader.line_num}: {exc}.") from None


def jsonld_records(text: str) -> Iterator[tuple[int, Any]]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ImportFileError("The file is not valid JSON.") from None
    if isinstance(data, dict) and "@graph" in data:
        data = data["@graph"]
    elif isinstance(data, dict) and data.get("@type") == "ItemList":
        data = [
            item.get("item", item) if isinstance(item, dict) else item
            for item in data.get("itemListElement", [])
        ]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportFileError("The JSON-LD file must hold a ClaimReview object or a list of them.")
    yield from enumerate(data, start=1)


READERS: dict[str, Callable[[str], Iterator[tuple[int, Any]]]] = {
    "jsonl": jsonl_records,
    "csv": csv_records,
    "jsonld": jsonld_records,
}


# --- cleaning one row -----------------------------------------------------------------------------


def plain_text(value: Any, limit: int = MAX_TEXT) -> str:
    """Any cell as plain text: HTML reduced to its words, control characters removed."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RowError("a text field holds a list or an object")
    if "<" in value or "&" in value:
        value = BLOCK_TAGS.sub("\n", value)
        value = html.unescape(nh3.clean(value, tags=set(), clean_content_tags={"script", "style"}))
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf"))
    value = unicodedata.normalize("NFC", value)
    value = re.sub(r"[ \t]+", " ", value)
    value = re.sub(r"\n\s*\n\s*(\n\s*)+", "\n\n", value).strip()
    if len(value) > limit:
        raise RowError(f"a text field is longer than {limit} characters")
    return value


def pick(record: dict[str, Any], name: str) -> Any:
    for alias in ALIASES[name]:
        if alias in record and record[alias] not in (None, ""):
            return record[alias]
    return None


def parse_label(raw: Any) -> str:
    if isinstance(raw, bool) or isinstance(raw, (int, float)):
        raise RowError(
            f"label {raw!r} is a number, not a verdict label; use --label-column to ignore "
            "that column and --label to assign one"
        )
    text = fold(plain_text(raw, 200)).lower().strip(" .!")
    code = _LABELS.get(" ".join(text.split()))
    if code is None:
        raise RowError(
            f"unknown label {str(raw)[:40]!r} (expected fabricated, distorted or true, "
            "or Tin giả, Tin sai sự thật, Tin xác thực)"
        )
    return code


def rating_label(rating: Any) -> str | None:
    """A ClaimReview reviewRating as one of our labels: its alternateName, else its number."""
    if not isinstance(rating, dict):
        return None
    if rating.get("alternateName"):
        return parse_label(rating["alternateName"])
    try:
        value, best, worst = (float(rating[k]) for k in ("ratingValue", "bestRating", "worstRating"))
    except (KeyError, TypeError, ValueError):
        return None
    if best <= worst:
        return None
    share = (value - worst) / (best - worst)
    if share <= 1 / 3:
        return Verdict.Label.FABRICATED
    return Verdict.Label.DISTORTED if share < 5 / 6 else Verdict.Label.TRUE


def parse_date(raw: Any) -> datetime:
    text = plain_text(raw, 64)
    moment = None
    for parse in (datetime.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y")):
        try:
            moment = parse(text.replace("Z", "+00:00"))
            break
        except ValueError:
            continue
    if moment is None:
        raise RowError(f"unreadable date {text[:40]!r} (use YYYY-MM-DD or an ISO 8601 time)")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment if moment.time() != time() else moment.replace(hour=12))
    if moment > timezone.now() + timedelta(days=1):
        raise RowError("the date is in the future")
    return moment


def parse_topic(raw: Any) -> str:
    text = plain_text(raw, 200)
    if not text:
        return ""
    if text in Topic.values:
        return text
    key = " ".join(fold(text).lower().split())
    for code, names in DEFAULT_NAMES.items():
        if key in {" ".join(fold(n).lower().split()) for n in names}:
            return code
    code = topic_from_slug(_slug(text))  # "y tế" -> y-te -> health
    if code:
        return code
    raise RowError(f"unknown topic {text[:40]!r}")


def normalise_url(raw: Any) -> str:
    text = plain_text(raw, 2000)
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise RowError(f"not a web address: {text[:60]!r}")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def parse_sources(raw: Any) -> list[dict[str, str]]:
    if raw in (None, ""):
        return []
    items: list[Any]
    if isinstance(raw, str):
        try:
            decoded = json.loads(raw)
            items = decoded if isinstance(decoded, list) else [raw]
        except ValueError:
            items = [part for part in re.split(r"\s*(?:\n| \| )\s*", raw) if part.strip()]
    elif isinstance(raw, list):
        items = raw
    else:
        items = [raw]
    sources = []
    for item in items[:MAX_SOURCES]:
        if isinstance(item, dict):
            url = item.get("url") or item.get("@id") or ""
            title = plain_text(item.get("title") or item.get("name") or url, 300)
        else:
            url, title = (item, "") if str(item).startswith(("http://", "https://")) else ("", str(item))
        url = normalise_url(url) if url else ""
        title = plain_text(title, 300) or url
        if title or url:
            sources.append({"title": title, "url": url})
    return sources


def first_sentence(text: str, limit: int = MAX_TITLE) -> str:
    head = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0]
    return head[:limit].rstrip()


def from_claimreview(item: dict[str, Any]) -> dict[str, Any]:
    """A ClaimReview object mapped onto the row shape the other formats use."""
    reviewed = item.get("itemReviewed") if isinstance(item.get("itemReviewed"), dict) else {}
    appearances = reviewed.get("appearance") or []
    if isinstance(appearances, (dict, str)):
        appearances = [appearances]
    first = reviewed.get("firstAppearance")
    if first:
        appearances = [first, *appearances]
    return {
        "source_id": item.get("identifier") or item.get("@id"),
        "url": item.get("url"),
        "title": item.get("name") or item.get("headline"),
        "claim": item.get("claimReviewed"),
        "explanation": item.get("reviewBody") or item.get("description"),
        "date": item.get("datePublished"),
        "topic": item.get("topic"),
        "sources": item.get("citation"),
        "_rating": item.get("reviewRating"),
        "_appearances": [a.get("url") if isinstance(a, dict) else a for a in appearances],
    }


def clean_row(line: int, record: Any, options: Options) -> Row:
    if isinstance(record, RowError):
        raise record
    if not isinstance(record, dict):
        raise RowError("a row must be an object")
    is_review = record.get("@type") == "ClaimReview"
    if "@type" in record and not is_review:
        raise RowError(f"JSON-LD type {str(record.get('@type'))[:40]!r} is not a ClaimReview")
    if is_review:
        record = from_claimreview(record)
    source_id = plain_text(pick(record, "source_id"), 200)
    url = normalise_url(pick(record, "url"))
    if not source_id and not url:
        raise RowError("no source id or original URL, so a second run could not recognise it")
    key = f"id:{source_id}" if source_id else f"url:{url}"
    explanation = plain_text(pick(record, "explanation"))
    title = plain_text(pick(record, "title"), 10_000)
    claim = plain_text(pick(record, "claim"))
    if not (title or claim or explanation):
        raise RowError("no title, claim or explanation")
    title = title or first_sentence(claim or explanation)
    if len(title) > MAX_TITLE:
        raise RowError(f"title longer than {MAX_TITLE} characters")
    claim = claim or title
    explanation = explanation or claim
    label, assigned = _row_label(record, is_review, options)
    raw_date = pick(record, "date")
    published = parse_date(raw_date) if raw_date not in (None, "") else timezone.now()
    appearances = [normalise_url(u) for u in record.get("_appearances", []) if u]
    return Row(
        line,
        key[:500],
        title,
        claim,
        label,
        assigned,
        explanation,
        parse_sources(pick(record, "sources")),
        parse_topic(pick(record, "topic")),
        published,
        raw_date in (None, ""),
        url,
        appearances[:20],
    )


def _row_label(record: dict[str, Any], is_review: bool, options: Options) -> tuple[str, bool]:
    raw: Any = None
    if is_review:
        found = rating_label(record.get("_rating"))
        if found:
            return found, False
    elif options.label_column:
        raw = record.get(options.label_column)
    if raw in (None, "") or (isinstance(raw, str) and not raw.strip()):
        if options.label:
            return options.label, True
        raise RowError("no label (pass --label to assign one; it is recorded as assigned at import)")
    return parse_label(raw), False


# --- writing ----------------------------------------------------------------------------------------


def _slug(title: str) -> str:
    from django.utils.text import slugify

    return (slugify(fold(title).replace("đ", "d").replace("Đ", "D")) or "xac-minh")[:100]


def _embedding(text: str) -> bytes | None:
    from verification.matching import get_matcher, vectors_to_bytes

    try:
        return vectors_to_bytes(get_matcher().embed(text)) if text.strip() else None
    except Exception:  # noqa: BLE001 - without vectors the matcher embeds the claim itself
        return None


def store(row: Row, options: Options) -> Verdict:
    """Write one row's claim, verdict, provenance and search entry (inside a transaction)."""
    claim = Claim.objects.create(
        representative_text=row.claim,
        topic=row.topic,
        state=ClaimState.PUBLISHED,
        report_count=0,
        first_seen=row.published_at,
        last_seen=row.published_at,
        concluded_at=row.published_at,
        created_at=row.published_at,
        match_urls=sorted(set(row.appearances))[:50],
        embedding=_embedding(row.claim),
    )
    verdict = Verdict.objects.create(
        claim=claim,
        label=row.label,
        title=row.title,
        slug=_slug(row.title),
        claim_reviewed=row.claim,
        explanation=row.explanation,
        sources=row.sources,
        published_at=row.published_at,
    )
    ImportedVerdict.objects.create(
        source_key=row.source_key,
        verdict=verdict,
        original_url=row.original_url,
        source_file=options.source_file[:300],
        label_assigned=row.label_assigned,
        date_assigned=row.date_assigned,
    )
    return verdict


def import_records(
    records: Iterable[tuple[int, Any]], options: Options, progress: Callable[[], None] | None = None
) -> ImportReport:
    report = ImportReport(dry_run=options.dry_run)
    seen: set[str] = set()
    known = set(ImportedVerdict.objects.values_list("source_key", flat=True))
    for line, record in records:
        report.read += 1
        try:
            row = clean_row(line, record, options)
        except RowError as exc:
            report.rejected.append(Rejected(line, _key_hint(record), str(exc)))
        else:
            if row.source_key in known or row.source_key in seen:
                report.already_present += 1
            elif options.dry_run:
                report.imported += 1
            else:
                try:
                    with transaction.atomic():
                        report.verdict_ids.append(store(row, options).pk)
                    report.imported += 1
                except IntegrityError:  # another import wrote the same key meanwhile
                    report.already_present += 1
            seen.add(row.source_key)
        if progress is not None:
            progress()
    if report.verdict_ids:
        transaction.on_commit(_refresh_after_import)
    return report


def _refresh_after_import() -> None:
    from verification.matching import get_matcher

    from .search_index import mark_changed

    get_matcher()
    mark_changed()


def _key_hint(record: Any) -> str:
    if isinstance(record, dict):
        for name in ("source_id", "url"):
            value = pick(record, name)
            if isinstance(value, (str, int)):
                return str(value)[:80]
    return ""


def import_file(
    path: Path, options: Options, fmt: str = "", progress_factory: Callable[[int], Any] | None = None
) -> ImportReport:
    """Read, check and import one file. Raises ImportFileError for a file that cannot be read."""
    if options.label and options.label not in Verdict.Label.values:
        raise ImportFileError(f"--label must be one of {', '.join(Verdict.Label.values)}.")
    fmt = detect_format(path, fmt)
    text = read_text(path)
    records = list(READERS[fmt](text))
    bar = progress_factory(len(records)) if progress_factory else None
    try:
        return import_records(records, options, progress=(lambda: bar.update(1)) if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
