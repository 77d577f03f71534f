"""Partner reports take a shorter middleware stack (core.middleware.with_api_fast_path).

These tests call the real WSGI application of tingia/wsgi.py (the Django test client builds
its own handler from settings.MIDDLEWARE and would not see the dispatch). They run in real
transactions because a WSGI request closes or resets connections when it ends.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.conf import settings

from core.middleware import API_FAST_PATHS, API_MIDDLEWARE
from intake.api_auth import forget_keys, issue_key
from intake.models import Report
from tingia.wsgi import application

pytestmark = pytest.mark.django_db(transaction=True)

BODY = {"text": "Tin đồn: phát tiền hỗ trợ qua đường link lạ", "urls": ["https://m.facebook.com/x/posts/1"]}


def call(method: str, path: str, body: bytes = b"", **headers: str) -> tuple[int, dict[str, str], bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0),
        "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "CONTENT_LENGTH": headers.pop("CONTENT_LENGTH", str(len(body))),
        "CONTENT_TYPE": headers.pop("CONTENT_TYPE", "application/json"),
    }
    environ.update(headers)
    started: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started["status"] = int(status.split()[0])
        started["headers"] = dict(response_headers)
        started["headers"]["Set-Cookie"] = " | ".join(v for k, v in response_headers if k == "Set-Cookie")

    chunks = application(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return started["status"], started["headers"], content


@pytest.fixture
def partner_key(settings) -> str:  # noqa: ANN001
    settings.SECURE_SSL_REDIRECT = False
    forget_keys()
    _client, key = issue_key("Đối tác đường tắt")
    return key


def test_the_short_stack_is_a_subset_without_session_auth_csrf_or_staff_gate():
    names = [type(m).__module__ + "." + type(m).__name__ for m in _chain(application.api_handler)]
    assert names == list(API_MIDDLEWARE)
    assert set(API_MIDDLEWARE) <= set(settings.MIDDLEWARE)
    for skipped in ("SessionMiddleware", "CsrfViewMiddleware", "AuthenticationMiddleware",
                    "StaffAccessMiddleware", "OTPMiddleware", "MessageMiddleware", "AxesMiddleware"):
        assert not any(name.endswith(skipped) for name in names)
    assert API_FAST_PATHS == {"/api/v1/reports"}


def _chain(handler) -> list[Any]:  # noqa: ANN001
    """The middleware instances of a handler, outermost first (Django nests them)."""
    found, current = [], handler._middleware_chain
    while current is not None:
        mw = getattr(current, "__wrapped__", current)  # convert_exception_to_response wraps each
        if not hasattr(mw, "get_response"):
            break
        found.append(mw)
        current = mw.get_response
    return found


def test_a_partner_report_through_the_short_stack_is_stored_with_security_headers(partner_key):
    status, headers, content = call("POST", "/api/v1/reports", json.dumps(BODY).encode(),
                                    HTTP_AUTHORIZATION=f"Bearer {partner_key}")
    assert status == 201, content
    code = json.loads(content)["tracking_code"]
    report = Report.objects.get(tracking_code=code.replace("-", ""))
    assert report.links.get().canonical_url == "https://facebook.com/x/posts/1"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Set-Cookie"] == ""  # no session, no CSRF cookie


def test_api_auth_is_unchanged_on_the_short_stack(partner_key):
    status, headers, content = call("POST", "/api/v1/reports", json.dumps(BODY).encode(),
                                    HTTP_AUTHORIZATION="Bearer tg_00000000_wrong")
    assert status == 401
    assert json.loads(content)["error"] == "invalid_api_key"
    assert headers["WWW-Authenticate"] == "Bearer"
    assert not Report.objects.exists()


def test_the_size_guard_still_refuses_oversized_reports(partner_key):
    status, _headers, content = call("POST", "/api/v1/reports", b"{}", HTTP_AUTHORIZATION=f"Bearer {partner_key}",
                                     CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1))
    assert status == 413
    assert json.loads(content)["error"] == "request_too_large"


def test_the_api_messages_keep_the_callers_language(partner_key):
    status, headers, content = call("POST", "/api/v1/reports", b"{}", HTTP_AUTHORIZATION=f"Bearer {partner_key}",
                                    HTTP_ACCEPT_LANGUAGE="en")
    assert status == 400
    assert json.loads(content)["message"] == "The report was not accepted: see the fields."
    assert headers["Content-Language"] == "en"
    _status, _headers, content = call("POST", "/api/v1/reports", b"{}", HTTP_AUTHORIZATION=f"Bearer {partner_key}")
    assert json.loads(content)["message"] != "The report was not accepted: see the fields."  # Vietnamese


def test_staff_pages_still_pass_the_staff_gate_and_sessions(partner_key):
    status, headers, _content = call("GET", "/staff/")
    assert status == 302
    assert headers["Location"].startswith(settings.LOGIN_URL)
    # The public form still gets a CSRF cookie (the full stack with CSRF and sessions).
    status, headers, _content = call("GET", "/phan-anh/")
    assert status == 200
    assert settings.CSRF_COOKIE_NAME in headers["Set-Cookie"]
