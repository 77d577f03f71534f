"""Open data: CSV and JSON of public verdicts, licence stated, formulas escaped, regenerated."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import timezone

from publishing.opendata import escape_formula

from .factories import published_verdict

pytestmark = pytest.mark.django_db


def _download(web, fmt: str):
    response = web.get(f"/du-lieu-mo/xac-minh.{fmt}")
    assert response.status_code == 200
    assert 'rel="license"' in response["Link"] and "creativecommons.org/licenses/by/4.0" in response["Link"]
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize(
    ("cell", "escaped"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Tin giả", "Tin giả"),
        ("a=b", "a=b"),
    ],
)
def test_escape_formula(cell, escaped):
    assert escape_formula(cell) == escaped


def test_csv_cells_that_look_like_formulas_are_escaped(web):
    verdict = published_verdict('=HYPERLINK("http://evil.example","bấm vào")', "+84 gọi ngay", "@everyone -1")
    rows = list(csv.DictReader(io.StringIO(_download(web, "csv"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["title"] == "'" + verdict.title
    assert row["claim_reviewed"] == "'+84 gọi ngay"
    assert row["explanation"] == "'@everyone -1"
    assert row["id"] == str(verdict.pk) and row["label"] == "fabricated" and row["label_name"] == "Tin giả"
    json_rows = json.loads(_download(web, "json"))["verdicts"]
    assert json_rows[0]["title"] == verdict.title  # JSON carries the text unchanged


def test_json_states_the_licence_and_only_public_verdicts(web):
    public = published_verdict("Công khai", sources=[{"title": "Nguồn", "url": "https://example.org"}])
    hidden = published_verdict("Đã rút lại")
    hidden.unpublished_at = timezone.now()
    hidden.save()
    data = json.loads(_download(web, "json"))
    assert data["license"] == "CC BY 4.0" and data["license_url"].startswith("https://creativecommons.org/")
    assert [v["id"] for v in data["verdicts"]] == [public.pk]
    assert data["verdicts"][0]["sources"] == [{"title": "Nguồn", "url": "https://example.org"}]


def test_files_are_regenerated_when_verdicts_change(web):
    published_verdict("Tin thứ nhất")
    first = json.loads(_download(web, "json"))
    assert len(first["verdicts"]) == 1
    assert json.loads(_download(web, "json"))["generated_at"] == first["generated_at"]  # served from the file
    published_verdict("Tin thứ hai")
    second = json.loads(_download(web, "json"))
    assert len(second["verdicts"]) == 2
    assert len(list(csv.DictReader(io.StringIO(_download(web, "csv"))))) == 2


def test_unknown_format_is_a_404_page(web):
    assert web.get("/du-lieu-mo/xac-minh.xlsx").status_code == 404
    assert "CC BY 4.0" in web.get("/du-lieu-mo/").content.decode()
