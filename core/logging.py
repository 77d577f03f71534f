"""A logging filter that keeps personal data out of log output.

Code must not log personal data in the first place; this filter is the second line of
defence for messages from libraries: e-mail addresses and phone numbers are replaced, and
the SQL that Django logs in development loses its values (a contact row's INSERT carries
a name, an e-mail address and a phone number).
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")
SQL_STRING = re.compile(r"'(?:[^']|'')*'")
SQL_LOGGER = "django.db.backends"


def scrub(text: str) -> str:
    return PHONE.sub("[phone]", EMAIL.sub("[email]", text))


def scrub_sql(sql: str) -> str:
    """SQL with its string literals replaced: the statement's shape stays readable."""
    return scrub(SQL_STRING.sub("'…'", sql))


class PersonalDataFilter(logging.Filter):
    """Rewrites records in place; never drops one (a lost log line hides incidents)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(SQL_LOGGER):
            return self._scrub_sql_record(record)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not kill logging
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True

    @staticmethod
    def _scrub_sql_record(record: logging.LogRecord) -> bool:
        """Django's query log: keep duration and statement, drop the parameter values."""
        sql = getattr(record, "sql", None)
        duration = getattr(record, "duration", None)
        if isinstance(sql, str):
            shown = scrub_sql(sql)
            record.msg = "(%.3f) %s; args=[hidden]" if isinstance(duration, (int, float)) else "%s; args=[hidden]"
            record.args = (duration, shown) if isinstance(duration, (int, float)) else (shown,)
            record.sql = shown
        else:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001
                return True
            record.msg, record.args = scrub_sql(message), None
        if hasattr(record, "params"):
            record.params = "[hidden]"
        return True
