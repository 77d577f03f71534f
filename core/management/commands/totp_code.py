"""`manage.py totp_code USERNAME`: the current two-factor code of an account (development only).

Lets a new developer sign in as a demo editor or admin without an authenticator app. It
refuses when DEBUG is off: in production only the person's own device knows the code.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class Command(BaseCommand):
    help = "Print the current TOTP code of an account's authenticator (refused unless DEBUG is on)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("totp_code only runs with DEBUG on (TINGIA_DEBUG=1).")
        user = get_user_model()._default_manager.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account named {options['username']!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"{user.username} has no confirmed authenticator.")
        self.stdout.write(current_code(device))
