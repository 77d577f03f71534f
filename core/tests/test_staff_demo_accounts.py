"""Demo staff accounts (development only) and the `totp_code` helper."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.demo_staff import DEMO_STAFF, ensure_demo_staff
from core.roles import roles_of
from intake.management.commands.load_demo import create_demo_staff_accounts

pytestmark = pytest.mark.django_db


def code_from_secret(secret: str, steps_back: int = 0) -> str:
    """What an authenticator app computes from the printed base32 secret alone."""
    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)))
    totp.time = totp.time - 30 * steps_back
    return f"{totp.token():06d}"


def test_demo_accounts_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        ensure_demo_staff()
    with pytest.raises(ImproperlyConfigured):
        create_demo_staff_accounts()
    with pytest.raises(CommandError):
        call_command("totp_code", "demo-editor")


def test_demo_accounts_sign_in_with_printed_password_and_secret(settings, web):
    settings.DEBUG = True
    lines = create_demo_staff_accounts()
    assert len(lines) == 4
    created = ensure_demo_staff()  # idempotent: a second run repairs, it does not duplicate
    assert TOTPDevice.objects.count() == 2
    by_role = {demo.role: (demo, secret) for demo, secret in created}
    for demo in DEMO_STAFF:
        printed = next(line for line in lines if repr(demo.username) in line)
        assert repr(demo.password) in printed
    demo, secret = by_role["editor"]
    assert secret and secret in " ".join(lines) and not by_role["verifier"][1]
    cache.clear()
    response = web.post("/staff/login/", {"username": demo.username, "password": demo.password})
    assert response["Location"].startswith("/staff/2fa/verify/")
    assert web.post("/staff/2fa/verify/", {"token": code_from_secret(secret)}).status_code == 302
    assert web.get("/staff/").status_code == 200
    assert roles_of(get_user_model().objects.get(username=demo.username)) == {"editor"}


def test_totp_code_prints_the_current_code(settings, capsys):
    settings.DEBUG = True
    created = dict((demo.username, secret) for demo, secret in ensure_demo_staff())
    call_command("totp_code", "demo-admin")
    printed = capsys.readouterr().out.strip()
    # The 30-second period may turn between the command and this line.
    assert printed in {code_from_secret(created["demo-admin"]), code_from_secret(created["demo-admin"], 1)}
    with pytest.raises(CommandError):
        call_command("totp_code", "demo-verifier")  # no authenticator
    with pytest.raises(CommandError):
        call_command("totp_code", "nobody-here")
