"""Merge and split: reports move, counts and matching data follow, the matcher learns, all audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditEntry
from intake.models import Report
from verification import actions, merging
from verification.matching import get_matcher
from verification.models import Claim, ClaimState, DismissReason
from verification.workflow import IllegalTransition

from .conftest import OTHER_RUMOUR, POST, RUMOUR, THIRD_RUMOUR

pytestmark = pytest.mark.django_db


def test_merge_moves_reports_updates_counts_and_the_index(send_report, editor, verifier, django_capture_on_commit_callbacks):
    a1 = send_report(RUMOUR, urls=(POST,))
    a2 = send_report(RUMOUR + " (bản chuyển tiếp)")
    b1 = send_report(OTHER_RUMOUR, urls=("https://zalo.me/g/demo-taichinh",))
    target, source = Claim.objects.get(pk=a1.claim_id), Claim.objects.get(pk=b1.claim_id)
    actions.add_note(source, verifier, "Ghi chú trên claim bị gộp")
    with pytest.raises(PermissionDenied):
        merging.merge(target, source, verifier)
    with django_capture_on_commit_callbacks(execute=True):
        merging.merge(target, source, editor)
    target.refresh_from_db()
    source.refresh_from_db()
    assert set(Report.objects.filter(claim=target).values_list("pk", flat=True)) == {a1.pk, a2.pk, b1.pk}
    assert target.report_count == 3 and target.version == 2
    assert "https://zalo.me/g/demo-taichinh" in target.match_urls
    assert target.notes.filter(text="Ghi chú trên claim bị gộp").exists()
    assert (source.state, source.dismiss_reason, source.merged_into_id) == (
        ClaimState.DISMISSED, DismissReason.MERGED, target.pk)
    assert source.report_count == 0 and source.concluded_at is not None
    # The index follows: the merged-away claim is gone, and a new report sharing its link joins
    # the target (the index holds one text per claim: the target's; links and screenshots merge).
    matcher = get_matcher()
    assert source.pk not in matcher and target.pk in matcher
    again = send_report("", urls=("https://zalo.me/g/demo-taichinh",))
    assert again.claim_id == target.pk
    entry = AuditEntry.objects.get(action="claim.merge")
    assert entry.detail["source"] == source.pk and entry.detail["reports_moved"] == 1
    assert AuditEntry.objects.filter(action="claim.merge_away", object_id=str(source.pk)).exists()


def test_merge_refuses_published_sources_and_self(send_report, verifier, editor, editor2):
    a = Claim.objects.get(pk=send_report(RUMOUR).claim_id)
    b = Claim.objects.get(pk=send_report(OTHER_RUMOUR).claim_id)
    with pytest.raises(IllegalTransition, match="itself"):
        merging.merge(a, a, editor)
    from .test_workflow import proposed

    proposed(b, verifier)
    actions.approve(b, editor2)
    with pytest.raises(IllegalTransition, match="Only an open claim"):
        merging.merge(a, b, editor)


def test_merge_over_http_from_the_claim_page(send_report, editor, as_user):
    a = Claim.objects.get(pk=send_report(RUMOUR).claim_id)
    b = Claim.objects.get(pk=send_report(THIRD_RUMOUR).claim_id)
    response = as_user(editor).post(f"/staff/claims/{a.pk}/merge/", {
        "other": b.pk, "direction": "into_other", "version": a.version})
    assert response.status_code == 302 and response["Location"] == f"/staff/claims/{b.pk}/"
    assert Claim.objects.get(pk=b.pk).report_count == 2
    assert Claim.objects.get(pk=a.pk).state == ClaimState.DISMISSED


def test_split_moves_selected_reports_to_a_new_claim(send_report, editor, verifier, as_user,
                                                    django_capture_on_commit_callbacks):
    keep = send_report(RUMOUR, urls=(POST,))
    move = send_report(RUMOUR + " Và uống thêm mật ong.", urls=("https://www.tiktok.com/@demo/video/1",))
    claim = Claim.objects.get(pk=keep.claim_id)
    assert move.claim_id == claim.pk and claim.report_count == 2
    assert as_user(verifier).post(f"/staff/claims/{claim.pk}/split/", {
        "reports": [move.pk], "version": claim.version}).status_code == 403
    with pytest.raises(IllegalTransition, match="at least one"):
        merging.split(claim, [keep.pk, move.pk], editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(editor).post(f"/staff/claims/{claim.pk}/split/", {
            "reports": [move.pk], "version": claim.version})
    assert response.status_code == 302
    move.refresh_from_db()
    new = Claim.objects.get(pk=move.claim_id)
    claim.refresh_from_db()
    assert new.pk != claim.pk and new.state == ClaimState.NEW
    assert (claim.report_count, new.report_count) == (1, 1)
    moved_link = move.links.get().canonical_url
    assert new.match_urls == [moved_link]
    assert moved_link not in claim.match_urls and claim.match_urls == [keep.links.get().canonical_url]
    assert response["Location"] == f"/staff/claims/{new.pk}/"
    assert new.pk in get_matcher()
    assert AuditEntry.objects.filter(action="claim.split", object_id=str(claim.pk)).exists()
    assert AuditEntry.objects.filter(action="claim.split_created", object_id=str(new.pk)).exists()
