"""Who sees a reporter's contact details, and report contents: every role × field.

The table (issue 4): an operator sees name, e-mail and phone in full for reports they
entered, for 24 hours, masked after; a verifier and an admin see them masked; an editor
sees them masked and in full only through an audited reveal. Admins never see report text.
"""

from __future__ import annotations

import functools
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_otp.middleware import is_verified

from core.models import AuditEntry
from core.personal import (
    CONTACT_FIELDS,
    FULL,
    MASKED,
    OPERATOR_FULL_VIEW,
    can_see_report_content,
    contact_for,
    report_contact_for,
    reveal_contact,
)
from core.roles import ADMIN, EDITOR, OPERATOR, VERIFIER
from core.tests.staff_support import enrol_device, make_staff, sign_in
from intake.models import Report, ReporterContact

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Nguyễn Thị Lan", "lan.nguyen@example.vn", "0912345678"
VALUES = {"name": NAME, "email": EMAIL, "phone": PHONE}


def make_report(entered_by=None, *, hours_ago: float = 1, province: str = "ha-noi") -> Report:
    received = timezone.now() - timedelta(hours=hours_ago)
    report = Report.objects.create(channel="hotline", text="Tin đồn về giá xăng", entered_by=entered_by,
                                   received_at=received, province=province)
    ReporterContact.objects.create(report=report, name=NAME, email=EMAIL, phone=PHONE, consent_to_contact=True)
    return report


def verified(user):
    """The user as OTPMiddleware leaves it after a correct code."""
    user.otp_device = enrol_device(user)
    user.is_verified = functools.partial(is_verified, user)
    return user


def assert_masked(shown: dict) -> None:
    assert shown["visibility"] == MASKED
    for field in CONTACT_FIELDS:
        assert shown[field] and shown[field] != VALUES[field], field
    assert shown["name"] == "N. T. L."
    assert shown["email"] == "l***@example.vn"
    assert shown["phone"].endswith("678") and "12345" not in shown["phone"]


@pytest.fixture
def staff():
    return {role: make_staff(f"{role}-1", role) for role in (OPERATOR, VERIFIER, EDITOR, ADMIN)}


def test_operator_sees_own_entry_in_full_for_24_hours_then_masked(staff):
    operator = staff[OPERATOR]
    report = make_report(operator)
    entered = report.received_at
    inside = contact_for(operator, report.contact, entered_by_id=operator.pk, entered_at=entered,
                         subject=report, now=entered + OPERATOR_FULL_VIEW - timedelta(seconds=1))
    assert inside == {**VALUES, "visibility": FULL}
    view = AuditEntry.objects.get(action="contact.view")
    assert view.actor_id == operator.pk and view.object_id == str(report.pk)
    assert view.detail == {"fields": ["name", "email", "phone"]}
    assert NAME not in str(view.detail) and EMAIL not in str(view.detail)
    at_boundary = contact_for(operator, report.contact, entered_by_id=operator.pk, entered_at=entered,
                              now=entered + OPERATOR_FULL_VIEW)
    assert_masked(at_boundary)
    assert AuditEntry.objects.filter(action="contact.view").count() == 1  # masked views are not audited


def test_operator_sees_other_peoples_entries_masked(staff):
    other_operator = make_staff("operator-2", OPERATOR)
    report = make_report(other_operator)
    assert_masked(report_contact_for(staff[OPERATOR], report))
    web_report = make_report(None)  # arrived through the web form, entered by nobody
    assert_masked(report_contact_for(staff[OPERATOR], web_report))


@pytest.mark.parametrize("role", [VERIFIER, EDITOR, ADMIN])
def test_other_roles_see_contact_masked_even_right_after_entry(staff, role):
    report = make_report(staff[OPERATOR], hours_ago=0)
    assert_masked(report_contact_for(staff[role], report))
    # Even a report "entered" by themselves does not give them the operator's window.
    own = make_report(staff[role], hours_ago=0)
    assert_masked(report_contact_for(staff[role], own))
    assert not AuditEntry.objects.filter(action="contact.view").exists()


def test_people_without_a_role_are_refused(staff):
    report = make_report(staff[OPERATOR])
    for person in (AnonymousUser(), make_staff("nobody")):
        with pytest.raises(PermissionDenied):
            report_contact_for(person, report)
        with pytest.raises(PermissionDenied):
            reveal_contact(person, report)
        assert can_see_report_content(person) is False


def test_editor_reveal_shows_full_details_and_is_audited(staff):
    report = make_report(staff[OPERATOR])
    editor = verified(staff[EDITOR])
    shown = reveal_contact(editor, report, purpose="follow_up")
    assert {f: shown[f] for f in CONTACT_FIELDS} == VALUES and shown["visibility"] == "revealed"
    entry = AuditEntry.objects.get(action="contact.reveal")
    assert entry.actor_id == editor.pk and entry.object_type == "intake.report"
    assert entry.object_id == str(report.pk)
    assert entry.detail == {"fields": ["name", "email", "phone"], "purpose": "follow_up"}


def test_reveal_needs_a_verified_session_and_the_province_scope(staff):
    report = make_report(staff[OPERATOR], province="ha-noi")
    with pytest.raises(PermissionDenied):
        reveal_contact(staff[EDITOR], report)  # password only, no second factor in this session
    scoped = verified(make_staff("editor-hue", EDITOR, provinces=("hue",)))
    with pytest.raises(PermissionDenied):
        reveal_contact(scoped, report)
    in_scope = verified(make_staff("editor-hn", EDITOR, provinces=("ha-noi",)))
    assert reveal_contact(in_scope, report)["email"] == EMAIL
    assert AuditEntry.objects.filter(action="contact.reveal").count() == 1


@pytest.mark.parametrize("role", [OPERATOR, VERIFIER, ADMIN])
def test_only_editors_may_reveal(staff, role):
    report = make_report(staff[OPERATOR])
    with pytest.raises(PermissionDenied):
        reveal_contact(verified(staff[role]), report)
    assert not AuditEntry.objects.filter(action="contact.reveal").exists()


@pytest.mark.parametrize("role,allowed", [(OPERATOR, True), (VERIFIER, True), (EDITOR, True), (ADMIN, False)])
def test_report_content_visibility(staff, role, allowed):
    assert can_see_report_content(staff[role]) is allowed


def test_contact_of_a_report_without_one_is_empty_not_an_error(staff):
    report = Report.objects.create(channel="web", text="x")
    shown = report_contact_for(staff[VERIFIER], report)
    assert shown == {"name": "", "email": "", "phone": "", "visibility": MASKED}


def test_reveal_endpoint_is_post_only_audited_and_not_cached(web, staff):
    report = make_report(staff[OPERATOR])
    url = f"/staff/reports/{report.pk}/reveal-contact/"
    sign_in(web, staff[EDITOR])
    assert web.get(url).status_code == 405
    response = web.post(url, {"purpose": "verification", "back": "https://evil.example/"})
    html = response.content.decode()
    assert response.status_code == 200
    assert EMAIL in html and PHONE in html and NAME in html
    assert "evil.example" not in html
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="contact.reveal", actor_label=staff[EDITOR].username).count() == 1
    assert web.post(url, {"purpose": "not-a-reason"}).status_code == 400


@pytest.mark.parametrize("role", [OPERATOR, VERIFIER, ADMIN])
def test_reveal_endpoint_refuses_other_roles(web, staff, role):
    report = make_report(staff[OPERATOR])
    sign_in(web, staff[role])
    response = web.post(f"/staff/reports/{report.pk}/reveal-contact/", {"purpose": "follow_up"})
    assert response.status_code == 403
    assert EMAIL not in response.content.decode()
    assert not AuditEntry.objects.filter(action="contact.reveal").exists()


def test_reveal_endpoint_sends_an_unverified_editor_to_the_second_factor(web, staff):
    report = make_report(staff[OPERATOR])
    sign_in(web, staff[EDITOR], verified=False)
    response = web.post(f"/staff/reports/{report.pk}/reveal-contact/", {"purpose": "follow_up"})
    assert response.status_code == 302 and "/staff/2fa/" in response["Location"]
    assert not AuditEntry.objects.filter(action="contact.reveal").exists()
