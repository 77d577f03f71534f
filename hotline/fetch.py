"""Fetching a recording from the telephony provider without letting a URL reach inside our network.

A recording URL arrives in a signed webhook, but a compromised or misconfigured PBX must
still not make the server read internal services (server-side request forgery). So:

- only http(s) URLs whose host name is in HOTLINE_RECORDING_HOSTS;
- the name is resolved once, every address is checked (no private, loopback, link-local,
  multicast or reserved address unless its network is listed in
  HOTLINE_RECORDING_PRIVATE_NETWORKS), and the connection goes to that checked address
  (a second DNS answer cannot swap in another one: no DNS rebinding); TLS still verifies
  the certificate against the host name;
- redirects (at most 3) are checked again like the first URL;
- a size limit (the declared length and the bytes actually read) and a time limit (per
  socket operation and for the whole download).

Written on http.client because none of the common HTTP clients lets us pin the connection
to the address we checked without patching their internals.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from typing import IO
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 3
CHUNK = 64 * 1024
CONNECT_TIMEOUT = 5.0


@dataclass
class FetchError(Exception):
    """Why a recording could not be fetched; `retry` is False when trying again cannot help."""

    code: str
    detail: str
    retry: bool = False

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


def host_allowed(host: str, allowed: list[str] | None = None) -> bool:
    host = host.lower().rstrip(".")
    for entry in settings.HOTLINE_RECORDING_HOSTS if allowed is None else allowed:
        entry = entry.lower().rstrip(".")
        if entry.startswith("*."):
            if host.endswith(entry[1:]) and host != entry[2:]:
                return True
        elif host == entry:
            return True
    return False


def _private_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.HOTLINE_RECORDING_PRIVATE_NETWORKS]


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _private_networks()):
        return True
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def resolve_checked(host: str, port: int) -> str:
    """One address of `host` that we may connect to; FetchError if any answer is forbidden.

    All answers must pass: a name that resolves to a public and a private address is
    refused rather than tried on the public one only.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError("unresolvable_host", f"{host}: {exc}", retry=True) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchError("unresolvable_host", host, retry=True)
    for address in addresses:
        if not address_allowed(address):
            raise FetchError("forbidden_address", f"{host} resolves to a private or reserved address")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), timeout=CONNECT_TIMEOUT)
        self.sock.settimeout(self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), timeout=CONNECT_TIMEOUT)
        sock.settimeout(self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path+query) of an allowed URL; FetchError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("invalid_url", "recording URLs must be http or https")
    if parts.username or parts.password:
        raise FetchError("invalid_url", "recording URLs must not carry credentials")
    if not host_allowed(parts.hostname):
        raise FetchError("host_not_allowed", f"{parts.hostname} is not a configured recording host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("invalid_url", "bad port") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def fetch_to(url: str, out: IO[bytes], *, max_bytes: int | None = None,
             timeout: float | None = None) -> tuple[int, str]:
    """Write the recording at `url` into `out`; returns (bytes written, content type)."""
    max_bytes = settings.HOTLINE_MAX_RECORDING_BYTES if max_bytes is None else max_bytes
    timeout = settings.HOTLINE_FETCH_TIMEOUT_SECONDS if timeout is None else timeout
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, path = check_url(url)
        address = resolve_checked(host, port)
        cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        conn = cls(host, address, port, timeout=min(timeout, max(0.5, deadline - time.monotonic())))
        try:
            try:
                conn.request("GET", path, headers={"User-Agent": "tingia-hotline/1", "Accept": "audio/*"})
                response = conn.getresponse()
            except TimeoutError:
                raise FetchError("too_slow", f"no answer within {timeout:.0f} s", retry=True) from None
            except (OSError, http.client.HTTPException) as exc:
                raise FetchError("unreachable", f"{type(exc).__name__}: {exc}"[:300], retry=True) from None
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location", "")
                if not location:
                    raise FetchError("bad_redirect", "redirect without a location")
                url = urljoin(url, location)
                continue
            if response.status >= 500 or response.status == 429:
                raise FetchError("provider_error", f"HTTP {response.status}", retry=True)
            if response.status != 200:
                raise FetchError("provider_refused", f"HTTP {response.status}")
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError("too_large", f"{declared} bytes declared, at most {max_bytes}")
            written = 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError("too_slow", f"not finished within {timeout:.0f} s", retry=True)
                try:
                    chunk = response.read1(CHUNK)  # returns what has arrived: the deadline is checked often
                except TimeoutError:
                    raise FetchError("too_slow", f"not finished within {timeout:.0f} s", retry=True) from None
                except (OSError, http.client.HTTPException) as exc:
                    raise FetchError("unreachable", f"{type(exc).__name__}: {exc}"[:300], retry=True) from None
                if not chunk:
                    break
                written += len(chunk)
                if written > max_bytes:
                    raise FetchError("too_large", f"more than {max_bytes} bytes")
                out.write(chunk)
            return written, response.getheader("Content-Type", "")
        finally:
            conn.close()
    raise FetchError("too_many_redirects", f"more than {MAX_REDIRECTS} redirects")
