"""Admins manage staff accounts on server-rendered screens; every change is audited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import accounts
from core.models import AuditEntry, ProvinceScope
from core.roles import ADMIN, EDITOR, OPERATOR, VERIFIER, can, roles_of
from core.tests.staff_support import PASSWORD, enrol_device, make_staff, sign_in

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(web):
    admin = make_staff("chief-admin", ADMIN)
    sign_in(web, admin)
    web.admin = admin
    return web


def error_codes(response, field):
    return {e.code for e in response.context["form"].errors.as_data().get(field, [])}


def create(client, **fields):
    data = {"username": "lan.tran", "first_name": "Lan", "last_name": "Trần", "email": "lan@centre.gov.vn",
            "roles": [VERIFIER], "provinces": [], "password_mode": "password"}
    data.update(fields)
    return client.post("/staff/accounts/new/", data)


@pytest.mark.parametrize("password,code", [
    ("Short-pw-1!", "password_too_short"),
    ("password1234", "password_too_common"),
    ("839201746352", "password_entirely_numeric"),
    ("lan.tran.centre", "password_too_similar"),
])
def test_weak_initial_passwords_are_refused(admin_client, password, code):
    response = create(admin_client, password1=password, password2=password)
    assert response.status_code == 200
    assert code in error_codes(response, "password1")
    assert not User.objects.filter(username="lan.tran").exists()
    assert not AuditEntry.objects.filter(action="staff.create").exists()


def test_account_with_a_typed_strong_password(admin_client):
    response = create(admin_client, password1="saffron-river-8841", password2="saffron-river-8841",
                      provinces=["hue", "da-nang"])
    person = User.objects.get(username="lan.tran")
    assert response.status_code == 302 and response["Location"] == f"/staff/accounts/{person.pk}/"
    assert person.check_password("saffron-river-8841")
    assert roles_of(person) == {VERIFIER}
    assert sorted(ProvinceScope.objects.filter(user=person).values_list("province", flat=True)) == ["da-nang", "hue"]
    entry = AuditEntry.objects.get(action="staff.create")
    assert entry.actor_id == admin_client.admin.pk and entry.object_id == str(person.pk)
    assert entry.detail == {"username": "lan.tran", "roles": [VERIFIER], "provinces": ["da-nang", "hue"],
                            "password": "typed"}
    assert "saffron" not in str(entry.detail)


def test_account_with_a_one_time_set_password_link(admin_client):
    response = create(admin_client, password_mode="link", roles=[OPERATOR])
    person = User.objects.get(username="lan.tran")
    assert not person.has_usable_password()
    link = re.search(r"http://127\.0\.0\.1(/staff/password/set/[^<\s]+/)", response.content.decode()).group(1)
    client = Client(HTTP_HOST="127.0.0.1")  # the new person, on their own machine
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200 and not User.objects.get(pk=person.pk).has_usable_password()
    done = client.post(set_url, {"new_password1": "tidal-lantern-3318", "new_password2": "tidal-lantern-3318"})
    assert done.status_code == 302 and done["Location"] == "/staff/password/set/done/"
    assert User.objects.get(pk=person.pk).check_password("tidal-lantern-3318")
    # The link works once.
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert client.post("/staff/login/", {"username": "lan.tran", "password": "tidal-lantern-3318"}).status_code == 302
    assert {"staff.create", "staff.password_link", "staff.password_chosen"} <= set(
        AuditEntry.objects.values_list("action", flat=True))


def test_duplicate_user_names_are_refused(admin_client):
    make_staff("Lan.Tran", OPERATOR)
    response = create(admin_client, password_mode="link")
    assert response.status_code == 200 and "username" in response.context["form"].errors


def test_roles_and_province_scope_change_and_are_audited(admin_client):
    person = make_staff("minh", OPERATOR)
    response = admin_client.post(f"/staff/accounts/{person.pk}/", {
        "first_name": "Minh", "last_name": "", "email": "", "roles": [VERIFIER, EDITOR], "provinces": ["can-tho"]})
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert roles_of(person) == {VERIFIER, EDITOR}
    assert can(person, "contact.reveal") and not can(person, "report.enter")
    entry = AuditEntry.objects.filter(action="staff.update").get()
    assert entry.detail == {"roles": {"added": [VERIFIER, EDITOR], "removed": [OPERATOR]},
                            "provinces": {"before": [], "after": ["can-tho"]}, "profile": ["first_name"]}
    # Saving the same values again changes nothing and writes nothing.
    admin_client.post(f"/staff/accounts/{person.pk}/", {
        "first_name": "Minh", "last_name": "", "email": "", "roles": [VERIFIER, EDITOR], "provinces": ["can-tho"]})
    assert AuditEntry.objects.filter(action="staff.update").count() == 1


def test_unknown_roles_or_provinces_are_refused(admin_client):
    person = make_staff("minh", OPERATOR)
    response = admin_client.post(f"/staff/accounts/{person.pk}/", {"roles": ["superuser"], "provinces": ["atlantis"]})
    assert response.status_code == 200
    assert {"roles", "provinces"} <= set(response.context["form"].errors)
    assert roles_of(User.objects.get(pk=person.pk)) == {OPERATOR}


def test_deactivate_and_reactivate(admin_client):
    person = make_staff("minh", OPERATOR)
    client = sign_in(Client(HTTP_HOST="127.0.0.1"), person)
    assert client.get("/staff/").status_code == 200
    assert admin_client.get(f"/staff/accounts/{person.pk}/deactivate/").status_code == 405
    assert admin_client.post(f"/staff/accounts/{person.pk}/deactivate/").status_code == 302
    assert not User.objects.get(pk=person.pk).is_active
    assert client.get("/staff/").status_code == 302  # their open session stops working
    admin_client.post(f"/staff/accounts/{person.pk}/reactivate/")
    assert User.objects.get(pk=person.pk).is_active
    assert list(AuditEntry.objects.filter(action__in=["staff.deactivate", "staff.reactivate"])
                .order_by("seq").values_list("action", flat=True)) == ["staff.deactivate", "staff.reactivate"]


def test_admins_cannot_lock_themselves_or_the_centre_out(admin_client):
    me = admin_client.admin
    admin_client.post(f"/staff/accounts/{me.pk}/deactivate/")
    assert User.objects.get(pk=me.pk).is_active
    response = admin_client.post(f"/staff/accounts/{me.pk}/", {"roles": [EDITOR], "provinces": []})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert roles_of(User.objects.get(pk=me.pk)) == {ADMIN}
    make_staff("second-admin", ADMIN)  # even with another admin, nobody demotes themselves here
    admin_client.post(f"/staff/accounts/{me.pk}/deactivate/")
    assert User.objects.get(pk=me.pk).is_active
    assert not AuditEntry.objects.filter(action__in=["staff.deactivate", "staff.update"]).exists()


def test_last_active_admin_cannot_be_deactivated():
    admin = make_staff("only-admin", ADMIN)
    with pytest.raises(accounts.AccountError):
        accounts.set_active(actor=None, user=admin, active=False)
    make_staff("new-admin", ADMIN)
    assert accounts.set_active(actor=None, user=admin, active=False) is True


def test_reset_two_factor_and_set_password(admin_client):
    person = make_staff("hoa", EDITOR)
    enrol_device(person)
    admin_client.post(f"/staff/accounts/{person.pk}/reset-2fa/")
    assert not TOTPDevice.objects.filter(user=person).exists()
    weak = admin_client.post(f"/staff/accounts/{person.pk}/password/",
                             {"new_password1": "password1234", "new_password2": "password1234"})
    assert weak.status_code == 400 and User.objects.get(pk=person.pk).check_password(PASSWORD)
    admin_client.post(f"/staff/accounts/{person.pk}/password/",
                      {"new_password1": "copper-meadow-2290", "new_password2": "copper-meadow-2290"})
    assert User.objects.get(pk=person.pk).check_password("copper-meadow-2290")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"staff.reset_two_factor", "staff.set_password"} <= actions
    link_page = admin_client.post(f"/staff/accounts/{person.pk}/password-link/")
    assert link_page.status_code == 200 and "/staff/password/set/" in link_page.content.decode()


def test_account_list_shows_roles_scope_and_two_factor(admin_client):
    person = make_staff("hoa", EDITOR, provinces=("hue",))
    enrol_device(person)
    html = admin_client.get("/staff/accounts/").content.decode()
    assert "hoa" in html and "editor" in html and "Huế" in html


@pytest.mark.parametrize("role", [OPERATOR, VERIFIER, EDITOR])
def test_only_admins_reach_account_screens(web, role):
    person = make_staff("someone", role)
    target = make_staff("target", OPERATOR)
    sign_in(web, person)
    assert web.get("/staff/accounts/").status_code == 403
    assert web.get("/staff/accounts/new/").status_code == 403
    assert web.post(f"/staff/accounts/{target.pk}/deactivate/").status_code == 403
    assert User.objects.get(pk=target.pk).is_active


def test_staff_user_command_bootstraps_the_first_admin(capsys):
    from django.core.management import call_command

    call_command("staff_user", "root-admin", "--role", "admin")
    person = User.objects.get(username="root-admin")
    assert roles_of(person) == {ADMIN} and not person.has_usable_password()
    assert "/staff/password/set/" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="staff.create", object_id=str(person.pk)).exists()
