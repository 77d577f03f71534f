"""Sending text messages: a small interface, chosen by a setting, with a logging sender.

A real gateway (a carrier's or an aggregator's HTTP API) is added as one more class with a
`send` method; the rest of the system only calls `get_sender().send(...)`. Every sender
receives a `reference` that is the same for a retried message, so a gateway that supports
client references can drop a duplicate itself.
"""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from .personal import keyed_hash

log = logging.getLogger(__name__)

MAX_SMS_CHARS = 480  # three concatenated parts of 160 GSM characters


class SmsError(Exception):
    """The message could not be handed to the gateway; the caller retries later."""


@runtime_checkable
class SmsSender(Protocol):
    def send(self, to: str, text: str, *, reference: str) -> None:
        """Hand one message to the gateway; raise SmsError (or any error) when it was not accepted."""


class LoggingSmsSender:
    """Development sender: logs that a message would go out, never the number in clear.

    The number appears as a keyed hash (the same number gives the same hash, so a developer
    can still see that two messages went to one person).
    """

    sent: list[dict[str, str]] = []  # what this process "sent", for a developer's shell

    def send(self, to: str, text: str, *, reference: str) -> None:
        if not to:
            raise SmsError("no number to send to")
        recipient = keyed_hash(to, "sms-recipient")[:12]
        record = {"recipient": recipient, "reference": reference, "text": text[:MAX_SMS_CHARS]}
        type(self).sent.append(record)
        log.info("SMS (not sent, development sender) to %s ref %s: %s", recipient, reference,
                 text[:MAX_SMS_CHARS])


def get_sender() -> SmsSender:
    """The sender named by settings.SMS_SENDER (a dotted path to a class)."""
    path = getattr(settings, "SMS_SENDER", "core.sms.LoggingSmsSender")
    sender = import_string(path)()
    if not isinstance(sender, SmsSender):
        raise TypeError(f"{path} has no send(to, text, *, reference) method")
    return sender
