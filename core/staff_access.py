"""Who may open a staff page at all: signed in, holding a role, and two-factor verified.

Every URL under /staff/ passes through `StaffAccessMiddleware`, so a view added later (the
claim desk included) cannot forget sign-in or two-factor; per-action checks stay in the
views (`core.roles.staff_required(action)`). The few pages that must work before a person
is fully signed in (sign-in, sign-out, two-factor, set-password links) are listed by URL name.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django_otp import user_has_device

from .personal import client_ip, keyed_hash
from .roles import needs_two_factor, roles_of

STAFF_PREFIX = "/staff/"
# Reachable without a session: signing in, and setting a password from a link.
PUBLIC_URL_NAMES = frozenset({"staff:login", "staff:password_set", "staff:password_set_done"})
# Reachable signed in but before the second factor: enrolling, entering a code, leaving.
PRE_VERIFICATION_URL_NAMES = frozenset({"staff:otp_setup", "staff:otp_verify", "staff:logout"})


class Gate(Enum):
    """What stands between a request and a staff page."""

    OPEN = "open"
    SIGN_IN = "sign_in"
    NO_ROLE = "no_role"
    ENROL = "enrol"  # must set up an authenticator first
    VERIFY = "verify"  # must enter a code from the enrolled authenticator


def two_factor_required(user: Any) -> bool:
    """Roles that can publish, manage or reveal must use it; so must anyone who enrolled.

    A person who set up an authenticator voluntarily is held to it: otherwise a stolen
    password alone would still open their account.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    return needs_two_factor(user) or user_has_device(user, confirmed=True)


def is_verified(user: Any) -> bool:
    """True when this request's session passed the second factor (set by OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def gate(user: Any) -> Gate:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Gate.SIGN_IN
    if two_factor_required(user) and not is_verified(user):
        return Gate.VERIFY if user_has_device(user, confirmed=True) else Gate.ENROL
    if not roles_of(user):
        return Gate.NO_ROLE
    return Gate.OPEN


def gate_response(request: HttpRequest, state: Gate) -> HttpResponse | None:
    """The redirect or refusal for a closed gate; None when the page may be shown."""
    if state is Gate.OPEN:
        return None
    if state is Gate.SIGN_IN:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if state is Gate.NO_ROLE:
        raise PermissionDenied("no staff role")
    target = "staff:otp_verify" if state is Gate.VERIFY else "staff:otp_setup"
    return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def url_name(request: HttpRequest) -> str:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    return match.view_name


class StaffAccessMiddleware:
    """Closes every /staff/ page to anyone not signed in, without a role, or not verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(STAFF_PREFIX):
            name = url_name(request)
            if name not in PUBLIC_URL_NAMES:
                state = gate(request.user)
                if name in PRE_VERIFICATION_URL_NAMES and state is not Gate.SIGN_IN:
                    state = Gate.OPEN  # those views decide themselves what to show
                response = gate_response(request, state)
                if response is not None:
                    return response
        return self.get_response(request)


def axes_client_str(username: str | None, ip_address: str | None, user_agent: str | None,
                    path_info: Any, request: HttpRequest | None) -> str:
    """What django-axes writes in its log lines: a pseudonym, never the name or the address."""
    subject = keyed_hash(f"{username or ''}|{ip_address or ''}", "login-attempt")[:12]
    path = path_info[0] if isinstance(path_info, (list, tuple)) and path_info else path_info
    return f"{{client: {subject}, path: {path or ''}}}"


def audit_client(request: HttpRequest | None) -> str:
    """A stable keyed hash of the client address for audit entries (pseudonymous)."""
    if request is None:
        return ""
    return keyed_hash(client_ip(request), "audit-client")[:16]
