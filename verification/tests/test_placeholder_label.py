"""A claim opened by a recorded call with no transcript yet says so, instead of "(screenshot)"."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.reference import Channel
from intake.services import ReportSubmission, submit_report
from verification.matching import get_matcher
from verification.merging import split
from verification.models import Claim
from verification.placeholders import PENDING_RECORDING_LABEL, SCREENSHOT_LABEL

pytestmark = pytest.mark.django_db

VI_LABEL = "Cuộc gọi ghi âm, đang chờ chép lời"


@pytest.fixture
def empty_hotline_report(django_capture_on_commit_callbacks):
    def send():  # noqa: ANN202
        with django_capture_on_commit_callbacks(execute=True):
            report = submit_report(ReportSubmission(channel=Channel.HOTLINE, text="", language="vi"))
        report.refresh_from_db()
        assert report.claim_id is not None, "matching did not run"
        return report

    return send


def test_an_empty_hotline_report_opens_a_claim_labelled_as_a_pending_recording(empty_hotline_report):
    report = empty_hotline_report()
    claim = Claim.objects.get(pk=report.claim_id)
    # Stored in the site's language (Vietnamese), whatever language was active when matched.
    assert claim.representative_text == VI_LABEL
    with translation.override("en"):
        assert translation.gettext(PENDING_RECORDING_LABEL) == "Hotline recording, transcript pending"


def test_the_desk_queue_shows_the_label_not_screenshot(empty_hotline_report, verifier, as_user):
    report = empty_hotline_report()
    html = as_user(verifier).get("/staff/claims/").content.decode()
    assert f"/staff/claims/{report.claim_id}/" in html
    assert VI_LABEL in html and SCREENSHOT_LABEL not in html
    page = as_user(verifier).get(f"/staff/claims/{report.claim_id}/").content.decode()
    assert VI_LABEL in page


def test_two_pending_recordings_are_not_matched_to_each_other_by_their_label(empty_hotline_report):
    """The label is not the claim's words: the matcher does not index it as text."""
    first = empty_hotline_report()
    second = empty_hotline_report()
    assert first.claim_id != second.claim_id
    assert all(c.claim_id not in (first.claim_id, second.claim_id)
               for c in get_matcher().query(VI_LABEL, [], []))


def test_a_report_with_only_a_link_is_shown_by_its_link(send_report):
    report = send_report("", urls=("https://example.org/post/1",))
    assert Claim.objects.get(pk=report.claim_id).representative_text == "https://example.org/post/1"


def test_splitting_off_an_empty_hotline_report_labels_the_new_claim(send_report, empty_hotline_report, editor):
    from verification.tests.conftest import RUMOUR

    kept = send_report(RUMOUR)
    pending = empty_hotline_report()
    claim = Claim.objects.get(pk=kept.claim_id)
    pending.claim = claim  # as a merge would have put it there
    pending.save(update_fields=["claim"])
    new = split(claim, [pending.pk], editor)
    assert new.representative_text == VI_LABEL
