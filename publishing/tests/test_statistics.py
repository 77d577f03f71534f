"""Statistics: counts, time to verdict (median and 90th percentile), SVG charts with tables."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.tests.staff_support import make_staff, sign_in
from intake.models import Report
from publishing.stats import compute, percentile

from .conftest import vi
from .factories import published_verdict

pytestmark = pytest.mark.django_db


def test_percentile_interpolates():
    assert percentile([], 90) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90) == pytest.approx(9.1)
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


def test_counts_and_times_to_verdict():
    now = timezone.now()
    hours = [2, 4, 6, 8, 30]
    for i, h in enumerate(hours):
        verdict = published_verdict(
            f"Tin {i}",
            published_at=now - timedelta(days=1),
            first_seen=now - timedelta(days=1, hours=h),
            topic="health" if i % 2 else "scam_link",
            label="true" if i == 0 else "fabricated",
        )
        Report.objects.create(
            channel="web" if i < 3 else "hotline",
            text="x",
            platform="facebook",
            province="ha-noi",
            topic=verdict.claim.topic,
            claim=verdict.claim,
            received_at=now - timedelta(days=1),
        )
    published_verdict(
        "Nhập từ kho",
        published_at=now - timedelta(days=2),
        report_count=0,
        first_seen=now - timedelta(days=400),
    )
    Report.objects.create(channel="web", text="cũ", received_at=now - timedelta(days=60))
    stats = compute(30)
    assert stats.reports_total == 5
    assert stats.by_channel == {"web": 3, "hotline": 2}
    assert stats.by_topic == {"scam_link": 3, "health": 2}
    assert stats.by_province == {"ha-noi": 5} and stats.by_platform == {"facebook": 5}
    assert stats.verdicts_by_label == {"fabricated": 5, "true": 1}
    assert stats.hours_to_verdict["count"] == 5  # the imported verdict has no report
    assert stats.hours_to_verdict["median"] == pytest.approx(6.0, abs=0.01)
    assert stats.hours_to_verdict["p90"] == pytest.approx(percentile([float(h) for h in hours], 90), abs=0.01)
    assert sum(n for _, n in stats.per_day) == 5 and len(stats.per_day) == 31


def test_takedowns_are_counted_from_the_desk():
    from verification.models import TakedownRequest

    verdict = published_verdict("Tin có yêu cầu gỡ")
    TakedownRequest.objects.create(
        claim=verdict.claim, url="https://example.com/a", platform="facebook", status="removed"
    )
    TakedownRequest.objects.create(claim=verdict.claim, url="https://example.com/b", platform="tiktok")
    assert compute(30).takedowns == {"requested": 2, "removed": 1}


def test_public_page_draws_svg_charts_with_number_tables(web):
    verdict = published_verdict("Tin thống kê")
    Report.objects.create(channel="web", text="x", topic="health", claim=verdict.claim)
    response = web.get("/thong-ke/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") >= 6 and 'aria-hidden="true"' in page
    assert page.count('<div class="sr-only"><table>') == page.count("<svg")
    assert f'<th scope="row">{vi("Web form")}</th><td>1</td>' in page
    assert "<script" not in page
    assert web.get("/thong-ke/", {"days": "abc"}).status_code == 200
    assert web.get("/thong-ke/", {"days": "99999999999"}).status_code == 200


def test_staff_version_needs_a_staff_role(web):
    assert web.get("/staff/thong-ke/").status_code == 302
    sign_in(web, make_staff("no-role"))
    assert web.get("/staff/thong-ke/").status_code == 403
    web.logout()
    sign_in(web, make_staff("operator-1", "operator"))
    response = web.get("/staff/thong-ke/")
    assert response.status_code == 200
    page = response.content.decode()
    assert vi("Statistics (staff)") in page and vi("Claims by state (not dismissed)") in page
