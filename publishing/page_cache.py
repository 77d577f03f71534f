"""Rendered verdict pages kept in this process's memory, keyed by the verdicts' change stamp.

A verdict page is the same for every visitor except for the CSRF token of the language
switch, so the page is rendered once with a placeholder where the token goes and each
request gets its own token put in (django.middleware.csrf.get_token, which also sets the
cookie when needed). Any publication, correction or withdrawal moves the stamp, so a stale
page is never served for longer than publishing.freshness allows; entries also expire.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from . import freshness

CSRF_PLACEHOLDER = "tingia-csrf-placeholder-7b1e4c"
MAX_PAGES = int(os.environ.get("TINGIA_PAGE_CACHE_PAGES", "2000"))  # about 10 kB each
MAX_AGE_SECONDS = 600

_lock = threading.Lock()
_pages: OrderedDict[tuple, tuple[float, int, str]] = OrderedDict()


def serve(
    request: HttpRequest, language: str, render: Callable[[str], tuple[int, str] | None]
) -> HttpResponse | None:
    """The page for this request from memory, or rendered by `render(csrf_placeholder)` and kept.

    `render` returns (status, html), or None when there is nothing to cache (the caller then
    answers itself: a redirect, a 404).
    """
    key = (request.get_full_path(), language, freshness.current())
    now = time.monotonic()
    with _lock:
        hit = _pages.get(key)
        if hit is not None and now - hit[0] < MAX_AGE_SECONDS:
            _pages.move_to_end(key)
    if hit is None or now - hit[0] >= MAX_AGE_SECONDS:
        rendered = render(CSRF_PLACEHOLDER)
        if rendered is None:
            return None
        hit = (now, *rendered)
        with _lock:
            _pages[key] = hit
            while len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)
    _at, status, html = hit
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)), status=status)


def clear() -> None:
    with _lock:
        _pages.clear()
