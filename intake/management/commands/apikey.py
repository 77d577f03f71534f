"""`manage.py apikey issue NAME [--rate 600/m]`, `apikey revoke PREFIX`, `apikey list`.

Issuing and revoking are written to the audit log (by intake.api_auth). The key itself is
printed once, at issue, and never stored: only its hash and its prefix are kept.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intake.api_auth import issue_key, revoke_key
from intake.models import ApiClient


class Command(BaseCommand):
    help = "Issue, revoke and list partner API keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="Create a key for a partner app and print it once.")
        issue.add_argument("name", help="Who the key is for, e.g. the partner's app name.")
        issue.add_argument("--rate", default="600/m", help="Reports allowed, e.g. 600/m, 10/s, 5000/d, 100/5m.")
        revoke = sub.add_parser("revoke", help="Revoke a key by its prefix (shown by `apikey list`).")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="List keys: prefix, partner, rate, state.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _issue(self, options: dict[str, Any]) -> None:
        try:
            client, key = issue_key(options["name"], rate=options["rate"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Issued key {client.key_prefix} for {client.name} at {client.rate}.")
        self.stdout.write("Give this key to the partner now; it is not stored and cannot be shown again:")
        self.stdout.write(key)

    def _revoke(self, options: dict[str, Any]) -> None:
        prefix = options["prefix"].strip()
        if prefix.startswith("tg_"):  # a whole key pasted by mistake: take its prefix
            prefix = prefix[3:].split("_", 1)[0]
        client = ApiClient.objects.filter(key_prefix=prefix).first()
        if client is None:
            raise CommandError(f"No key has the prefix {prefix!r}.")
        if revoke_key(client):
            self.stdout.write(f"Revoked key {client.key_prefix} of {client.name}.")
        else:
            self.stdout.write(f"Key {client.key_prefix} of {client.name} was already revoked.")

    def _list(self, options: dict[str, Any]) -> None:
        clients = ApiClient.objects.order_by("created_at", "pk")
        if not clients:
            self.stdout.write("No API keys.")
            return
        for client in clients:
            state = f"revoked {client.revoked_at:%Y-%m-%d %H:%M}" if client.revoked_at else "active"
            self.stdout.write(f"{client.key_prefix}  {client.rate:>10}  {state:<24}  {client.name}")
