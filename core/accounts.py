"""Staff account changes, each audited in the same transaction as the change itself.

The staff screens (core.staff_views.accounts) and the `staff_user` command call these, so
the rules hold whichever way an account is changed: the last active admin cannot be
removed, and nobody deactivates or demotes themselves by accident.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from . import audit
from .models import ProvinceScope
from .reference import PROVINCES
from .roles import ADMIN, ROLES, ensure_groups, role_names

User = get_user_model()


class AccountError(ValueError):
    """A change that would break a rule (shown to the admin as a message)."""


def roles_of_account(user: Any) -> list[str]:
    return role_names(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


def provinces_of_account(user: Any) -> list[str]:
    return sorted(ProvinceScope.objects.filter(user=user).values_list("province", flat=True))


def _active_admins_besides(user: Any) -> int:
    return User._default_manager.filter(is_active=True, groups__name=ADMIN).exclude(pk=user.pk).count()


def _check_admin_kept(actor: Any, user: Any, *, losing_admin: bool) -> None:
    if not losing_admin:
        return
    if actor is not None and actor.pk == user.pk:
        raise AccountError(_("You cannot remove your own admin role or deactivate yourself; ask another admin."))
    if _active_admins_besides(user) == 0:
        raise AccountError(_("This is the last active admin: appoint another admin first."))


def _clean_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError(f"Unknown roles: {', '.join(unknown)}")
    return role_names(roles)


def _clean_provinces(provinces: Iterable[str]) -> list[str]:
    provinces = sorted(set(provinces))
    unknown = [p for p in provinces if p not in PROVINCES]
    if unknown:
        raise AccountError(f"Unknown provinces: {', '.join(unknown)}")
    return provinces


def create_account(*, actor: Any, username: str, roles: Iterable[str], provinces: Iterable[str] = (),
                   first_name: str = "", last_name: str = "", email: str = "",
                   password: str | None = None) -> Any:
    """A new staff account; without a password it has none usable until a set-password link is used.

    The password, if given, must already have passed the validators (the form does that).
    """
    roles, provinces = _clean_roles(roles), _clean_provinces(provinces)
    ensure_groups()
    with transaction.atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
        ProvinceScope.objects.bulk_create(ProvinceScope(user=user, province=p) for p in provinces)
        audit.record("staff.create", actor=actor, obj=user, detail={
            "username": username, "roles": roles, "provinces": provinces,
            "password": "typed" if password else "link"})
    return user


def update_account(*, actor: Any, user: Any, roles: Iterable[str], provinces: Iterable[str],
                   first_name: str, last_name: str, email: str) -> dict[str, Any]:
    """Apply an edit; returns what changed (also the audit detail). Empty when nothing did."""
    roles, provinces = _clean_roles(roles), _clean_provinces(provinces)
    before_roles, before_provinces = roles_of_account(user), provinces_of_account(user)
    _check_admin_kept(actor, user, losing_admin=ADMIN in before_roles and ADMIN not in roles)
    changes: dict[str, Any] = {}
    if roles != before_roles:
        changes["roles"] = {"added": [r for r in roles if r not in before_roles],
                            "removed": [r for r in before_roles if r not in roles]}
    if provinces != before_provinces:
        changes["provinces"] = {"before": before_provinces, "after": provinces}
    profile = {"first_name": first_name, "last_name": last_name, "email": email}
    changed_fields = [f for f, v in profile.items() if getattr(user, f) != v]
    if changed_fields:
        changes["profile"] = changed_fields  # which fields, not their values
    if not changes:
        return changes
    ensure_groups()
    with transaction.atomic():
        for field in changed_fields:
            setattr(user, field, profile[field])
        if changed_fields:
            user.save(update_fields=changed_fields)
        if "roles" in changes:
            user.groups.remove(*Group.objects.filter(name__in=changes["roles"]["removed"]))
            user.groups.add(*Group.objects.filter(name__in=changes["roles"]["added"]))
        if "provinces" in changes:
            ProvinceScope.objects.filter(user=user).exclude(province__in=provinces).delete()
            ProvinceScope.objects.bulk_create(
                [ProvinceScope(user=user, province=p) for p in provinces if p not in before_provinces])
        audit.record("staff.update", actor=actor, obj=user, detail=changes)
    user._tingia_roles = None  # noqa: SLF001 - drop the per-request role cache
    return changes


def set_active(*, actor: Any, user: Any, active: bool) -> bool:
    """Deactivate (sessions stop working at once) or reactivate; False when nothing changed."""
    if user.is_active == active:
        return False
    if not active:
        _check_admin_kept(actor, user, losing_admin=ADMIN in roles_of_account(user))
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record("staff.reactivate" if active else "staff.deactivate", actor=actor, obj=user)
    return True


def reset_two_factor(*, actor: Any, user: Any) -> int:
    """Remove the person's authenticators (a lost phone); they enrol again at next sign-in."""
    with transaction.atomic():
        removed = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
        audit.record("staff.reset_two_factor", actor=actor, obj=user, detail={"devices": removed})
    return removed


def set_password(*, actor: Any, user: Any, password: str) -> None:
    """Set a validated password chosen by an admin; the person's open sessions end."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record("staff.set_password", actor=actor, obj=user)


def password_link(*, actor: Any, user: Any) -> str:
    """A one-time set-password path (valid PASSWORD_RESET_TIMEOUT); shown once to the admin."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    audit.record("staff.password_link", actor=actor, obj=user)
    return reverse("staff:password_set", kwargs={"uidb64": uid, "token": token})
