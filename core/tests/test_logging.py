"""The logging filter: the second line of defence against personal data in log output."""

from __future__ import annotations

import logging

from core.logging import PersonalDataFilter, scrub, scrub_sql


def record(msg: str, args=(), name: str = "app", **extra) -> logging.LogRecord:
    rec = logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(rec, key, value)
    return rec


def test_scrub_replaces_emails_and_vietnamese_phone_numbers():
    text = "from lan.nguyen+tin@mail.example.vn, call 0912 345 678 or +84912345678 or 0912.345.678"
    cleaned = scrub(text)
    assert "lan.nguyen" not in cleaned and "345" not in cleaned
    assert cleaned.count("[phone]") == 3 and "[email]" in cleaned


def test_scrub_leaves_ids_and_codes_alone():
    assert scrub("report 1234 claim 56 code ABCDE-FGHJK took 0.25s") == "report 1234 claim 56 code ABCDE-FGHJK took 0.25s"


def test_the_filter_rewrites_the_message_and_its_arguments():
    rec = record("contact %s saved", ("lan@example.com",))
    assert PersonalDataFilter().filter(rec) is True
    assert rec.getMessage() == "contact [email] saved"


def test_the_filter_scrubs_tracebacks():
    rec = record("failed")
    rec.exc_text = "ValueError: bad phone 0987654321"
    PersonalDataFilter().filter(rec)
    assert "0987654321" not in rec.exc_text


def test_sql_records_lose_their_values():
    sql = ("INSERT INTO \"intake_reportercontact\" (\"name\", \"email\", \"phone\") "
           "VALUES ('Nguyễn O''Lan', 'lan@example.com', '+84912345678')")
    rec = record("(%.3f) %s; args=%s; alias=%s", (0.001, sql, ("Nguyễn O'Lan", "lan@example.com"), "default"),
                 name="django.db.backends", sql=sql, duration=0.001, params=("Nguyễn O'Lan",), alias="default")
    PersonalDataFilter().filter(rec)
    shown = rec.getMessage()
    assert "Lan" not in shown and "example.com" not in shown and "912345678" not in shown
    assert shown.startswith("(0.001) INSERT INTO \"intake_reportercontact\"")
    assert "Lan" not in rec.sql and rec.params == "[hidden]"


def test_scrub_sql_keeps_the_statement_shape():
    assert scrub_sql("SELECT * FROM t WHERE a = 'x' AND b = 5") == "SELECT * FROM t WHERE a = '…' AND b = 5"


def test_a_broken_format_string_does_not_break_logging():
    rec = record("%s %s", ("only one",))
    assert PersonalDataFilter().filter(rec) is True
