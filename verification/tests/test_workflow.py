"""The workflow: the transition table, the two-person rule, conclusions, unpublish and correction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditEntry
from intake.selectors import report_status
from verification import actions
from verification.actions import VerdictText
from verification.models import Claim, ClaimNote, ClaimState, Verdict, VerdictRevision
from verification.workflow import (
    RULES,
    IllegalTransition,
    PublicStatus,
    TwoPersonRuleViolation,
    public_status,
)

pytestmark = pytest.mark.django_db

TEXT = VerdictText(
    title="Nước lá ổi không chữa khỏi tiểu đường tuýp 2",
    claim_reviewed="Uống nước lá ổi mười ngày chữa khỏi tiểu đường tuýp 2.",
    explanation="Không có bằng chứng nào; bỏ thuốc điều trị là nguy hiểm.",
    sources=[{"title": "Hướng dẫn điều trị", "url": "https://example.org/huong-dan"}],
)


def to_verification(claim: Claim, user) -> Claim:  # noqa: ANN001
    actions.transition(claim, ClaimState.TRIAGED, user)
    return actions.transition(claim, ClaimState.IN_VERIFICATION, user)


def proposed(claim: Claim, proposer, outcome: str = "fabricated") -> Claim:  # noqa: ANN001
    to_verification(claim, proposer)
    return actions.propose(claim, proposer, outcome, TEXT)


def test_every_rule_names_a_known_action_and_reachable_states():
    from core.roles import ACTIONS

    for rule in RULES:
        assert rule.action in ACTIONS, rule
        assert rule.target in ClaimState.values and rule.sources <= set(ClaimState.values)
    targets = {r.target for r in RULES}
    assert targets == set(ClaimState.values) - {ClaimState.NEW}


def test_illegal_transitions_get_a_clear_error(claim, verifier, editor):
    with pytest.raises(IllegalTransition, match="cannot become .Published"):
        actions.transition(claim, ClaimState.PUBLISHED, editor)
    with pytest.raises(IllegalTransition, match="cannot become .Awaiting review"):
        actions.transition(claim, ClaimState.AWAITING_REVIEW, verifier)  # skipping verification
    with pytest.raises(IllegalTransition, match="Unknown state"):
        actions.transition(claim, "archived", editor)
    claim.refresh_from_db()
    assert claim.state == ClaimState.NEW and claim.version == 1


def test_roles_are_checked_on_the_server(claim, operator, admin_user, verifier):
    with pytest.raises(PermissionDenied):
        actions.transition(claim, ClaimState.TRIAGED, operator)
    with pytest.raises(PermissionDenied):
        actions.transition(claim, ClaimState.TRIAGED, admin_user)
    actions.transition(claim, ClaimState.TRIAGED, verifier)
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.TRIAGED


def test_each_transition_is_audited_without_personal_data(claim, verifier):
    to_verification(claim, verifier)
    entries = list(AuditEntry.objects.filter(object_type="verification.claim", object_id=str(claim.pk),
                                             action__in=["claim.triage", "claim.start_verification"]))
    assert [(e.action, e.detail["from"], e.detail["to"]) for e in entries] == [
        ("claim.triage", "new", "triaged"), ("claim.start_verification", "triaged", "in_verification")]
    assert all(e.actor_label == verifier.username for e in entries)
    assert "binh" not in str([e.detail for e in entries]).lower()


def test_two_person_rule_verifier_proposes_editor_publishes(claim, verifier, editor):
    proposed(claim, verifier)
    assert claim.state == ClaimState.AWAITING_REVIEW and claim.proposed_by == verifier
    with pytest.raises(PermissionDenied):  # a verifier cannot review at all
        actions.approve(claim, verifier)
    actions.approve(claim, editor)
    claim.refresh_from_db()
    assert claim.state == ClaimState.PUBLISHED
    assert claim.concluded_at is not None
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.is_public and verdict.label == "fabricated" and verdict.revision == 1
    revision = verdict.revisions.get()
    assert (revision.kind, revision.proposed_by, revision.approved_by) == ("published", verifier, editor)
    assert public_status(claim) == PublicStatus.CONCLUDED


def test_an_editor_can_never_publish_their_own_proposal(claim, editor, editor2):
    proposed(claim, editor)
    with pytest.raises(TwoPersonRuleViolation, match="Two-person rule"):
        actions.approve(claim, editor)
    claim.refresh_from_db()
    assert claim.state == ClaimState.AWAITING_REVIEW and not Verdict.objects.get(claim=claim).is_public
    actions.approve(claim, editor2)
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.PUBLISHED


def test_the_two_person_rule_holds_over_http(claim, editor, as_user):
    proposed(claim, editor)
    response = as_user(editor).post(f"/staff/claims/{claim.pk}/review/",
                                    {"decision": "approve", "version": claim.version})
    assert response.status_code == 403
    assert "Two-person rule" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.AWAITING_REVIEW


def test_a_proposal_needs_the_public_text(claim, verifier):
    to_verification(claim, verifier)
    with pytest.raises(IllegalTransition, match="needs a title"):
        actions.propose(claim, verifier, "distorted", VerdictText(title="Chỉ có tiêu đề"))
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.IN_VERIFICATION


def test_send_back_needs_a_note_and_keeps_the_draft(claim, verifier, editor):
    proposed(claim, verifier)
    with pytest.raises(IllegalTransition, match="needs a note"):
        actions.send_back(claim, editor, "  ")
    actions.send_back(claim, editor, "Thiếu nguồn chính thức, bổ sung công văn của Sở Y tế.")
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_VERIFICATION and claim.proposed_by is None
    assert ClaimNote.objects.get(claim=claim, kind="review").author == editor
    assert Verdict.objects.get(claim=claim).title == TEXT.title
    actions.propose(claim, verifier, "fabricated", TEXT)  # the verifier fixes and proposes again
    actions.approve(claim, editor)
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.PUBLISHED


def test_an_internal_outcome_closes_the_claim_after_review(claim, verifier, editor):
    to_verification(claim, verifier)
    actions.propose(claim, verifier, "not_enough_basis", VerdictText(explanation="Không có nguồn để kiểm chứng."))
    actions.approve(claim, editor)
    claim.refresh_from_db()
    assert (claim.state, claim.dismiss_reason) == (ClaimState.DISMISSED, "not_enough_basis")
    assert claim.concluded_at is not None and not Verdict.objects.filter(claim=claim).exists()


def test_dismissal_at_triage_only_for_spam_or_out_of_scope(claim, verifier, editor):
    with pytest.raises(IllegalTransition, match="not a reason"):
        actions.dismiss(claim, verifier, "not_enough_basis")
    actions.dismiss(claim, verifier, "spam")
    claim.refresh_from_db()
    assert claim.state == ClaimState.DISMISSED and claim.concluded_at is not None
    with pytest.raises(IllegalTransition, match="needs a note"):
        actions.reopen(claim, editor, "")
    actions.reopen(claim, editor, "Không phải spam: có thêm phản ánh.")
    claim.refresh_from_db()
    assert claim.state == ClaimState.TRIAGED and claim.concluded_at is None and claim.dismiss_reason == ""


def test_unpublish_leaves_a_public_notice_and_reopens(claim, verifier, editor, editor2):
    proposed(claim, verifier)
    actions.approve(claim, editor)
    report = claim.reports.first()
    assert report_status(report)["verdict"] is not None
    with pytest.raises(PermissionDenied):
        actions.unpublish(claim, verifier, "sai")
    actions.unpublish(claim, editor2, "Cơ quan chức năng cung cấp thông tin mới, trung tâm xác minh lại.")
    claim.refresh_from_db()
    verdict = Verdict.objects.get(claim=claim)
    assert claim.state == ClaimState.IN_VERIFICATION and claim.concluded_at is None
    assert not verdict.is_public and verdict.unpublish_reason.startswith("Cơ quan")
    assert list(verdict.revisions.values_list("kind", flat=True)) == ["published", "unpublished"]
    report.refresh_from_db()
    status = report_status(report)
    assert status["status"] == "under_verification" and status["verdict"] is None


def test_correction_keeps_every_published_revision(claim, verifier, editor, editor2):
    proposed(claim, verifier)
    actions.approve(claim, editor)
    fixed = VerdictText(title=TEXT.title, claim_reviewed=TEXT.claim_reviewed,
                        explanation=TEXT.explanation + " Bổ sung ý kiến của Bộ Y tế.", sources=TEXT.sources)
    with pytest.raises(IllegalTransition, match="what was corrected"):
        actions.correct(claim, editor2, "distorted", fixed, "")
    verdict = actions.correct(claim, editor2, "distorted", fixed, "Đổi nhãn sau khi có ý kiến của Bộ Y tế.")
    assert verdict.label == "distorted" and verdict.revision == 2 and verdict.is_public
    history = list(VerdictRevision.objects.filter(verdict=verdict).order_by("seq"))
    assert [(r.kind, r.label) for r in history] == [("published", "fabricated"), ("corrected", "distorted")]
    assert history[0].explanation == TEXT.explanation  # the old text is kept
    entry = AuditEntry.objects.filter(action="claim.correct").get()
    assert set(entry.detail["fields"]) == {"label", "explanation"}


def test_stale_version_cannot_overwrite_newer_work(claim, verifier, editor):
    seen = claim.version
    actions.update_claim(claim, verifier, text="Lá ổi chữa tiểu đường (bản biên tập)", topic="health",
                         expected_version=seen)
    from verification.locks import StaleClaim, release

    release(claim, verifier)  # the lock is free: only the version check stands in the way
    with pytest.raises(StaleClaim, match="changed by someone else"):
        actions.update_claim(claim, editor, text="Bản cũ ghi đè", topic="health", expected_version=seen)
    assert Claim.objects.get(pk=claim.pk).representative_text == "Lá ổi chữa tiểu đường (bản biên tập)"


def test_bulk_dismiss_validates_each_claim(send_report, verifier, editor):
    from .conftest import OTHER_RUMOUR, RUMOUR, THIRD_RUMOUR

    claims = [Claim.objects.get(pk=send_report(text).claim_id) for text in (RUMOUR, OTHER_RUMOUR, THIRD_RUMOUR)]
    proposed(claims[2], verifier)  # awaiting review: not dismissable at triage
    result = actions.bulk_dismiss(claims, verifier, "spam")
    assert sorted(result.done) == sorted(c.pk for c in claims[:2])
    assert list(result.refused) == [claims[2].pk]
    assert set(Claim.objects.filter(state="dismissed").values_list("pk", flat=True)) == set(result.done)
    with pytest.raises(IllegalTransition):
        actions.bulk_dismiss(claims, verifier, "not_enough_basis")


def test_a_withdrawn_verdict_keeps_its_public_text_until_a_new_one_is_approved(claim, verifier, editor, editor2):
    proposed(claim, verifier)
    actions.approve(claim, editor)
    actions.unpublish(claim, editor2, "Cần xác minh lại sau thông tin mới.")
    new_text = VerdictText(title="Nước lá ổi không thay được thuốc điều trị", claim_reviewed=TEXT.claim_reviewed,
                           explanation="Bản xác minh lại.", sources=[])
    actions.propose(claim, verifier, "distorted", new_text)
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.title == TEXT.title and not verdict.is_public  # the withdrawn page keeps what was public
    assert Claim.objects.get(pk=claim.pk).verdict_draft["title"] == new_text.title
    actions.approve(claim, editor2)
    verdict.refresh_from_db()
    assert (verdict.title, verdict.label, verdict.is_public) == (new_text.title, "distorted", True)
    assert list(verdict.revisions.values_list("kind", flat=True)) == ["published", "unpublished", "published"]
    assert verdict.revision == 3 and Claim.objects.get(pk=claim.pk).verdict_draft == {}


def test_dismissing_as_merged_by_hand_is_refused(claim, editor, as_user):
    response = as_user(editor).post(f"/staff/claims/{claim.pk}/state/", {
        "to": "dismissed", "reason": "merged", "version": claim.version})
    assert response.status_code == 409 and "merge form" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.NEW
