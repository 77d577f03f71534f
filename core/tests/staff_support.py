"""Helpers for tests of staff screens (core and the claim desk alike).

`sign_in` gives a test client a real session for a staff member; for roles that need
two-factor it enrols a real TOTP device and marks the session verified the way django-otp
does after a correct code (the sign-in tests themselves go through the real code pages).
Django's `client.login()` does not work with django-axes (it authenticates without a
request); use `client.force_login` or `sign_in`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import ProvinceScope
from core.roles import ensure_groups, needs_two_factor

PASSWORD = "correct-horse-battery-5512"


def make_staff(username: str, *roles: str, provinces: tuple[str, ...] = (), password: str = PASSWORD) -> Any:
    """A staff account holding the given roles (none: a signed-in person without a role)."""
    ensure_groups()
    user = get_user_model().objects.create_user(username=username, password=password)
    user.groups.set(Group.objects.filter(name__in=roles))
    for province in provinces:
        ProvinceScope.objects.create(user=user, province=province)
    return user


def enrol_device(user: Any, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=confirmed)


def totp_code(device: TOTPDevice, *, steps: int = 0) -> str:
    """The code an authenticator app shows now (or `steps` periods later), from the device key."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Any, user: Any, *, verified: bool | None = None) -> Any:
    """Sign the client in as `user`; verified defaults to "as the role requires"."""
    client.force_login(user)
    if verified is None:
        verified = needs_two_factor(user)
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
