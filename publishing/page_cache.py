"""Rendered verdict pages: kept in this process's memory and, when it is fast, in the shared cache.

A verdict page is the same for every visitor except for the CSRF token of the language
switch, so the page is rendered once with a placeholder where the token goes and each
request gets its own token put in (django.middleware.csrf.get_token, which also sets the
cookie when needed).

Two levels, both keyed by the verdicts' change stamp (publishing.freshness), so any
publication, correction or withdrawal makes every stored page unreachable at once (within
the stamp's re-read interval in other processes); entries also expire:
- this process's memory (an LRU of MAX_PAGES): a hit costs no query;
- Django's shared cache, so a page one worker rendered serves every other worker (and
  every machine) too. Used only when the shared cache is a memory store (Redis, memcached,
  local memory): on the embedded database cache a write is a committed, fsynced row, which
  costs more than rendering the page again. TINGIA_PAGE_CACHE_SHARED=1/0 forces it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from . import freshness
from .indexing import Stamp

log = logging.getLogger(__name__)
CSRF_PLACEHOLDER = "tingia-csrf-placeholder-7b1e4c"
MAX_PAGES = int(os.environ.get("TINGIA_PAGE_CACHE_PAGES", "2000"))  # about 10 kB each
MAX_AGE_SECONDS = 600
SHARED_SECONDS = 6 * 3600  # a stamp that moved leaves its entries unread; they expire later

_lock = threading.Lock()
_pages: OrderedDict[tuple, tuple[float, int, str]] = OrderedDict()


def shared_enabled() -> bool:
    """Whether rendered pages also go to the shared cache (see the module docstring)."""
    forced = os.environ.get("TINGIA_PAGE_CACHE_SHARED", "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return not backend.endswith(("DatabaseCache", "DummyCache", "FileBasedCache"))


def _stamp_text(stamp: Stamp) -> str:
    latest = stamp.latest.isoformat() if stamp.latest is not None else "-"
    return f"{stamp.count}|{latest}|{stamp.top_id}"


def shared_key(path: str, language: str, stamp: Stamp) -> str:
    """Short and safe for every backend (memcached refuses long keys and spaces)."""
    digest = hashlib.sha256(f"{path}\0{language}\0{_stamp_text(stamp)}".encode()).hexdigest()[:40]
    return f"tingia:page:{digest}"


def serve(
    request: HttpRequest, language: str, render: Callable[[str], tuple[int, str] | None]
) -> HttpResponse | None:
    """The page for this request from memory or the shared cache, or rendered by `render` and kept.

    `render(csrf_placeholder)` returns (status, html), or None when there is nothing to cache
    (the caller then answers itself: a redirect, a 404).
    """
    path = request.get_full_path()
    stamp = freshness.current()
    key = (path, language, stamp)
    now = time.monotonic()
    with _lock:
        hit = _pages.get(key)
        if hit is not None and now - hit[0] < MAX_AGE_SECONDS:
            _pages.move_to_end(key)
    if hit is None or now - hit[0] >= MAX_AGE_SECONDS:
        hit = None
        shared = shared_enabled()
        if shared:
            stored = _shared_get(shared_key(path, language, stamp))
            if isinstance(stored, tuple) and len(stored) == 2:
                hit = (now, *stored)
        if hit is None:
            rendered = render(CSRF_PLACEHOLDER)
            if rendered is None:
                return None
            hit = (now, *rendered)
            if shared:
                _shared_set(shared_key(path, language, stamp), tuple(rendered))
        with _lock:
            _pages[key] = hit
            while len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)
    _at, status, html = hit
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)), status=status)


def _shared_get(key: str) -> object:
    """A shared cache that is down costs a render, never an error page."""
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - e.g. Redis unreachable
        log.warning("Shared page cache unreachable; rendering instead.", exc_info=True)
        return None


def _shared_set(key: str, value: tuple[int, str]) -> None:
    try:
        cache.set(key, value, SHARED_SECONDS)
    except Exception:  # noqa: BLE001
        log.warning("Shared page cache unreachable; page kept in this process only.", exc_info=True)


def clear() -> None:
    """Forget this process's pages (tests); shared entries become unreachable when the stamp moves."""
    with _lock:
        _pages.clear()
