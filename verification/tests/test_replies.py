"""Replies and appeals from people named in a verdict: public form in, linked item for editors out."""

from __future__ import annotations

import pytest

from core.models import AuditEntry
from verification import actions
from verification.models import Claim, VerdictReply

from .test_workflow import proposed

pytestmark = pytest.mark.django_db

APPEAL = {
    "relation": "outlet", "name": "Trần Văn Cường", "organisation": "Trang tin Sức Khỏe Vàng",
    "email": "toasoan@example.org", "phone": "", "website": "",
    "text": "Bài của chúng tôi chỉ trích dẫn ý kiến người dùng, không khẳng định lá ổi chữa khỏi bệnh.",
}


@pytest.fixture
def verdict(claim, verifier, editor):
    proposed(claim, verifier)
    actions.approve(claim, editor)
    return Claim.objects.get(pk=claim.pk).verdict


def test_a_reply_reaches_editors_as_a_linked_item(verdict, web, editor, verifier, as_user):
    url = f"/khieu-nai/{verdict.pk}/"
    form = web.get(url)
    assert form.status_code == 200 and verdict.title in form.content.decode()
    assert web.post(url, {**APPEAL, "text": "ngắn"}).status_code == 400
    response = web.post(url, APPEAL)
    assert response.status_code == 200
    reply = VerdictReply.objects.get()
    assert reply.verdict == verdict and reply.status == "new"
    entry = AuditEntry.objects.get(action="verdict.reply_received")
    assert entry.detail["reply_id"] == reply.pk and "toasoan" not in str(entry.detail)
    queue_html = as_user(editor).get("/staff/claims/").content.decode()
    assert "Replies and appeals waiting" in queue_html and f"/staff/claims/{verdict.claim_id}/#replies" in queue_html
    page = as_user(editor).get(f"/staff/claims/{verdict.claim_id}/").content.decode()
    assert APPEAL["text"] in page and "toasoan@example.org" not in page
    # Handling is an editor's action, audited; a verifier is refused.
    assert as_user(verifier).post(f"/staff/claims/{verdict.claim_id}/replies/{reply.pk}/handle/",
                                  {"status": "answered", "note": "x"}).status_code == 403
    as_user(editor).post(f"/staff/claims/{verdict.claim_id}/replies/{reply.pk}/handle/",
                         {"status": "answered", "note": "Đã gọi điện trả lời, giữ nguyên kết luận."})
    reply.refresh_from_db()
    assert reply.status == "answered" and reply.handled_by == editor
    assert AuditEntry.objects.filter(action="verdict.reply_handled").exists()


def test_revealing_the_replier_contact_is_audited(verdict, web, editor, as_user):
    web.post(f"/khieu-nai/{verdict.pk}/", APPEAL)
    reply = VerdictReply.objects.get()
    response = as_user(editor).post(f"/staff/claims/{verdict.claim_id}/replies/{reply.pk}/reveal/",
                                    {"purpose": "Gọi lại để trả lời khiếu nại"})
    assert response.status_code == 200 and "toasoan@example.org" in response.content.decode()
    entry = AuditEntry.objects.get(action="contact.reveal")
    assert entry.actor_label == editor.username and entry.detail["purpose"] == "Gọi lại để trả lời khiếu nại"


def test_the_honeypot_and_unpublished_drafts(claim, verifier, web, verdict):
    assert web.post(f"/khieu-nai/{verdict.pk}/", {**APPEAL, "website": "http://spam.example"}).status_code == 200
    assert not VerdictReply.objects.exists()
    assert web.get("/khieu-nai/999999/").status_code == 404


def test_a_draft_verdict_takes_no_replies(send_report, verifier, web):
    from .conftest import OTHER_RUMOUR

    claim = Claim.objects.get(pk=send_report(OTHER_RUMOUR).claim_id)
    proposed(claim, verifier)  # proposed, not published
    assert web.get(f"/khieu-nai/{claim.verdict.pk}/").status_code == 404
