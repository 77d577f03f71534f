"""After `load_demo`, the desk has claims in several states to show (development only)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from verification.demo import PUBLISHED_KEY, REFERRAL_KEY, REVIEW_KEY, _claim_of, stage_demo_claims
from verification.models import Claim, ClaimState, Referral, TakedownRequest

pytestmark = pytest.mark.django_db


def test_load_demo_leaves_claims_in_several_states(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=io.StringIO())
    states = set(Claim.objects.values_list("state", flat=True))
    assert {ClaimState.NEW, ClaimState.AWAITING_REVIEW, ClaimState.PUBLISHED, ClaimState.IN_VERIFICATION} <= states
    published = _claim_of(PUBLISHED_KEY)
    assert published.state == ClaimState.PUBLISHED and published.verdict.is_public and published.verdict.revisions.count() == 1
    assert published.verdict.revisions.get().approved_by.username == "demo-editor"
    assert TakedownRequest.objects.filter(claim=published).exists()
    review = _claim_of(REVIEW_KEY)
    assert review.state == ClaimState.AWAITING_REVIEW and review.proposed_by.username == "demo-verifier"
    referred = _claim_of(REFERRAL_KEY)
    assert referred.state == ClaimState.IN_VERIFICATION and Referral.objects.filter(claim=referred).count() == 1
    assert "(desk) claim" in out.getvalue()
    from verification.demo import PUBLIC_TITLES

    home = Client(HTTP_HOST="127.0.0.1").get("/").content.decode()
    for key, title in PUBLIC_TITLES.items():
        claim = _claim_of(key)
        assert claim.public_title == title and claim.public_title_approved_at is not None
        assert (claim.public_title_written_by.username, claim.public_title_approved_by.username) == (
            "demo-verifier", "demo-editor")
        assert title in home and claim.representative_text not in home
    before = list(Claim.objects.order_by("pk").values_list("pk", "state", "version"))
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())  # idempotent
    assert list(Claim.objects.order_by("pk").values_list("pk", "state", "version")) == before


def test_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        stage_demo_claims()
