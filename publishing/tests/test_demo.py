"""Demo verdicts: development only, tied to demo reports, idempotent, searchable."""

from __future__ import annotations

import pytest
from django.utils import timezone

from intake.demo_reports import DEMO_REPORTS
from intake.management.commands.load_demo import match_now, submit_demo_report
from publishing.demo import DEMO_VERDICTS, DemoRefused, load_demo_verdicts
from publishing.search import search
from verification.models import ClaimState

pytestmark = pytest.mark.django_db
BY_KEY = {item.key: item for item in DEMO_REPORTS}


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(DemoRefused):
        load_demo_verdicts()


def test_every_demo_verdict_concludes_an_existing_demo_report():
    assert 8 <= len(DEMO_VERDICTS) <= 12
    assert all(item.report_key in BY_KEY for item in DEMO_VERDICTS)
    assert {item.label for item in DEMO_VERDICTS} == {"fabricated", "distorted", "true"}


def test_publishes_verdicts_for_the_demo_claims_present(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    now = timezone.now()
    reports = [submit_demo_report(BY_KEY[key], now) for key in ("la-oi-1", "sms-ngan-hang-1")]
    match_now([r.pk for r in reports])
    added, present, missing = load_demo_verdicts()
    assert (added, present) == (2, 0) and len(missing) == len(DEMO_VERDICTS) - 2
    for report in reports:
        report.refresh_from_db()
        claim = report.claim
        assert claim.state == ClaimState.PUBLISHED and claim.verdict.is_public
        assert claim.verdict.published_at > claim.first_seen
    assert load_demo_verdicts()[:2] == (0, 2)
    assert [h.verdict.claim_id for h in search("la oi tieu duong").hits] == [reports[0].claim_id]
    history = list(reports[0].claim.verdict.revisions.order_by("seq").values_list("kind", flat=True))
    assert history == ["published", "corrected"]
