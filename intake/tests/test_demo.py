"""`load_demo`: development only, idempotent, real intake and matching."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from claimmatch import MatchConfig
from claimmatch.text_keys import text_keys
from core.models import OutboxTask
from core.reference import PROVINCES, Channel, Platform, Topic
from intake.demo_reports import COPY_VARIANTS, DEMO_REPORTS, VARIANTS
from intake.management.commands.load_demo import demo_tracking_code
from intake.models import CODE_ALPHABET, Report, ReporterContact, ReportLink
from verification.models import Claim

# Every test here may touch the database (the intake conftest clears the database cache).
pytestmark = pytest.mark.django_db

BY_KEY = {item.key: item for item in DEMO_REPORTS}


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _originals() -> dict[str, str]:
    return {item.rumour: item.key for item in DEMO_REPORTS if item.variant == "original"}


def _copies() -> list[tuple[str, str]]:
    """(copy key, original key) for every accent-stripped or chat-spelled copy in the data."""
    originals = _originals()
    return [(item.key, originals[item.rumour])
            for item in DEMO_REPORTS if item.variant in COPY_VARIANTS]


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="never reach a production database"):
        _load()
    assert Report.objects.count() == 0


def test_demo_data_says_what_it_is():
    """Copies really are copies once folded, and each rumour's original arrived first."""
    assert len({item.key for item in DEMO_REPORTS}) == len(DEMO_REPORTS)
    assert all(item.variant in VARIANTS for item in DEMO_REPORTS)
    assert len(_originals()) == sum(1 for item in DEMO_REPORTS if item.variant == "original")
    min_tokens = MatchConfig().min_tokens_for_autolink
    for copy_key, original_key in _copies():
        copy, original = BY_KEY[copy_key], BY_KEY[original_key]
        folded = text_keys(copy.text).folded_tokens
        assert folded == text_keys(original.text).folded_tokens, copy_key
        assert copy.text != original.text, copy_key
        assert len(folded) >= min_tokens
    for rumour, original_key in _originals().items():
        ages = [item.hours_ago for item in DEMO_REPORTS if item.rumour == rumour]
        assert BY_KEY[original_key].hours_ago == max(ages), rumour
    codes = [demo_tracking_code(item.key) for item in DEMO_REPORTS]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 10 and set(code) <= set(CODE_ALPHABET) for code in codes)


def test_loads_about_forty_valid_reports_spread_over_two_weeks(debug_on):
    before = timezone.now()
    output = _load()
    reports = list(Report.objects.all())
    assert 35 <= len(reports) == len(DEMO_REPORTS) <= 50
    assert {r.tracking_code for r in reports} == {demo_tracking_code(i.key) for i in DEMO_REPORTS}
    for report in reports:
        report.full_clean()  # choices, lengths: what the model itself accepts
        assert report.text.strip() or report.links.exists()
        assert report.claim_id is not None and report.matched_at is not None
    channels = {r.channel for r in reports}
    assert channels == {Channel.WEB, Channel.API, Channel.HOTLINE, Channel.EMAIL}
    assert {r.topic for r in reports if r.topic} <= set(Topic.values)
    assert len({r.topic for r in reports if r.topic}) >= 6
    assert {r.platform for r in reports if r.platform} <= set(Platform.values)
    assert {r.province for r in reports if r.province} <= set(PROVINCES)
    ages = [before - r.received_at for r in reports]
    assert max(ages) <= timedelta(days=14) and min(ages) >= timedelta(0)
    assert max(ages) - min(ages) >= timedelta(days=10)
    # Former province names given on the form were mapped to the units that absorbed them.
    by_key = {r.tracking_code: r for r in reports}
    assert by_key[demo_tracking_code("la-oi-4")].province == "tuyen-quang"  # Hà Giang
    assert by_key[demo_tracking_code("vo-dap-1")].province == "da-nang"  # Quảng Nam
    # Contacts only with consent, only invented addresses, and most reports anonymous.
    contacts = list(ReporterContact.objects.all())
    assert 0 < len(contacts) < len(reports) / 3
    assert all(c.consent_to_contact and (c.email or c.phone) for c in contacts)
    assert all(c.email.split("@")[1].startswith("example.") for c in contacts if c.email)
    # The summary gives codes a new user can paste, in the form the status page shows.
    assert f"Demo reports: {len(DEMO_REPORTS)}" in output
    assert any(r.display_code in output for r in reports)


def _assert_copies_join_their_original() -> None:
    """Accent-stripped and chat-spelled copies must join their original's claim.

    Only copies are asserted: the engine guarantees that a long enough text whose folded
    form equals a claim's auto-links; rewordings and shared links may or may not.
    """
    claim_of = dict(Report.objects.values_list("tracking_code", "claim_id"))
    copies = _copies()
    for copy_key, original_key in copies:
        original_claim = claim_of[demo_tracking_code(original_key)]
        assert claim_of[demo_tracking_code(copy_key)] == original_claim, copy_key
    rumours_with_copies = {BY_KEY[original].rumour for _, original in copies}
    assert len(rumours_with_copies) >= 8
    grouped = Claim.objects.annotate(n=Count("reports")).filter(n__gt=1)
    assert grouped.count() >= len(rumours_with_copies)
    assert all(claim.report_count == claim.n for claim in grouped)


def _assert_claims_dated_by_their_reports() -> None:
    """So the claim queue shows how fast each rumour spreads, not when the demo was loaded."""
    received = defaultdict(list)
    for claim_id, at in Report.objects.values_list("claim_id", "received_at"):
        received[claim_id].append(at)
    for claim in Claim.objects.all():
        assert claim.first_seen == min(received[claim.pk])
        assert claim.last_seen == max(received[claim.pk])


def test_copies_are_grouped_and_a_second_run_changes_nothing(debug_on):
    models = (Report, ReportLink, ReporterContact, Claim, OutboxTask)
    _load()
    _assert_copies_join_their_original()
    _assert_claims_dated_by_their_reports()
    counts = [m.objects.count() for m in models]
    fields = ("pk", "report_count", "first_seen", "last_seen")
    claims = sorted(Claim.objects.values_list(*fields))
    output = _load()
    assert [m.objects.count() for m in models] == counts
    assert sorted(Claim.objects.values_list(*fields)) == claims
    assert f"0 added now, {len(DEMO_REPORTS)} already there" in output
