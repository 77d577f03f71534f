"""A mail backend for the retry test: the "server" refuses the first message, then accepts."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend

attempts = 0
delivered = 0


def reset() -> None:
    global attempts, delivered
    attempts = delivered = 0


class FailingOnceBackend(EmailBackend):
    def send_messages(self, messages):  # noqa: ANN001, ANN201 - Django's signature
        global attempts, delivered
        attempts += 1
        if attempts == 1:
            raise smtplib.SMTPDataError(451, b"temporarily refused, try again later")
        delivered += len(messages)
        return super().send_messages(messages)


class NotASender:
    """Has no send(): the SMS setting must refuse it."""
