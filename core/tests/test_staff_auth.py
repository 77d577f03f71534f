"""Staff sign-in: passwords behind a per-account-and-address lockout, TOTP two-factor, sessions."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEntry
from intake.models import ApiClient
from core.roles import ADMIN, EDITOR, OPERATOR, VERIFIER, staff_required
from core.signals import UNKNOWN_ACCOUNT
from core.tests.staff_support import PASSWORD, enrol_device, make_staff, sign_in, totp_code

LOGIN = "/staff/login/"
HOME = "/staff/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_lockouts():
    """Lockout counters live in the cache, which may outlive a test's transaction (Redis)."""
    cache.clear()
    yield
    cache.clear()


def login(client, username, password, ip="10.0.0.1", next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data, REMOTE_ADDR=ip)


def actions():
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_login_page_and_successful_sign_in_is_audited(web):
    user = make_staff("op1", OPERATOR)
    assert web.get(LOGIN).status_code == 200
    response = login(web, "op1", PASSWORD)
    assert response.status_code == 302 and response["Location"] == HOME
    assert web.get(HOME).status_code == 200
    entry = AuditEntry.objects.filter(action="auth.login").get()
    assert entry.actor_id == user.pk and entry.object_id == str(user.pk)
    assert entry.detail["client"] and "10.0.0.1" not in json.dumps(entry.detail)


def test_failed_login_is_audited_without_password_or_typed_name(web):
    make_staff("op1", OPERATOR)
    response = login(web, "op1", "wrong-password-here")
    assert response.status_code == 200 and "_auth_user_id" not in web.session
    login(web, "my-secret-typed-as-name", "other-password")
    failures = list(AuditEntry.objects.filter(action="auth.login_failed").order_by("seq"))
    assert [f.actor_label for f in failures] == ["op1", UNKNOWN_ACCOUNT]
    assert [f.detail["known_account"] for f in failures] == [True, False]
    everything = json.dumps([[e.actor_label, e.object_id, e.detail] for e in AuditEntry.objects.all()])
    for secret in ("wrong-password-here", "other-password", "my-secret-typed-as-name", "10.0.0.1"):
        assert secret not in everything


def test_lockout_is_per_account_and_address_together(web):
    make_staff("ed1", EDITOR)
    make_staff("op2", OPERATOR)
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        login(web, "ed1", "attacker-guess-000", ip="203.0.113.9")
    # The attacker's address is locked out for this account, even with the right password...
    locked = login(web, "ed1", PASSWORD, ip="203.0.113.9")
    assert locked.status_code == 429
    assert "_auth_user_id" not in web.session
    assert "auth.locked_out" in actions()
    # ...but the editor signs in from their own address, and other accounts from that address still work.
    assert login(Client(HTTP_HOST="127.0.0.1"), "ed1", PASSWORD, ip="198.51.100.7").status_code == 302
    assert login(Client(HTTP_HOST="127.0.0.1"), "op2", PASSWORD, ip="203.0.113.9").status_code == 302


def test_lockout_needs_the_full_number_of_failures(web):
    make_staff("ed1", EDITOR)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(web, "ed1", "attacker-guess-000")
    assert login(web, "ed1", PASSWORD).status_code == 302


def test_sign_out_is_post_only_and_audited(web):
    user = make_staff("op1", OPERATOR)
    sign_in(web, user)
    assert web.get("/staff/logout/").status_code == 405
    response = web.post("/staff/logout/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert web.get(HOME).status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout", actor_label="op1").exists()


def test_editor_without_device_must_enrol_before_any_staff_page(web):
    make_staff("ed1", EDITOR)
    response = login(web, "ed1", PASSWORD, next_url="/staff/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/2fa/setup/")
    for path in (HOME, "/staff/audit/", "/staff/claims/", "/staff/claims/1/"):
        blocked = web.get(path)
        assert blocked.status_code == 302 and blocked["Location"].startswith("/staff/2fa/setup/"), path
    page = web.get(response["Location"])
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user__username="ed1", confirmed=False)
    html = page.content.decode()
    assert "otpauth://totp/tingia%3Aed1?secret=" in html
    assert "<svg" in html and "<script" not in html
    secret = base64.b32encode(device.bin_key).decode()
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in html
    # A wrong code does not enrol; the right one does, and the person lands where they wanted.
    wrong = web.post(response["Location"], {"token": f"{(int(totp_code(device)) + 1) % 1000000:06d}"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    done = web.post(response["Location"], {"token": totp_code(device)})
    assert done.status_code == 302 and done["Location"] == "/staff/audit/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert web.get("/staff/audit/").status_code == 200
    assert {"auth.otp_failed", "auth.otp_enrolled"} <= set(actions())


def test_enrolled_editor_enters_a_real_code_and_codes_cannot_be_replayed(web):
    user = make_staff("ed1", EDITOR)
    device = enrol_device(user)
    response = login(web, "ed1", PASSWORD)
    assert response["Location"].startswith("/staff/2fa/verify/")
    assert web.get("/staff/2fa/setup/")["Location"].startswith("/staff/2fa/verify/")  # no second device
    code = totp_code(device)
    ok = web.post("/staff/2fa/verify/", {"token": code, "next": "/staff/audit/"})
    assert ok.status_code == 302 and ok["Location"] == "/staff/audit/"
    assert web.get(HOME).status_code == 200
    # The same code in another session (a shoulder-surfer, a phishing relay) is refused.
    other = Client(HTTP_HOST="127.0.0.1")
    login(other, "ed1", PASSWORD, ip="10.0.0.2")
    replay = other.post("/staff/2fa/verify/", {"token": code})
    assert replay.status_code == 200 and other.get(HOME).status_code == 302


def test_wrong_codes_are_throttled_and_audited(web, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a one-minute back-off: no race with a slow test run
    user = make_staff("ad1", ADMIN)
    device = enrol_device(user)
    login(web, "ad1", PASSWORD)
    wrong = f"{(int(totp_code(device)) + 1) % 1000000:06d}"
    assert web.post("/staff/2fa/verify/", {"token": wrong}).status_code == 200
    throttled = web.post("/staff/2fa/verify/", {"token": totp_code(device)})
    page = throttled.content.decode()
    assert throttled.status_code == 200 and ("Wait" in page or "Vui lòng chờ" in page)
    assert web.get(HOME).status_code == 302
    # Once the back-off has passed, the right code works.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=61))
    assert web.post("/staff/2fa/verify/", {"token": totp_code(device)}).status_code == 302
    assert web.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(action="auth.otp_failed", actor_label="ad1").count() == 1


def test_verifier_needs_no_code_but_a_verifier_who_enrolled_must_use_it(web):
    verifier = make_staff("ve1", VERIFIER)
    assert login(web, "ve1", PASSWORD)["Location"] == HOME
    assert web.get(HOME).status_code == 200
    enrol_device(verifier)
    other = Client(HTTP_HOST="127.0.0.1")
    assert login(other, "ve1", PASSWORD)["Location"].startswith("/staff/2fa/verify/")
    assert other.get(HOME).status_code == 302


def test_anonymous_and_roleless_people_are_kept_out(web):
    for path in (HOME, "/staff/accounts/", "/staff/claims/", "/staff/claims/anything/"):
        response = web.get(path)
        assert response.status_code == 302 and response["Location"].startswith(f"{LOGIN}?next="), path
    sign_in(web, make_staff("nobody"))
    assert web.get(HOME).status_code == 403
    assert web.get("/staff/claims/").status_code == 403


def test_deactivated_account_loses_its_session_at_once(web):
    user = make_staff("op1", OPERATOR)
    sign_in(web, user)
    assert web.get(HOME).status_code == 200
    user.is_active = False
    user.save()
    assert web.get(HOME)["Location"].startswith(LOGIN)
    assert login(Client(HTTP_HOST="127.0.0.1"), "op1", PASSWORD).status_code == 200  # refused


def test_staff_required_guards_views_mounted_anywhere():
    factory = RequestFactory()

    @staff_required("claim.work")
    def view(request):
        return HttpResponse("ok")

    def request_as(user, verified=False):
        request = factory.get("/elsewhere/")
        if user is not None:
            user.is_verified = lambda: verified
        request.user = user if user is not None else AnonymousUser()
        return request

    assert view(request_as(None))["Location"].startswith(LOGIN)
    editor = make_staff("ed1", EDITOR)
    assert view(request_as(editor))["Location"].startswith("/staff/2fa/setup/")
    assert view(request_as(editor, verified=True)).content == b"ok"
    assert view(request_as(make_staff("ve1", VERIFIER))).content == b"ok"
    with pytest.raises(PermissionDenied):
        view(request_as(make_staff("op1", OPERATOR)))


def test_staff_forms_refuse_posts_without_csrf_token():
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    make_staff("op1", OPERATOR)
    assert client.post(LOGIN, {"username": "op1", "password": PASSWORD}).status_code == 403
    admin = make_staff("ad1", ADMIN)
    sign_in(client, admin)
    refused = client.post("/staff/api-keys/", {"name": "Partner", "rate": "600/m"})
    assert refused.status_code == 403
    assert not ApiClient.objects.exists()
    # With the token from the page the same form works.
    client.get("/staff/api-keys/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert client.post("/staff/api-keys/", {"name": "Partner", "rate": "600/m",
                                            "csrfmiddlewaretoken": token}).status_code == 200
    assert ApiClient.objects.count() == 1


def test_session_cookie_is_httponly_lax_and_ends_with_the_browser(web):
    make_staff("op1", OPERATOR)
    response = login(web, "op1", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert web.session.get_expiry_age() <= 12 * 3600


def test_production_settings_secure_the_cookies_and_drop_the_django_admin(tmp_path: Path):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "TINGIA_DEBUG": "0", "TINGIA_TESTING": "0", "TINGIA_SECRET_KEY": "x" * 50,
           "TINGIA_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tingia.settings"}
    env.pop("TINGIA_ADMIN", None)
    script = ("import json; from tingia import settings as s; print(json.dumps([s.SESSION_COOKIE_SECURE, "
              "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
              "s.SESSION_EXPIRE_AT_BROWSER_CLOSE, 'django.contrib.admin' in s.INSTALLED_APPS]))")
    out = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == [True, True, True, "Lax", True, False]


def test_no_staff_screen_depends_on_the_django_admin(web):
    assert "django.contrib.admin" not in settings.INSTALLED_APPS  # the whole suite runs without it
    assert web.get("/django-admin/").status_code == 404
    sign_in(web, make_staff("ad1", ADMIN))
    for name in ("staff:accounts", "staff:account_create", "staff:api_keys", "staff:topics", "staff:audit"):
        assert web.get(reverse(name)).status_code == 200, name
