"""Sign-in events written to the audit log (connected in CoreConfig.ready).

Never the password, and never what was typed as a user name unless it names a real account:
people sometimes type their password into the user-name field.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from . import audit
from .staff_access import audit_client

UNKNOWN_ACCOUNT = "unknown account"


def _account(username: Any) -> Any:
    if not isinstance(username, str) or not username:
        return None
    return get_user_model()._default_manager.filter(username=username).first()


@receiver(user_logged_in, dispatch_uid="core.audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record("auth.login", actor=user, obj=user, detail={"client": audit_client(request)})


@receiver(user_logged_out, dispatch_uid="core.audit_logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("auth.logout", actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="core.audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    account = _account(credentials.get("username"))
    detail = {"client": audit_client(request), "known_account": account is not None}
    if account is not None:
        audit.record("auth.login_failed", obj=account, actor_label=account.get_username(), detail=detail)
    else:
        audit.record("auth.login_failed", actor_label=UNKNOWN_ACCOUNT, detail=detail)


@receiver(user_locked_out, dispatch_uid="core.audit_locked_out")
def audit_locked_out(sender: Any, request: HttpRequest | None = None, username: Any = None, **kwargs: Any) -> None:
    account = _account(username)
    detail = {"client": audit_client(request), "known_account": account is not None}
    if account is not None:
        audit.record("auth.locked_out", obj=account, actor_label=account.get_username(), detail=detail)
    else:
        audit.record("auth.locked_out", actor_label=UNKNOWN_ACCOUNT, detail=detail)
