"""`manage.py import_verdicts`: formats, real archive, idempotency, dry run, bad files and rows."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from publishing.check import check
from publishing.models import ImportedVerdict
from publishing.search import search
from verification.models import Claim, ClaimState, Verdict

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VAFC = (
    Path(os.environ.get("TINGIA_SHARED_DATA", ROOT / ".." / "shared" / "data"))
    / "vafc-tingia-crawl"
    / "vafc_debunks.jsonl"
)


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_verdicts", str(path), "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.skipif(not VAFC.exists(), reason=f"shared data set not found at {VAFC}")
def test_real_vafc_debunks_import_once_and_become_searchable_and_checkable():
    rows = [json.loads(line) for line in VAFC.read_text(encoding="utf-8").splitlines() if line.strip()]
    refused = run(VAFC)
    assert f"rejected: {len(rows)}" in refused and Verdict.objects.count() == 0
    assert "is a number, not a verdict label" in refused
    dry = run(VAFC, "--label", "fabricated", "--label-column", "", "--dry-run")
    assert f"would be imported: {len(rows)}" in dry and Verdict.objects.count() == 0
    first = run(VAFC, "--label", "fabricated", "--label-column", "")
    assert f"imported: {len(rows)};" in first and "rejected: 0" in first
    second = run(VAFC, "--label", "fabricated", "--label-column", "")
    assert "imported: 0;" in second and f"already present: {len(rows)}" in second
    assert Verdict.objects.count() == len(rows) == ImportedVerdict.objects.count()
    record = ImportedVerdict.objects.get(source_key=f"id:{rows[5]['id']}")
    assert record.label_assigned and record.date_assigned
    verdict = record.verdict
    assert verdict.claim.state == ClaimState.PUBLISHED and verdict.claim.concluded_at is not None
    assert verdict.title == rows[5]["headline_guess"]
    # Searchable at once, accents or not, and checkable through the matching engine.
    from vntext import strip_diacritics

    headline = rows[5]["headline_guess"]
    hits = [h.verdict.pk for h in search(strip_diacritics(headline).lower(), page_size=5).hits]
    assert verdict.pk in hits
    result = check(strip_diacritics(headline))
    assert result.matches and result.matches[0].verdict.pk == verdict.pk


def test_csv_with_labels_dates_topics_sources_and_rejected_rows(tmp_path):
    path = write(
        tmp_path,
        "archive.csv",
        (
            "source_id,title,claim,label,explanation,sources,topic,date,url\n"
            "a1,Muối i-ốt không gây ung thư,Ăn muối i-ốt gây ung thư,Tin giả,Không có bằng chứng.,"
            "https://example.org/who,y tế,2024-05-01,https://archive.example.org/a1\n"
            "a2,Đổi tiền là tin sai,Nhà nước đổi tiền,misleading,Không có kế hoạch.,,economy_finance,01/02/2023,\n"
            "a3,Tin đúng,Có mưa lớn,true,Đúng như dự báo.,,disaster_epidemic,2023-03-03T10:00:00+07:00,\n"
            "a4,Không nhãn,Một tin,,Giải thích.,,,,\n"
            "a5,Nhãn lạ,Một tin,maybe,Giải thích.,,,,\n"
            "a6,Ngày sai,Một tin,true,Giải thích.,,,ngày mai,\n"
            "a7,Lĩnh vực sai,Một tin,true,Giải thích.,,vũ trụ,,\n"
            ",Không khóa,Một tin,true,Giải thích.,,,,\n"
        ),
    )
    out = run(path)
    assert "imported: 3;" in out and "rejected: 5" in out
    for reason in (
        "no label",
        "unknown label 'maybe'",
        "unreadable date",
        "unknown topic",
        "no source id or original URL",
    ):
        assert reason in out
    salt = ImportedVerdict.objects.get(source_key="id:a1").verdict
    assert (salt.label, salt.claim.topic) == ("fabricated", "health")
    assert salt.sources == [{"title": "https://example.org/who", "url": "https://example.org/who"}]
    assert salt.published_at.date().isoformat() == "2024-05-01"
    assert salt.import_record.original_url == "https://archive.example.org/a1"
    assert ImportedVerdict.objects.get(source_key="id:a2").verdict.label == "distorted"
    assert "imported: 0;" in run(path)


def test_claimreview_json_ld_is_imported_with_its_rating_and_appearances(tmp_path):
    doc = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "ClaimReview",
                "url": "https://factcheck.example.org/1",
                "claimReviewed": "Uống nước chanh chữa ung thư",
                "name": "Nước chanh không chữa ung thư",
                "datePublished": "2024-01-02",
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": 1,
                    "bestRating": 5,
                    "worstRating": 1,
                    "alternateName": "False",
                },
                "itemReviewed": {
                    "@type": "Claim",
                    "appearance": [{"@type": "CreativeWork", "url": "https://social.example.com/p/9"}],
                },
            },
            {
                "@type": "ClaimReview",
                "url": "https://factcheck.example.org/2",
                "claimReviewed": "Một tin",
                "reviewRating": {"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1},
            },
            {"@type": "NewsArticle", "url": "https://factcheck.example.org/3"},
        ],
    }
    out = run(write(tmp_path, "reviews.jsonld", json.dumps(doc)))
    assert "imported: 2;" in out and "is not a ClaimReview" in out
    first = ImportedVerdict.objects.get(source_key="url:https://factcheck.example.org/1").verdict
    assert first.label == "fabricated" and first.claim.match_urls == ["https://social.example.com/p/9"]
    assert (
        ImportedVerdict.objects.get(source_key="url:https://factcheck.example.org/2").verdict.label
        == "distorted"
    )
    assert check("", "https://social.example.com/p/9").matches[0].verdict.pk == first.pk


def test_hostile_html_is_reduced_to_text(tmp_path, web):
    row = {
        "id": "h1",
        "label": "fabricated",
        "title": "<b>Tin</b> <script>alert(1)</script>giả",
        "explanation": "<p>Đoạn một<img src=x onerror=alert(2)></p><p>Đoạn <a href='javascript:x'>hai</a> &amp; ba</p>",
        "claim": "<style>body{}</style>Tin đồn",
    }
    run(write(tmp_path, "h.jsonl", json.dumps(row, ensure_ascii=False)))
    verdict = Verdict.objects.get()
    assert verdict.title == "Tin giả" and verdict.claim_reviewed == "Tin đồn"
    assert verdict.explanation == "Đoạn một\nĐoạn hai & ba"
    page = web.get(verdict.get_absolute_url()).content.decode()
    assert "onerror" not in page and "javascript:x" not in page and "alert(1)" not in page


def test_formula_cells_are_kept_as_text_and_escaped_on_export(tmp_path, web):
    path = write(
        tmp_path, "f.csv", 'id,title,label,explanation\nf1,"=HYPERLINK(""http://x"",""y"")",true,@SUM(1)\n'
    )
    assert "imported: 1;" in run(path)
    verdict = Verdict.objects.get()
    assert verdict.title == '=HYPERLINK("http://x","y")'
    csv_text = b"".join(web.get("/du-lieu-mo/xac-minh.csv").streaming_content).decode()
    assert "'=HYPERLINK" in csv_text and "'@SUM(1)" in csv_text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin.csv", "id,title,label\n1,Tin gi\u1ea3,true\n".encode("utf-16"), "not UTF-8"),
        ("cp1258.jsonl", b'{"id": "1", "title": "Tin gi\xe1"}\n', "not UTF-8"),
        ("cols.csv", "foo,bar\n1,2\n", "lacks required columns"),
        ("empty.csv", "", "no header row"),
        ("bad.jsonld", "{not json", "not valid JSON"),
        ("list.jsonld", "42", "must hold a ClaimReview"),
        ("data.txt", "hello", "Cannot tell the format"),
    ],
)
def test_malformed_files_get_a_clear_error(tmp_path, name, content, message):
    with pytest.raises(CommandError) as info:
        run(write(tmp_path, name, content))
    assert message in str(info.value)
    assert Verdict.objects.count() == 0


def test_bad_rows_in_json_lines_are_reported_and_the_rest_imported(tmp_path):
    lines = [
        '{"id": "ok", "title": "Tin", "label": "true"}',
        "{broken",
        "[1, 2]",
        '{"id": "list", "title": ["x"], "label": "true"}',
        '{"id": "long", "title": "' + "x" * 400 + '", "label": "true"}',
        '{"id": "ok", "title": "Tin lặp lại", "label": "true"}',
    ]
    out = run(write(tmp_path, "rows.jsonl", "\n".join(lines)))
    assert "imported: 1;" in out and "already present: 1" in out and "rejected: 4" in out
    assert "line 2: not valid JSON" in out and "a row must be an object" in out
    assert "holds a list or an object" in out and "title longer than 300" in out


def test_missing_file_and_bad_label_option(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "nope.jsonl")
    with pytest.raises(CommandError):
        run(write(tmp_path, "x.jsonl", "{}"), "--label", "maybe")


def test_imported_claims_leave_the_open_queue_alone(tmp_path):
    run(write(tmp_path, "x.jsonl", '{"id": "1", "title": "Tin", "label": "true"}'))
    assert Claim.objects.filter(state=ClaimState.PUBLISHED, report_count=0).count() == 1
