"""Every role (plus anonymous and a signed-in person without a role) against every staff action.

The expected table is written out here on its own, not read from core.roles, so a change
to the matrix in code must be made twice, on purpose. The second half checks the same
table against the real staff views of the core app.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core.roles import ACTIONS, ADMIN, EDITOR, OPERATOR, VERIFIER, can, needs_two_factor
from core.tests.staff_support import make_staff, sign_in
from intake.models import ApiClient, Report, ReporterContact

ANONYMOUS, NO_ROLE = "anonymous", "no-role"
SUBJECTS = (ANONYMOUS, NO_ROLE, OPERATOR, VERIFIER, EDITOR, ADMIN)
ALL_ROLES = frozenset({OPERATOR, VERIFIER, EDITOR, ADMIN})

EXPECTED: dict[str, frozenset[str]] = {
    "report.enter": frozenset({OPERATOR}),
    "report.view_content": frozenset({OPERATOR, VERIFIER, EDITOR}),
    "claim.view": frozenset({OPERATOR, VERIFIER, EDITOR}),
    "claim.work": frozenset({VERIFIER, EDITOR}),
    "claim.propose_verdict": frozenset({VERIFIER, EDITOR}),
    "claim.review": frozenset({EDITOR}),
    "claim.merge_split": frozenset({EDITOR}),
    "claim.unpublish": frozenset({EDITOR}),
    "claim.bulk_dismiss": frozenset({VERIFIER, EDITOR}),
    "claim.public_title": frozenset({VERIFIER, EDITOR}),
    "lock.take_over": frozenset({EDITOR}),
    "contact.reveal": frozenset({EDITOR}),
    "audit.view": frozenset({EDITOR, ADMIN}),
    "staff.manage": frozenset({ADMIN}),
    "apikey.manage": frozenset({ADMIN}),
    "topic.manage": frozenset({ADMIN}),
    "stats.staff": ALL_ROLES,
    "hotline.take_call": frozenset({OPERATOR}),
    "hotline.review": frozenset({OPERATOR}),
    "hotline.view": frozenset({OPERATOR, VERIFIER, EDITOR}),
}
TWO_FACTOR = {ANONYMOUS: False, NO_ROLE: False, OPERATOR: False, VERIFIER: False, EDITOR: True, ADMIN: True}


def subject_user(subject: str):
    if subject == ANONYMOUS:
        return AnonymousUser()
    return make_staff(f"subject-{subject}", *([] if subject == NO_ROLE else [subject]))


def test_the_table_names_every_action_and_only_those():
    assert set(ACTIONS) == set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("subject", SUBJECTS)
def test_can_matches_the_expected_table(subject):
    user = subject_user(subject)
    for action, allowed_roles in EXPECTED.items():
        assert can(user, action) is (subject in allowed_roles), (subject, action)
    assert needs_two_factor(user) is TWO_FACTOR[subject]


@pytest.mark.django_db
def test_admins_never_touch_claims_or_verdicts():
    admin = make_staff("only-admin", ADMIN)
    assert not [a for a in EXPECTED if a.startswith(("claim.", "lock.", "report.")) and can(admin, a)]


@pytest.mark.django_db
def test_several_roles_add_up_and_deactivation_removes_all():
    user = make_staff("both", VERIFIER, ADMIN)
    for action, allowed_roles in EXPECTED.items():
        assert can(user, action) is bool(allowed_roles & {VERIFIER, ADMIN}), action
    user.is_active = False
    assert not any(can(user, action) for action in EXPECTED)


def test_unknown_actions_are_an_error_not_a_refusal():
    with pytest.raises(KeyError):
        can(AnonymousUser(), "claim.delete_everything")


# --- The real views of core's staff screens ----------------------------------------------------
# (method, path template, action; None = any staff role)
VIEWS = [
    ("get", "/staff/", None),
    ("get", "/staff/password/", None),
    ("get", "/staff/accounts/", "staff.manage"),
    ("get", "/staff/accounts/new/", "staff.manage"),
    ("get", "/staff/accounts/{target}/", "staff.manage"),
    ("post", "/staff/accounts/{target}/deactivate/", "staff.manage"),
    ("post", "/staff/accounts/{target}/reset-2fa/", "staff.manage"),
    ("post", "/staff/accounts/{target}/password-link/", "staff.manage"),
    ("post", "/staff/accounts/{target}/password/", "staff.manage"),
    ("get", "/staff/api-keys/", "apikey.manage"),
    ("post", "/staff/api-keys/{key}/revoke/", "apikey.manage"),
    ("get", "/staff/topics/", "topic.manage"),
    ("get", "/staff/topics/health/", "topic.manage"),
    ("get", "/staff/audit/", "audit.view"),
    ("post", "/staff/reports/{report}/reveal-contact/", "contact.reveal"),
]
POST_DATA = {
    "/staff/accounts/{target}/password/": {"new_password1": "granite-willow-6604", "new_password2": "granite-willow-6604"},
    "/staff/reports/{report}/reveal-contact/": {"purpose": "follow_up"},
}


def expected_outcome(subject: str, action: str | None) -> str:
    if subject == ANONYMOUS:
        return "login"
    if subject == NO_ROLE:
        return "refused"
    if action is None or subject in EXPECTED[action]:
        return "allowed"
    return "refused"


@pytest.mark.django_db
@pytest.mark.parametrize("method,template,action", VIEWS, ids=[f"{m} {t}" for m, t, _a in VIEWS])
@pytest.mark.parametrize("subject", SUBJECTS)
def test_views_follow_the_table(web, subject, method, template, action):
    target = make_staff("target-person", OPERATOR)
    key = ApiClient.objects.create(name="Partner", key_prefix="abcd1234", key_hash="0" * 64)
    report = Report.objects.create(channel="hotline", text="x", province="ha-noi")
    ReporterContact.objects.create(report=report, name="Lan", email="lan@example.vn", phone="0912345678")
    path = template.format(target=target.pk, key=key.pk, report=report.pk)
    if subject != ANONYMOUS:
        sign_in(web, subject_user(subject))
    response = getattr(web, method)(path, POST_DATA.get(template, {}))
    outcome = expected_outcome(subject, action)
    if outcome == "allowed":
        assert response.status_code in (200, 302), (subject, path, response.status_code)
        if response.status_code == 302:
            assert "/staff/login/" not in response["Location"] and "/staff/2fa/" not in response["Location"]
    elif outcome == "login":
        assert response.status_code == 302 and response["Location"].startswith("/staff/login/?next=")
    else:
        assert response.status_code == 403, (subject, path, response.status_code)
