"""Partner API keys: `manage.py apikey issue|revoke|list`, audited, and enforced by the API."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.models import AuditEntry
from intake.models import ApiClient, Report

from .conftest import assert_api_error, post_json

pytestmark = pytest.mark.django_db

BODY = {"text": "Trang giả mạo ngân hàng đòi mã OTP"}


def apikey(*args: str) -> str:
    out = io.StringIO()
    call_command("apikey", *args, stdout=out)
    return out.getvalue()


def issue(name: str = "Ứng dụng đối tác", rate: str = "600/m") -> tuple[ApiClient, str]:
    output = apikey("issue", name, "--rate", rate)
    key = output.strip().splitlines()[-1]
    return ApiClient.objects.get(name=name), key


def test_issue_prints_the_key_once_and_stores_only_its_hash():
    client, key = issue(rate="120/m")
    assert key.startswith(f"tg_{client.key_prefix}_") and len(key) > 40
    assert client.rate == "120/m" and client.is_active
    assert client.key_hash == ApiClient.hash_key(key) and key not in client.key_hash
    entry = AuditEntry.objects.get(action="api_key.issue")
    assert entry.object_id == str(client.pk) and entry.detail == {"name": client.name, "rate": "120/m"}
    assert key not in str(entry.detail)


@pytest.mark.parametrize("rate", ["fast", "0/m", "10/0m", "10/w", "10", "-5/m", "99999999/s"])
def test_issue_refuses_a_rate_that_is_not_one(rate):
    with pytest.raises(CommandError):
        apikey("issue", "Đối tác", "--rate", rate)
    assert not ApiClient.objects.exists()


def test_issue_refuses_an_empty_name():
    with pytest.raises(CommandError):
        apikey("issue", "   ")


def test_list_and_revoke():
    first, _ = issue("Báo điện tử A")
    second, _ = issue("Ứng dụng B", rate="30/m")
    listing = apikey("list")
    assert first.key_prefix in listing and second.key_prefix in listing and "active" in listing
    assert "30/m" in listing and "Ứng dụng B" in listing
    assert "Revoked" in apikey("revoke", first.key_prefix)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_key.revoke", object_id=str(first.pk)).count() == 1
    assert "already revoked" in apikey("revoke", first.key_prefix)
    assert AuditEntry.objects.filter(action="api_key.revoke").count() == 1  # no second entry
    assert "revoked" in apikey("list")


def test_revoke_accepts_a_pasted_key_and_refuses_an_unknown_prefix():
    client, key = issue()
    apikey("revoke", key)
    client.refresh_from_db()
    assert client.revoked_at is not None
    with pytest.raises(CommandError):
        apikey("revoke", "00000000")


def test_list_with_no_keys():
    assert "No API keys" in apikey("list")


def test_a_valid_key_submits_as_the_partner(web):
    client, key = issue()
    response = post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 201
    assert Report.objects.get().api_client == client
    assert post_json(web, BODY, HTTP_X_API_KEY=key).status_code == 201


def test_a_revoked_key_gets_401_json(web):
    client, key = issue()
    apikey("revoke", client.key_prefix)
    response = post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert_api_error(response, 401, "invalid_api_key")
    assert response["WWW-Authenticate"] == "Bearer"
    assert not Report.objects.exists()  # never silently accepted as anonymous


@pytest.mark.parametrize("authorization", [
    "Bearer tg_deadbeef_notthekey",
    "Bearer not-even-shaped-right",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "Bearer tg_ñ_unicode",
])
def test_wrong_keys_get_401_json(web, authorization):
    issue()
    assert_api_error(post_json(web, BODY, HTTP_AUTHORIZATION=authorization.encode().decode("latin-1")),
                     401, "invalid_api_key")
    assert not Report.objects.exists()


def test_a_right_prefix_with_a_wrong_secret_is_refused(web):
    client, key = issue()
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert_api_error(post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {forged}"), 401, "invalid_api_key")


class Clock:
    """Monotonic time for the key memory, moved forward by the test instead of by sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch, settings):
    from intake import api_auth

    settings.API_KEY_CACHE_SECONDS = 5
    api_auth.forget_keys()
    fake = Clock()
    monkeypatch.setattr(api_auth, "_clock", fake)
    yield fake
    api_auth.forget_keys()


def test_a_remembered_key_is_not_looked_up_again(web, clock, django_assert_num_queries):
    from intake.api_auth import authenticate

    client, key = issue()
    request = web.get("/").wsgi_request
    request.META["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    with django_assert_num_queries(1):
        assert authenticate(request) == client
    with django_assert_num_queries(0):
        assert authenticate(request) == client
    clock.now += 5.1  # past API_KEY_CACHE_SECONDS: looked up again
    with django_assert_num_queries(1):
        assert authenticate(request) == client


def test_a_revocation_elsewhere_takes_effect_within_the_cache_time(web, clock):
    client, key = issue()
    assert post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 201
    # Revoked by another process (a staff page on another server): only the row changes here.
    ApiClient.objects.filter(pk=client.pk).update(revoked_at=timezone.now())
    clock.now += 4.9
    assert post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 201  # still remembered
    clock.now += 0.2
    assert_api_error(post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key}"), 401, "invalid_api_key")
    assert Report.objects.count() == 2


def test_a_revocation_in_this_process_takes_effect_at_once(web, clock):
    client, key = issue()
    assert post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 201
    apikey("revoke", client.key_prefix)
    assert_api_error(post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key}"), 401, "invalid_api_key")


def test_wrong_keys_are_never_remembered(web, clock):
    client, key = issue()
    wrong = key[:-4] + ("aaaa" if not key.endswith("aaaa") else "bbbb")
    for _ in range(2):
        assert_api_error(post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {wrong}"), 401, "invalid_api_key")
    assert post_json(web, BODY, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 201


def test_the_memory_can_be_switched_off(web, clock, settings, django_assert_num_queries):
    from intake.api_auth import authenticate

    settings.API_KEY_CACHE_SECONDS = 0
    client, key = issue()
    request = web.get("/").wsgi_request
    request.META["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    for _ in range(2):
        with django_assert_num_queries(1):
            assert authenticate(request) == client
