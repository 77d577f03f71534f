"""The neutral public title of a claim under verification: who may write it, who approves, the audit.

Through the desk's real views and services: a verifier or editor proposes, a second editor
approves (the writer never approves their own title), and only then does the home page show it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditEntry
from core.tests.staff_support import make_staff
from verification import actions
from verification.models import ClaimState
from verification.workflow import IllegalTransition, TwoPersonRuleViolation

pytestmark = pytest.mark.django_db

TITLE = "Thông tin về lá ổi chữa bệnh tiểu đường"


def _audit(action: str, claim) -> list[AuditEntry]:  # noqa: ANN001
    return list(AuditEntry.objects.filter(action=action, object_id=str(claim.pk)))


def test_verifier_proposes_and_another_editor_approves_through_the_desk(claim, as_user, verifier, editor):
    response = as_user(verifier).post(f"/staff/claims/{claim.pk}/public-title/", {"title": f"  {TITLE} "})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.public_title_proposal == TITLE and claim.public_title_proposed_by == verifier
    assert claim.public_title == "" and claim.public_title_approved_at is None
    proposed = _audit("claim.public_title_propose", claim)
    assert len(proposed) == 1 and proposed[0].actor_id == verifier.pk
    assert TITLE not in str(proposed[0].detail)  # audit details hold no texts

    client = as_user(editor)
    page = client.get(f"/staff/claims/{claim.pk}/").content.decode()
    assert 'id="proposed-public-title"' in page and 'id="approve-public-title"' in page
    response = client.post(f"/staff/claims/{claim.pk}/public-title/approve/",
                           {"decision": "approve", "expected": TITLE})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.public_title == TITLE and claim.public_title_proposal == ""
    assert claim.public_title_written_by == verifier and claim.public_title_approved_by == editor
    assert claim.public_title_approved_at is not None
    approved = _audit("claim.public_title_approve", claim)
    assert len(approved) == 1 and approved[0].actor_id == editor.pk
    assert approved[0].detail["written_by_id"] == verifier.pk


def test_the_writer_cannot_approve_their_own_title(claim, as_user, editor):
    actions.propose_public_title(claim, editor, TITLE)
    page = as_user(editor).get(f"/staff/claims/{claim.pk}/").content.decode()
    assert 'id="approve-public-title"' not in page
    response = as_user(editor).post(f"/staff/claims/{claim.pk}/public-title/approve/",
                                    {"decision": "approve", "expected": TITLE})
    assert response.status_code == 403
    with pytest.raises(TwoPersonRuleViolation):
        actions.approve_public_title(claim, editor, TITLE)
    claim.refresh_from_db()
    assert claim.public_title == "" and not _audit("claim.public_title_approve", claim)


@pytest.mark.parametrize("role", ["operator", "admin"])
def test_roles_without_the_action_cannot_propose(claim, as_user, role):
    user = make_staff(f"title.{role}", role)
    assert as_user(user).post(f"/staff/claims/{claim.pk}/public-title/", {"title": TITLE}).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.propose_public_title(claim, user, TITLE)
    claim.refresh_from_db()
    assert claim.public_title_proposal == "" and not _audit("claim.public_title_propose", claim)


def test_a_verifier_cannot_approve_or_withdraw(claim, as_user, verifier, editor):
    actions.propose_public_title(claim, editor, TITLE)
    client = as_user(verifier)
    for decision in ("approve", "withdraw"):
        response = client.post(f"/staff/claims/{claim.pk}/public-title/approve/",
                               {"decision": decision, "expected": TITLE})
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        actions.approve_public_title(claim, verifier, TITLE)
    claim.refresh_from_db()
    assert claim.public_title == "" and claim.public_title_proposal == TITLE


def test_a_rewritten_proposal_is_not_approved_unread(claim, verifier, editor, editor2):
    actions.propose_public_title(claim, verifier, TITLE)
    actions.propose_public_title(claim, editor2, "Thông tin về một loại lá chữa bệnh")
    with pytest.raises(IllegalTransition):
        actions.approve_public_title(claim, editor, TITLE)
    claim.refresh_from_db()
    assert claim.public_title == ""


def test_a_new_proposal_leaves_the_approved_title_until_it_is_approved(claim, verifier, editor, editor2):
    actions.propose_public_title(claim, verifier, TITLE)
    actions.approve_public_title(claim, editor, TITLE)
    actions.propose_public_title(claim, editor, "Thông tin mới chưa duyệt")
    claim.refresh_from_db()
    assert claim.public_title == TITLE and claim.public_title_proposal == "Thông tin mới chưa duyệt"
    actions.approve_public_title(claim, editor2, "Thông tin mới chưa duyệt")
    claim.refresh_from_db()
    assert claim.public_title == "Thông tin mới chưa duyệt" and claim.public_title_written_by == editor


@pytest.mark.parametrize("bad", [
    "", "   ", "x" * 161,
    "Xem tại https://example.com/tin-don",
    "Tin trên trang tindon.vn",
    "Liên hệ binh.demo@example.com",
    "Gọi 0912 345 678 để biết thêm",
])
def test_titles_with_links_contacts_or_nothing_are_refused(claim, as_user, verifier, bad):
    with pytest.raises(IllegalTransition):
        actions.propose_public_title(claim, verifier, bad)
    response = as_user(verifier).post(f"/staff/claims/{claim.pk}/public-title/", {"title": bad})
    assert response.status_code in (400, 409)
    claim.refresh_from_db()
    assert claim.public_title_proposal == ""


def test_editor_withdraws_the_title_and_it_is_audited(claim, as_user, verifier, editor):
    actions.propose_public_title(claim, verifier, TITLE)
    actions.approve_public_title(claim, editor, TITLE)
    response = as_user(editor).post(f"/staff/claims/{claim.pk}/public-title/approve/", {"decision": "withdraw"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.public_title == "" and claim.public_title_approved_at is None
    assert _audit("claim.public_title_withdraw", claim)[0].detail == {"had_approved": True}


def test_concluded_claims_take_no_title(claim, verifier, editor):
    actions.dismiss(claim, verifier, "spam")
    claim.refresh_from_db()
    assert claim.state == ClaimState.DISMISSED
    with pytest.raises(IllegalTransition):
        actions.propose_public_title(claim, verifier, TITLE)
