"""The claim queue: readable priority, filters, search with and without accents, scope, bulk dismissal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.formats import localize

from core import topics
from core.tests.staff_support import make_staff
from intake.models import Report
from verification import handling
from verification.models import Claim, ClaimState
from verification.selectors import QueueFilters, queue

from .conftest import OTHER_RUMOUR, RUMOUR, THIRD_RUMOUR

pytestmark = pytest.mark.django_db


def age(report: Report, hours: float) -> None:
    """Move a report (and its claim's first sighting) back in time, as if it arrived earlier."""
    when = timezone.now() - timedelta(hours=hours)
    Report.objects.filter(pk=report.pk).update(received_at=when)
    claim = Claim.objects.get(pk=report.claim_id)
    if when < claim.first_seen:
        Claim.objects.filter(pk=claim.pk).update(first_seen=when, created_at=when)


def ids(rows) -> list[int]:  # noqa: ANN001
    return [row.claim.pk for row in rows]


def test_a_surge_rises_above_a_bigger_steady_claim(send_report, verifier):
    # An old rumour: 8 reports spread over 10 days, one today.
    steady = [send_report(RUMOUR) for _ in range(8)]
    for i, report in enumerate(steady):
        age(report, 240 - i * 30)
    # A new rumour: 5 reports in the last three hours.
    surge = [send_report(OTHER_RUMOUR, platform="zalo") for _ in range(5)]
    for i, report in enumerate(surge):
        age(report, 3 - i * 0.5)
    rows = queue(verifier, QueueFilters())
    by_claim = {row.claim.pk: row for row in rows}
    hot, old = by_claim[surge[0].claim_id], by_claim[steady[0].claim_id]
    assert old.claim.report_count > hot.claim.report_count
    assert ids(rows)[0] == hot.claim.pk
    assert hot.priority.surge > 1 and hot.priority.surging and old.priority.surge == 0
    assert old.priority.overdue and not hot.priority.overdue  # 240 h against the default 48 h SLA


def test_topic_risk_weight_and_sla_come_from_the_topic_settings(send_report, verifier, admin_user):
    health = send_report(RUMOUR, topic="health")
    scam = send_report(OTHER_RUMOUR, topic="scam_link")
    for report in (health, scam):
        age(report, 10)
    baseline = {row.claim.pk: row.priority for row in queue(verifier, QueueFilters())}
    assert baseline[health.claim_id].score == baseline[scam.claim_id].score
    topics.update_topic_setting("health", {"risk_weight": 3.0, "sla_hours": 8}, actor=admin_user)
    rows = queue(verifier, QueueFilters())
    assert ids(rows)[0] == health.claim_id
    priority = rows[0].priority
    assert priority.risk == 3.0 and priority.sla_hours == 8 and priority.overdue


def test_the_page_shows_the_score_and_its_parts(send_report, verifier, as_user):
    report = send_report(RUMOUR, topic="health")
    page = as_user(verifier).get("/staff/claims/")
    assert page.status_code == 200
    html = page.content.decode()
    row = queue(verifier, QueueFilters())[0]
    assert f"/staff/claims/{report.claim_id}/" in html
    for part in ("risk", "volume", "surge", "deadline"):
        assert part in html
    with translation.override("en"):  # the page's language (numbers are localised)
        assert localize(row.priority.score) in html and localize(row.priority.volume) in html


@pytest.mark.parametrize("query", ["tiểu đường lá ổi", "tieu duong la oi", "TIEU DUONG", "tiểu đuờng"])
def test_search_with_and_without_diacritics(send_report, verifier, query):
    wanted = send_report(RUMOUR)
    send_report(OTHER_RUMOUR)
    assert ids(queue(verifier, QueueFilters(q=query))) == [wanted.claim_id]


def test_search_by_tracking_code_finds_the_claim(send_report, verifier):
    wanted = send_report(RUMOUR)
    send_report(OTHER_RUMOUR)
    assert ids(queue(verifier, QueueFilters(q=wanted.display_code.lower()))) == [wanted.claim_id]


def test_filters(send_report, verifier, editor):
    web = send_report(RUMOUR, platform="facebook", province="ha-noi", topic="health")
    hotline = send_report(OTHER_RUMOUR, platform="zalo", province="da-nang", channel="hotline",
                          topic="economy_finance")
    third = send_report(THIRD_RUMOUR, platform="tiktok", province="da-nang", topic="disaster_epidemic")
    from verification import actions

    actions.assign(Claim.objects.get(pk=third.claim_id), editor, verifier)
    actions.transition(Claim.objects.get(pk=third.claim_id), ClaimState.TRIAGED, verifier)
    cases = {
        QueueFilters(platform="zalo"): [hotline.claim_id],
        QueueFilters(province="da-nang"): sorted([hotline.claim_id, third.claim_id]),
        QueueFilters(channel="hotline"): [hotline.claim_id],
        QueueFilters(topic="health"): [web.claim_id],
        QueueFilters(state="triaged"): [third.claim_id],
        QueueFilters(assignee="me"): [third.claim_id],
        QueueFilters(assignee="none"): sorted([web.claim_id, hotline.claim_id]),
        QueueFilters(assignee=str(verifier.pk), province="ha-noi"): [],
    }
    for filters, expected in cases.items():
        assert sorted(ids(queue(verifier, filters))) == expected, filters


def test_filters_over_http(send_report, verifier, as_user):
    send_report(RUMOUR, platform="facebook")
    zalo = send_report(OTHER_RUMOUR, platform="zalo")
    html = as_user(verifier).get("/staff/claims/", {"platform": "zalo", "q": "ngan hang"}).content.decode()
    assert f'data-claim="{zalo.claim_id}"' in html and html.count("data-claim=") == 1


def test_concluded_claims_leave_the_queue(send_report, verifier):
    report = send_report(RUMOUR)
    from verification import actions

    actions.dismiss(Claim.objects.get(pk=report.claim_id), verifier, "spam")
    assert queue(verifier, QueueFilters()) == []


def test_province_scope_limits_the_queue_and_the_claim_page(send_report, as_user):
    hanoi = send_report(RUMOUR, province="ha-noi")
    danang = send_report(OTHER_RUMOUR, province="da-nang")
    local = make_staff("hn.verifier", "verifier", provinces=("ha-noi",))
    assert ids(queue(local, QueueFilters())) == [hanoi.claim_id]
    client = as_user(local)
    assert client.get(f"/staff/claims/{danang.claim_id}/").status_code == 404
    assert client.get(f"/staff/claims/{hanoi.claim_id}/").status_code == 200
    assert client.post(f"/staff/claims/{danang.claim_id}/notes/", {"text": "x"}).status_code == 404


def test_overdue_referrals_are_flagged(send_report, verifier, as_user):
    report = send_report(RUMOUR)
    claim = Claim.objects.get(pk=report.claim_id)
    referral = handling.refer(claim, verifier, agency="Sở Y tế Hà Nội", agency_kind="province",
                              request="Xác nhận thông tin", deadline=timezone.localdate())
    assert queue(verifier, QueueFilters())[0].overdue_referrals == 0
    type(referral).objects.filter(pk=referral.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    row = queue(verifier, QueueFilters(overdue_only=True))[0]
    assert row.overdue_referrals == 1 and row.open_referrals == 1
    html = as_user(verifier).get("/staff/claims/").content.decode()
    assert "referral overdue" in html and "has an overdue referral" in html


def test_bulk_dismiss_over_http(send_report, verifier, operator, as_user):
    spam = [send_report(text).claim_id for text in (RUMOUR, OTHER_RUMOUR)]
    keep = send_report(THIRD_RUMOUR).claim_id
    assert as_user(operator).post("/staff/claims/bulk-dismiss/",
                                  {"claims": spam, "reason": "spam"}).status_code == 403
    response = as_user(verifier).post("/staff/claims/bulk-dismiss/",
                                      {"claims": spam, "reason": "spam", "back": "platform=zalo"})
    assert response.status_code == 302 and response["Location"] == "/staff/claims/?platform=zalo"
    assert set(Claim.objects.filter(state="dismissed").values_list("pk", flat=True)) == set(spam)
    assert Claim.objects.get(pk=keep).state == ClaimState.NEW


def test_roles_who_may_open_the_queue(send_report, operator, admin_user, verifier, editor, as_user):
    send_report(RUMOUR)
    assert as_user(operator).get("/staff/claims/").status_code == 200
    assert as_user(verifier).get("/staff/claims/").status_code == 200
    assert as_user(editor).get("/staff/claims/").status_code == 200
    assert as_user(admin_user).get("/staff/claims/").status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/staff/claims/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
