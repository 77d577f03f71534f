"""`manage.py staff_user USERNAME --role admin`: create the first staff account on a server.

The staff screens need an admin to create accounts; this command makes that first one (or
gives an existing account roles) without the Django admin. It prints a one-time
set-password link instead of taking a password on the command line, so no password lands
in a shell history. Audited like the screens.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core import accounts
from core.roles import ROLES


class Command(BaseCommand):
    help = "Create a staff account (or set the roles of an existing one) and print a set-password link."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", action="append", choices=ROLES, required=True, dest="roles",
                            help="A role to hold; repeat for several.")
        parser.add_argument("--province", action="append", default=[], dest="provinces",
                            help="Limit the account to a province code; repeat for several.")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model()._default_manager.filter(username=options["username"]).first()
        try:
            if user is None:
                user = accounts.create_account(actor=None, username=options["username"], roles=options["roles"],
                                               provinces=options["provinces"], email=options["email"])
                self.stdout.write(f"Created {user.username} with roles {', '.join(options['roles'])}.")
            else:
                accounts.update_account(actor=None, user=user, roles=options["roles"],
                                        provinces=options["provinces"], first_name=user.first_name,
                                        last_name=user.last_name, email=options["email"] or user.email)
                self.stdout.write(f"Updated {user.username}: roles {', '.join(options['roles'])}.")
        except accounts.AccountError as error:
            raise CommandError(str(error)) from error
        path = accounts.password_link(actor=None, user=user)
        self.stdout.write(f"One-time set-password link (valid 24 h): {settings.SITE_URL.rstrip('/')}{path}")
