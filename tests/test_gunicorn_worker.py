"""The production worker class (tingia.workers.ThreadWorker) under a real gunicorn.

Idle connections opened before their first request must not hold the worker's threads:
with the stock gthread worker of gunicorn 24-27, two idle connections on a one-worker,
two-thread server make a third client wait until a thread gives up on them (5 s).
"""

from __future__ import annotations

import runpy
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import stop, wait_for

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
REQUEST = b"GET /hello HTTP/1.1\r\nHost: test\r\n\r\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def _answer(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b"hello"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [str(GUNICORN), "-k", "tingia.workers.ThreadWorker", "-w", "1", "--threads", "2",
             "--keep-alive", "5", "-b", f"127.0.0.1:{port}", "tests.support.hello_wsgi:app"],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def answers() -> bool:
        try:
            with _connect(port) as sock:
                sock.sendall(REQUEST)
                return _answer(sock).startswith(b"HTTP/1.1 200")
        except OSError:
            return False

    try:
        wait_for(answers, 30, f"gunicorn on port {port}", logs=(log_path,))
        yield port
    finally:
        stop(proc)


def test_idle_connections_do_not_hold_the_threads(server: int) -> None:
    idle = [_connect(server) for _ in range(3)]  # more idle connections than threads
    try:
        time.sleep(0.3)  # the worker has accepted them
        with _connect(server) as busy:
            started = time.monotonic()
            busy.sendall(REQUEST)
            answer = _answer(busy)
            waited = time.monotonic() - started
        assert answer.startswith(b"HTTP/1.1 200")
        # The stock worker answers only when a thread gives up on an idle connection (5 s).
        assert waited < 2.5, f"answered after {waited:.1f} s"
        # The idle connections are served as soon as they speak, and stay alive after.
        for sock in idle:
            sock.sendall(REQUEST)
            assert _answer(sock).startswith(b"HTTP/1.1 200")
            sock.sendall(REQUEST)
            assert _answer(sock).startswith(b"HTTP/1.1 200")
    finally:
        for sock in idle:
            sock.close()


def test_a_connection_that_never_speaks_is_closed(server: int) -> None:
    with _connect(server) as silent:
        silent.settimeout(15)
        started = time.monotonic()
        assert silent.recv(1) == b""  # closed by the server, nothing sent
        assert time.monotonic() - started < 12


def test_production_config_uses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUNICORN_WORKER_CLASS", raising=False)
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert config["worker_class"] == "tingia.workers.ThreadWorker"
