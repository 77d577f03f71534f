"""Is a service reachable? Exit 0 if so; otherwise print why and exit 1.

Used by `make test` to say plainly why a PostgreSQL run is skipped, and by .ci/run.
"""

import socket
import sys
from urllib.parse import urlparse

DEFAULT_PORTS = {"postgres": 5432, "amqp": 5672, "redis": 6379}


def reachable(kind: str, url: str) -> tuple[bool, str]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or DEFAULT_PORTS[kind]
    try:
        with socket.create_connection((host, port), timeout=2):
            return True, ""
    except OSError as exc:
        return False, f"{kind} at {host}:{port} is not reachable ({exc})"


if __name__ == "__main__":
    ok, why = reachable(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
    if not ok:
        print(why)
    sys.exit(0 if ok else 1)
