"""Client addresses: trusted only from the configured proxy header; hashed, never kept raw."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.personal import (
    client_fingerprint,
    client_ip,
    keyed_hash,
    mask_email,
    mask_name,
    mask_phone,
    parse_ip,
    rate_limit_subject,
)


@pytest.fixture
def rf():
    return RequestFactory()


def request_from(rf, remote: str = "192.0.2.10", **meta: str):
    return rf.get("/", REMOTE_ADDR=remote, **meta)


def test_without_a_configured_header_forwarding_headers_are_ignored(rf, settings):
    settings.TRUSTED_PROXY_HEADER = ""
    request = request_from(rf, HTTP_X_FORWARDED_FOR="203.0.113.5", HTTP_X_REAL_IP="203.0.113.6")
    assert client_ip(request) == "192.0.2.10"


def test_the_configured_header_is_read_from_the_right(rf, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(rf, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from(rf, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"


@pytest.mark.parametrize("header", ["", "not-an-ip", "203.0.113.5, garbage", ",,,"])
def test_a_missing_short_or_garbled_header_falls_back_to_the_socket_address(rf, settings, header):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(rf, HTTP_X_FORWARDED_FOR=header)) == "192.0.2.10"


def test_too_few_hops_fall_back_to_the_socket_address(rf, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from(rf, HTTP_X_FORWARDED_FOR="203.0.113.5")) == "192.0.2.10"


@pytest.mark.parametrize("raw, expected", [
    ("203.0.113.5", "203.0.113.5"),
    (" 203.0.113.5:51000 ", "203.0.113.5"),
    ("[2001:db8::1]:443", "2001:db8::1"),
    ("2001:DB8::1", "2001:db8::1"),
    ("::ffff:203.0.113.5", "203.0.113.5"),
    ('"203.0.113.5"', "203.0.113.5"),
    ("unknown", None),
    ("", None),
    ("999.1.1.1", None),
])
def test_parse_ip(raw, expected):
    assert parse_ip(raw) == expected


def test_ipv6_is_counted_per_64_network():
    assert rate_limit_subject("2001:db8:1:2::7") == rate_limit_subject("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert rate_limit_subject("2001:db8:1:3::7") != rate_limit_subject("2001:db8:1:2::7")
    assert rate_limit_subject("203.0.113.5") == "203.0.113.5"


def test_fingerprints_are_keyed_hashes_not_addresses(rf, settings):
    settings.TRUSTED_PROXY_HEADER = ""
    fingerprint = client_fingerprint(request_from(rf))
    assert "192.0.2.10" not in fingerprint and len(fingerprint) == 32
    assert fingerprint == client_fingerprint(request_from(rf))
    assert fingerprint != client_fingerprint(request_from(rf, remote="192.0.2.11"))
    settings.PERSONAL_DATA_KEY = "another-key"
    assert fingerprint != client_fingerprint(request_from(rf))


def test_keyed_hash_depends_on_purpose_and_survives_odd_text():
    assert keyed_hash("x", "client") != keyed_hash("x", "idempotency")
    assert len(keyed_hash("\ud800 lone surrogate", "client")) == 32


def test_masks():
    assert mask_email("lan.nguyen@example.com") == "l***@example.com"
    assert mask_phone("+84912345678") == "********678"
    assert mask_name("Nguyễn Thị Lan") == "N. T. L."
    assert mask_email("") == mask_phone("") == mask_name("") == ""
