"""Build the public read path's in-memory indexes once, in gunicorn's master, before it forks.

Importing this module does the work (gunicorn.conf.py imports the names in WARM_IMPORTS in
its `when_ready` hook, after loading the application and before starting any worker):
- the search index over the stored folded text of public verdicts (publishing.search_index);
- the claim matcher the "check before you share" page asks (verification.matching), from the
  stored vectors, so the model does not run; it is loaded lazily by the first check.
Every worker then starts with both, shared copy-on-write, and only catches up with what
changed since (each keeps its own incremental refresh); what was built is then frozen out
of the garbage collector (`freeze`). Without this, each worker built its
own on its first search or check: seconds for search, over a minute for the matcher at
10,000 claims, repeated after every worker recycle.

The database connections opened here are closed before returning: a connection must never
be shared between forked processes. A failure is logged and the site starts anyway (the
workers then build lazily, as before). TINGIA_WARM_PUBLIC=0 turns it off.
"""

from __future__ import annotations

import gc
import logging
import os
import time

log = logging.getLogger(__name__)


def warm() -> dict[str, float]:
    """Seconds each part took; parts that failed are left out (and logged)."""
    from django.db import connections

    timings: dict[str, float] = {}
    try:
        for name, build in (("search_index", _search_index), ("matcher", _matcher)):
            started = time.monotonic()
            try:
                build()
            except Exception:  # noqa: BLE001 - a cold worker builds lazily; the site must start
                log.exception("Could not warm the %s before forking the workers.", name)
                continue
            timings[name] = round(time.monotonic() - started, 2)
    finally:
        connections.close_all()
    log.info("Public read path warmed before forking: %s", timings)
    return timings


def _search_index() -> None:
    from .search_index import get_index

    get_index()


def _matcher() -> None:
    from verification.matching import get_matcher

    embedder = get_matcher().embedder
    # A claim stored without vectors makes the matcher run the model here. Each worker must
    # load its own: a native engine's threads do not survive a fork.
    if getattr(embedder, "_model", None) is not None:
        embedder._model = None  # noqa: SLF001 - E5Embedder reloads lazily on first use


def freeze() -> None:
    """Move everything built so far out of the garbage collector's sight.

    The indexes are hundreds of thousands of long-lived objects: every full collection in
    a worker walked them (about half a second at 10,000 claims, a p99 spike on whichever
    request triggered it) and, by touching their headers, copied the shared pages into
    each worker. Frozen objects are never collected, which these never would be anyway.
    """
    gc.collect()
    gc.freeze()


if os.environ.get("TINGIA_WARM_PUBLIC", "1") != "0":
    warm()
    freeze()
