"""Refuse oversized or unreadable request bodies with a message a person can act on.

Django raises while it parses a body (too large, too many fields or files, a broken
multipart stream), and the CSRF check is the first to parse a form: left alone, a person
gets a bare "Bad Request". This middleware parses form bodies first, so those cases get
a clear, translated page (or a JSON error under /api/) instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

FORM_CONTENT_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}
ERROR_TEMPLATE = "intake/request_error.html"
API_PREFIX = "/api/"
# Webhooks signed over their exact body: parsing it here would make the raw bytes unreadable.
RAW_BODY_PREFIXES = ("/api/v1/hotline/",)


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def request_error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """The error in the form the client reads: JSON for the API, a page for people."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": code, "message": message, "fields": {}}, status=status)
    return render(request, ERROR_TEMPLATE, {"message": message, "code": code}, status=status)


class RequestSizeLimitMiddleware:
    """A declared body over MAX_REQUEST_BYTES gets 413; an unreadable form body gets 400 or 413."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if declared_length(request) <= settings.MAX_REQUEST_BYTES and (
                request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES):
            return self.get_response(request)  # nothing to check (JSON, GET): skip the language work
        # This runs before LocaleMiddleware: choose the person's language ourselves.
        with translation.override(translation.get_language_from_request(request)):
            refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        if declared_length(request) > settings.MAX_REQUEST_BYTES:
            return request_error(request, 413, "request_too_large", _(
                "The request is too large. Send at most 5 images of 5 MB each."))
        if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
            return None
        if request.path.startswith(RAW_BODY_PREFIXES):
            return None  # the view reads the raw bytes itself (a signature covers them)
        try:
            request.POST  # noqa: B018 - parse now, while a failure can still be answered clearly
        except RequestDataTooBig:
            return request_error(request, 413, "request_too_large", _(
                "The form data is too large. Shorten the text; at most 10,000 characters are accepted."))
        except (TooManyFieldsSent, TooManyFilesSent):
            return request_error(request, 400, "too_many_parts", _(
                "The request has too many fields or files. Send at most 5 images."))
        except (MultiPartParserError, BadRequest, UnreadablePostError):
            return request_error(request, 400, "unreadable_body", _(
                "The request could not be read. Please send the form again."))
        if request.content_type == "application/x-www-form-urlencoded" and not _is_utf8(request.body):
            # Django would read such bytes as Latin-1 and store mojibake without a word.
            return request_error(request, 400, "invalid_encoding", _(
                "The form was sent with a broken character encoding. Please type it again and send it."))
        return None


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- A shorter middleware stack for partner reports ----------------------------------------------

#: The one hot JSON endpoint served by the short stack (exact path, POST and everything else).
API_FAST_PATHS = frozenset({"/api/v1/reports"})
#: What that endpoint still goes through. Left out, because the endpoint never uses them:
#: sessions, CSRF (django-ninja's views are CSRF-exempt and a partner key is no cookie),
#: authentication and two-factor (`request.user` is never read; the key is checked by
#: `intake.api_auth.PartnerKey`), the staff gate (only /staff/), messages, axes (no sign-in)
#: and WhiteNoise (no static file lives under /api/). Kept: security headers, the size guard,
#: the language of the JSON messages, CommonMiddleware and X-Frame-Options.
API_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)


def _handler_with(middleware: tuple[str, ...] | list[str]) -> Callable:
    """A WSGIHandler whose chain is built from `middleware` instead of settings.MIDDLEWARE.

    Django builds the chain from the setting once, when the handler is made, so the setting
    is swapped for that moment only (at import, before any request or thread).
    """
    from django.core.handlers.wsgi import WSGIHandler

    original = settings.MIDDLEWARE
    settings.MIDDLEWARE = list(middleware)
    try:
        return WSGIHandler()
    finally:
        settings.MIDDLEWARE = original


def with_api_fast_path(site: Callable) -> Callable:
    """Wrap the site's WSGI application: partner reports take the short middleware stack.

    Profiled, the middleware the site needs (sessions, auth, OTP, staff gate, messages,
    axes, CSRF) was about 6 % of the web process's CPU per report (docs/benchmarks.md).
    Every other path, /staff/ and the rest of /api/ included, keeps the full stack.
    """
    for name in API_MIDDLEWARE:
        if name not in settings.MIDDLEWARE:  # the short stack must stay a subset of the full one
            raise RuntimeError(f"{name} is in API_MIDDLEWARE but not in settings.MIDDLEWARE")
    api = _handler_with(API_MIDDLEWARE)

    def application(environ: dict, start_response: Callable):  # noqa: ANN202 - WSGI
        if environ.get("PATH_INFO") in API_FAST_PATHS:
            return api(environ, start_response)
        return site(environ, start_response)

    application.api_handler = api  # type: ignore[attr-defined] - for tests
    return application
