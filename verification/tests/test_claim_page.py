"""A claim's page: reports and contacts by role, suggestions, the edit lock, evidence and notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEntry
from verification import actions, locks
from verification.models import Claim, ClaimState, EvidenceItem

from .conftest import OTHER_RUMOUR, RUMOUR

pytestmark = pytest.mark.django_db


def page(client, claim: Claim) -> str:  # noqa: ANN001
    response = client.get(f"/staff/claims/{claim.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_reports_are_shown_with_contacts_masked(claim, verifier, editor, as_user):
    for user in (verifier, editor):
        html = page(as_user(user), claim)
        assert "lá ổi non" in html and "Dun soi la oi" in html  # both reports' text
        assert "https://www.facebook.com/groups/suckhoe.demo/posts/410293847561/" in html
        assert "binh.demo@example.com" not in html and "b***@example.com" in html
        assert "N. V. B." in html
    assert "/reveal-contact/" in page(as_user(editor), claim)
    assert "/reveal-contact/" not in page(as_user(verifier), claim)


def test_an_operator_sees_the_contact_of_their_own_entry_for_a_day(send_report, operator, as_user):
    report = send_report(RUMOUR, channel="hotline", contact={"name": "Lê Thị Hoa", "phone": "0912345678"},
                         entered_by=operator)
    claim = Claim.objects.get(pk=report.claim_id)
    client = as_user(operator)
    assert "+84912345678" in page(client, claim)
    assert AuditEntry.objects.filter(action="contact.view", object_id=str(report.pk)).exists()
    type(report).objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(hours=25))
    html = page(client, claim)
    assert "+84912345678" not in html and "678" in html


def test_admins_cannot_open_a_claim(claim, admin_user, as_user):
    assert as_user(admin_user).get(f"/staff/claims/{claim.pk}/").status_code == 403


def test_similar_claims_are_suggested_and_can_be_merged(send_report, editor, as_user):
    first = send_report(OTHER_RUMOUR + " Tin từ nhóm Zalo tài chính.")
    near = send_report("Nghe nói ngân hàng Đông Phong sắp đóng cửa vào thứ Sáu, mọi người đang rút tiền gửi")
    if near.claim_id == first.claim_id:
        pytest.skip("the engine grouped both reports already; nothing to suggest")
    claim = Claim.objects.get(pk=first.claim_id)
    html = page(as_user(editor), claim)
    assert f'href="/staff/claims/{near.claim_id}/"' in html
    assert "Merge it into this claim" in html


def test_the_edit_lock(claim, verifier, editor, as_user):
    other = type(verifier).objects.create_user("khoa.verifier", password="x" * 16)
    other.groups.set(verifier.groups.all())
    client = as_user(verifier)
    client.post(f"/staff/claims/{claim.pk}/lock/", {"operation": "acquire"})
    claim.refresh_from_db()
    assert claim.lock_holder() == verifier
    # Someone else cannot save while the lock is held, and sees who holds it.
    refused = as_user(other).post(f"/staff/claims/{claim.pk}/edit/", {
        "representative_text": "ghi đè", "topic": "health", "version": claim.version})
    assert refused.status_code == 409 and "lan.verifier is editing this claim" in refused.content.decode()
    assert Claim.objects.get(pk=claim.pk).representative_text == RUMOUR
    # A verifier cannot take the lock over; an editor can, and that is audited.
    assert as_user(other).post(f"/staff/claims/{claim.pk}/lock/", {"operation": "take_over"}).status_code == 403
    as_user(editor).post(f"/staff/claims/{claim.pk}/lock/", {"operation": "take_over"})
    claim.refresh_from_db()
    assert claim.lock_holder() == editor
    entry = AuditEntry.objects.get(action="claim.lock_take_over")
    assert entry.detail == {"previous_holder_id": verifier.pk}


def test_an_expired_lock_frees_the_claim(claim, verifier, editor):
    locks.acquire(claim, verifier)
    with pytest.raises(locks.LockHeld):
        locks.acquire(claim, editor)
    Claim.objects.filter(pk=claim.pk).update(lock_expires_at=timezone.now() - timedelta(seconds=1))
    claim.refresh_from_db()
    assert claim.lock_holder() is None
    locks.acquire(claim, editor)
    assert Claim.objects.get(pk=claim.pk).locked_by == editor


def test_a_stale_form_gets_a_clear_error(claim, verifier, editor, as_user):
    stale = claim.version
    actions.update_claim(claim, editor, text="Bản biên tập mới", topic="health", expected_version=stale)
    locks.release(claim, editor)
    response = as_user(verifier).post(f"/staff/claims/{claim.pk}/edit/", {
        "representative_text": "Bản cũ", "topic": "health", "version": stale})
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).representative_text == "Bản biên tập mới"


def test_saving_renews_my_lock_and_search_follows_the_new_text(claim, verifier, as_user):
    response = as_user(verifier).post(f"/staff/claims/{claim.pk}/edit/", {
        "representative_text": "Nước lá ổi chữa khỏi tiểu đường", "topic": "health", "version": claim.version})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.version == 2 and claim.lock_holder() == verifier
    assert " nuoc la oi chua khoi tieu duong " in claim.search_text


def test_evidence_files_are_stored_and_served_to_staff_only(claim, verifier, operator, admin_user, as_user):
    client = as_user(verifier)
    upload = SimpleUploadedFile("cong-van.pdf", b"%PDF-1.4 demo evidence", content_type="application/pdf")
    response = client.post(f"/staff/claims/{claim.pk}/evidence/", {
        "kind": "document", "title": "Công văn của Sở Y tế", "file": upload, "note": ""})
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert item.file.name.startswith("evidence/") and item.file_name == "cong-van.pdf"
    download = client.get(f"/staff/claims/evidence/{item.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 demo evidence"
    assert "attachment" in download["Content-Disposition"]
    assert as_user(admin_user).get(f"/staff/claims/evidence/{item.pk}/file/").status_code == 403
    assert as_user(operator).post(f"/staff/claims/{claim.pk}/evidence/", {
        "kind": "link", "title": "x", "url": "https://example.org/"}).status_code == 403
    bad = as_user(verifier).post(f"/staff/claims/{claim.pk}/evidence/", {
        "kind": "file", "title": "script", "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 409 and EvidenceItem.objects.count() == 1
    assert AuditEntry.objects.get(action="claim.evidence").detail["evidence_id"] == item.pk


def test_notes_and_assignment(claim, verifier, editor, as_user):
    client = as_user(editor)
    client.post(f"/staff/claims/{claim.pk}/notes/", {"text": "Gọi Sở Y tế để xác nhận."})
    client.post(f"/staff/claims/{claim.pk}/assign/", {"assignee": str(verifier.pk)})
    claim.refresh_from_db()
    assert claim.assignee == verifier and claim.notes.get().text == "Gọi Sở Y tế để xác nhận."
    assert {"claim.note", "claim.assign"} <= set(AuditEntry.objects.values_list("action", flat=True))
    html = page(as_user(verifier), claim)
    assert "Gọi Sở Y tế để xác nhận." in html


def test_the_workflow_buttons_follow_the_role(claim, operator, verifier, as_user):
    assert "do-triage" not in page(as_user(operator), claim)
    html = page(as_user(verifier), claim)
    assert "do-triage" in html and "do-start" in html
    as_user(verifier).post(f"/staff/claims/{claim.pk}/state/", {"to": "triaged", "version": claim.version})
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.TRIAGED
    assert as_user(operator).post(f"/staff/claims/{claim.pk}/state/", {
        "to": "in_verification", "version": 2}).status_code == 403
    illegal = as_user(verifier).post(f"/staff/claims/{claim.pk}/state/", {"to": "new", "version": 2})
    assert illegal.status_code == 409 and "cannot become" in illegal.content.decode()
