#!/usr/bin/env python3
"""Tell tingia about a hotline call from a PBX (Asterisk AGI, FreeSWITCH, a cron job): stdlib only.

    tingia_notify.py CALL_ID CALLER_NUMBER [RECORDING_FILE [DURATION_SECONDS]]

Without a recording the call shows up in the operators' console as a pending call (the
number is prefilled when an operator opens it); with one it becomes a hotline report at
once and is transcribed. The secret is read from TINGIA_HOTLINE_WEBHOOK_SECRET or the file
named by TINGIA_SECRET_FILE (default /etc/asterisk/tingia.secret); the endpoint from
TINGIA_HOTLINE_URL. A failed attempt is retried with a fresh signature (the call id makes
retries safe: the same call twice is one report). Copy this file to the PBX; it imports
nothing from tingia. docs/operations.md ("Hotline") shows the dialplan.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path


def signed_request(secret: str, fields: dict[str, str], recording: bytes | None = None,
                   *, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The multipart body and headers of one webhook call, signed over "timestamp.body"."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items() if value]
    if recording is not None:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="recording"; filename="call.wav"'
                     f'\r\nContent-Type: audio/wav\r\n\r\n'.encode() + recording + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}",
                  "X-Tingia-Timestamp": ts, "X-Tingia-Signature": f"v1={signature}"}


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    secret = os.environ.get("TINGIA_HOTLINE_WEBHOOK_SECRET") or Path(
        os.environ.get("TINGIA_SECRET_FILE", "/etc/asterisk/tingia.secret")).read_text().strip()
    url = os.environ.get("TINGIA_HOTLINE_URL", "https://tingia.example/api/v1/hotline/calls")
    fields = {"call_id": argv[0], "caller_number": argv[1], "duration_s": argv[3] if len(argv) > 3 else ""}
    recording = Path(argv[2]).read_bytes() if len(argv) > 2 and argv[2] else None
    for attempt in range(6):
        body, headers = signed_request(secret, fields, recording)  # a fresh timestamp each time
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers, method="POST"),
                                        timeout=60) as response:
                print(response.status, response.read().decode("utf-8", "replace"))
                return 0
        except urllib.error.HTTPError as error:
            if error.code < 500 and error.code != 429:
                print(error.code, error.read().decode("utf-8", "replace"), file=sys.stderr)
                return 1  # a refusal: retrying the same request cannot help
        except OSError as error:
            print(f"attempt {attempt + 1}: {error}", file=sys.stderr)
        time.sleep(min(60, 2 ** attempt))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
