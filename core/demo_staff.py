"""Demo staff accounts, one per role, for trying the desk on a development machine.

Their passwords and TOTP secrets are published in the README, so they exist only with
DEBUG on: every function here refuses otherwise, like `load_demo` itself.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import ADMIN, EDITOR, OPERATOR, VERIFIER, ensure_groups, needs_two_factor

REFUSAL = "Demo staff accounts exist only with DEBUG on (TINGIA_DEBUG=1)."


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: str
    password: str  # published: development only


DEMO_STAFF = (
    DemoStaff("demo-operator", OPERATOR, "hotline-lantern-5821"),
    DemoStaff("demo-verifier", VERIFIER, "evidence-compass-7302"),
    DemoStaff("demo-editor", EDITOR, "review-harbour-4167"),
    DemoStaff("demo-admin", ADMIN, "settings-orchard-9634"),
)


def require_debug() -> None:
    if not settings.DEBUG:
        raise ImproperlyConfigured(REFUSAL)


def demo_totp_key(username: str) -> str:
    """The fixed TOTP key (hex, 20 bytes) of a demo account: same on every machine."""
    return hashlib.sha256(f"tingia-demo-totp:{username}".encode()).hexdigest()[:40]


def base32_secret(hex_key: str) -> str:
    """The secret as an authenticator app takes it (RFC 4648 base32, no padding)."""
    return base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")


def ensure_demo_staff() -> list[tuple[DemoStaff, str]]:
    """Create or repair the demo accounts; returns (account, base32 TOTP secret or "")."""
    require_debug()
    ensure_groups()
    user_model = get_user_model()
    result = []
    with transaction.atomic():
        for demo in DEMO_STAFF:
            user, _created = user_model._default_manager.get_or_create(username=demo.username)
            password_validation.validate_password(demo.password, user)
            if not user.check_password(demo.password) or not user.is_active:
                user.set_password(demo.password)
                user.is_active = True
                user.save()
            user.groups.set([Group.objects.get(name=demo.role)])
            user._tingia_roles = None  # noqa: SLF001 - roles just changed
            secret = ""
            if needs_two_factor(user):
                key = demo_totp_key(demo.username)
                TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
                TOTPDevice.objects.get_or_create(user=user, key=key,
                                                 defaults={"name": "demo authenticator", "confirmed": True})
                TOTPDevice.objects.filter(user=user, key=key).update(confirmed=True)
                secret = base32_secret(key)
            result.append((demo, secret))
    return result


def describe_demo_staff() -> list[str]:
    """One line per demo account, as `load_demo` prints them."""
    lines = []
    for demo, secret in ensure_demo_staff():
        line = f"{demo.role:<8} user {demo.username!r} password {demo.password!r}"
        if secret:
            line += f" TOTP secret {secret} (current code: manage.py totp_code {demo.username})"
        lines.append(line)
    return lines
