"""Staff roles (Django groups) and the actions each may take, checked on the server.

The matrix below is the single statement of who may do what; views call `require`
(or `can`) with an action name, and the role × action test matrix reads the same table.
Staff may be scoped to provinces (a provincial department sees its province's claims).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse

from .models import ProvinceScope

OPERATOR = "operator"
VERIFIER = "verifier"
EDITOR = "editor"
ADMIN = "admin"
ROLES = (OPERATOR, VERIFIER, EDITOR, ADMIN)

# action -> roles allowed. Admins manage people and settings but never verdicts.
ACTIONS: dict[str, frozenset[str]] = {
    "report.enter": frozenset({OPERATOR}),
    "report.view_content": frozenset({OPERATOR, VERIFIER, EDITOR}),
    "claim.view": frozenset({OPERATOR, VERIFIER, EDITOR}),
    "claim.work": frozenset({VERIFIER, EDITOR}),  # evidence, notes, referrals, takedowns, assignment
    "claim.propose_verdict": frozenset({VERIFIER, EDITOR}),
    "claim.review": frozenset({EDITOR}),  # approve and publish, or send back
    "claim.merge_split": frozenset({EDITOR}),
    "claim.unpublish": frozenset({EDITOR}),
    "claim.bulk_dismiss": frozenset({VERIFIER, EDITOR}),
    "claim.public_title": frozenset({VERIFIER, EDITOR}),  # propose the neutral home-page title; an editor approves (claim.review)
    "lock.take_over": frozenset({EDITOR}),
    "contact.reveal": frozenset({EDITOR}),
    "audit.view": frozenset({EDITOR, ADMIN}),
    "staff.manage": frozenset({ADMIN}),
    "apikey.manage": frozenset({ADMIN}),
    "topic.manage": frozenset({ADMIN}),
    "stats.staff": frozenset({OPERATOR, VERIFIER, EDITOR, ADMIN}),
    "hotline.take_call": frozenset({OPERATOR}),  # the console: log calls, open pending calls, look up verdicts
    "hotline.review": frozenset({OPERATOR}),  # correct a recording's transcript, mark it reviewed
    "hotline.view": frozenset({OPERATOR, VERIFIER, EDITOR}),  # the call list (caller numbers masked)
}

# Roles that must use two-factor authentication (they can publish, manage or reveal).
TWO_FACTOR_ROLES = frozenset({EDITOR, ADMIN})


def roles_of(user: Any) -> frozenset[str]:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_tingia_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._tingia_roles = cached  # noqa: SLF001 - per-request cache on the user object
    return cached


def can(user: Any, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"Unknown staff action {action!r}")
    return bool(roles_of(user) & ACTIONS[action])


def check(user: Any, action: str) -> None:
    """Raise PermissionDenied unless the user's roles allow the action."""
    if not can(user, action):
        raise PermissionDenied(action)


def require(action: str) -> Callable:
    """View decorator: the action is checked on the server, whatever the page showed."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            check(request.user, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def staff_required(action: str | None = None) -> Callable:
    """View decorator for every staff view: signed in, a role, two-factor, then the action.

    The sign-in and two-factor part repeats what `core.staff_access.StaffAccessMiddleware`
    does for URLs under /staff/, so a staff view stays closed even if it is mounted elsewhere.
    Anonymous people are sent to sign in; a refused action is a 403.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from .staff_access import gate, gate_response  # the gate imports this module

            response = gate_response(request, gate(request.user))
            if response is not None:
                return response
            if action is not None:
                check(request.user, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def needs_two_factor(user: Any) -> bool:
    return bool(roles_of(user) & TWO_FACTOR_ROLES) or can(user, "contact.reveal")


def ensure_groups() -> None:
    """Create the role groups (idempotent; called by a data migration and the demo)."""
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def province_scope(user: Any) -> frozenset[str] | None:
    """None: all provinces; otherwise the set of province codes the user may see."""
    codes = frozenset(ProvinceScope.objects.filter(user=user).values_list("province", flat=True))
    return codes or None


def scope_queryset(qs: models.QuerySet, user: Any, field: str = "province") -> models.QuerySet:
    scope = province_scope(user)
    return qs if scope is None else qs.filter(**{f"{field}__in": scope})


def role_names(roles: Iterable[str]) -> list[str]:
    return [r for r in ROLES if r in set(roles)]
