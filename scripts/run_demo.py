"""Start the demo: a Celery worker (with its scheduler), a transcription worker and the web server; stop them together."""

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main() -> int:
    port = os.environ.get("PORT", "8000")
    env = dict(os.environ, TINGIA_DEBUG=os.environ.get("TINGIA_DEBUG", "1"))
    # Links the site writes into answers (the API's status_url, e-mails) name this port.
    env.setdefault("TINGIA_SITE_URL", f"http://127.0.0.1:{port}")
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "tingia", "worker", "--beat", "--pool=solo",
         "--queues=default,matching,notifications", "--loglevel=INFO"],
        cwd=ROOT, env=env,
    )
    # Recordings are fetched and transcribed by a worker of their own (one at a time), so a
    # long recording never delays report matching.
    transcriber = subprocess.Popen(
        [str(BIN / "celery"), "-A", "tingia", "worker", "--pool=solo", "--concurrency=1",
         "--queues=transcription", "--hostname=transcription@%h", "--loglevel=INFO"],
        cwd=ROOT, env=env,
    )
    web = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                           cwd=ROOT, env=env)
    try:
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in (web, worker, transcriber):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (web, worker, transcriber):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
