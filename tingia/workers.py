"""Gunicorn worker class for production: gthread that never lends a thread to an idle connection.

Since gunicorn 24 the stock gthread worker hands every newly accepted connection to a
thread at once, and that thread waits up to five seconds for the first request bytes.
A client that opens its connection before it has something to send (a browser's
preconnect, a load generator's paced first request, a slow phone network) therefore holds
one of the worker's few threads while requests on other connections queue behind it:
measured on this machine with gunicorn 27.0.1, 2 workers x 4 threads, 20 paced clients
and a WSGI app answering in 1 ms, p99 went from 3.9 ms to about 1 s (docs/benchmarks.md,
"bench/public_read.py"). Gunicorn 23 waited for the first bytes in its poller instead;
this class restores that, using the worker's own path for connections that were already
deferred (the pending list, closed after the keep-alive timeout), so it only changes
*when* a connection reaches a thread.

Use: `gunicorn -k tingia.workers.ThreadWorker` (gunicorn.conf.py's default).
"""

from __future__ import annotations

import errno
import selectors
import time
from functools import partial
from socket import socket

from gunicorn.workers import gthread

_ACCEPT_RACE = (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK)

if not hasattr(gthread.ThreadWorker, "on_pending_socket_readable"):  # pragma: no cover
    raise ImportError(
        "tingia.workers needs gunicorn's gthread pending-connection path (gunicorn 24-27); "
        "check requirements/base.txt's pin before upgrading gunicorn"
    )


class ThreadWorker(gthread.ThreadWorker):
    """gthread whose new connections wait in the poller until their first bytes arrive."""

    def accept(self, listener: socket) -> None:
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno not in _ACCEPT_RACE:
                raise
            return
        self.nr_conns += 1
        conn = gthread.TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        client_sock.setblocking(False)
        # The stock worker's patience for a first request (at least its data timeout, and
        # no less than an idle kept-alive connection gets); murder_pending() closes it then.
        # Connections accepted here arrive with data_ready set, so none is ever deferred
        # later with a shorter deadline: the pending list stays ordered by deadline.
        patience = max(self.cfg.keepalive, gthread.DEFAULT_WORKER_DATA_TIMEOUT)
        conn.timeout = time.monotonic() + patience
        self.pending_conns.append(conn)
        self.poller.register(
            client_sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )
