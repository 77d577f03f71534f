"""Recording URLs: fetched from configured hosts only, never private addresses, within size and time limits.

A real HTTP server on the loopback interface plays the provider (tests allow loopback
explicitly, as the settings require); each bad case keeps the call and its report.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hotline import fetch, pipeline
from hotline.models import HotlineCall, RecordingState, TranscriptState

from .conftest import json_body, send, wav_bytes

pytestmark = pytest.mark.django_db
WAV = wav_bytes(0.3)


class Provider(BaseHTTPRequestHandler):
    hosts_seen: list[str] = []

    def log_message(self, *args):  # noqa: ANN002
        pass

    def do_GET(self) -> None:  # noqa: N802
        type(self).hosts_seen.append(self.headers.get("Host", ""))
        path = self.path
        if path == "/ok.wav":
            self._send(200, WAV)
        elif path == "/huge.wav":
            self.send_response(200)
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(b"RIFF" + b"\0" * 1000)
        elif path == "/endless.wav":  # no length declared, never stops
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(10_000):
                    self.wfile.write(b"\0" * 65536)
            except OSError:
                pass
        elif path == "/slow.wav":
            time.sleep(2.5)
            self._send(200, WAV)
        elif path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        elif path == "/to-ok":
            self.send_response(302)
            self.send_header("Location", "/ok.wav")
            self.end_headers()
        elif path == "/error":
            self._send(503, b"busy")
        else:
            self._send(404, b"no such recording")

    def _send(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (the slow case)
            pass


@pytest.fixture(scope="module")
def provider():
    server = None
    for port in range(18310, 18340):
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Provider)
            break
        except OSError:
            continue
    assert server is not None, "no free port in 18310-18339"
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback_allowed(settings):
    settings.HOTLINE_RECORDING_PRIVATE_NETWORKS = ["127.0.0.0/8"]


def announce(client, url: str, call_id: str, capture) -> HotlineCall:  # noqa: ANN001
    with capture(execute=True):
        response = send(client, json_body(call_id=call_id, caller_number="0912345678", recording_url=url))
    assert response.status_code == 201, response.json()
    return HotlineCall.objects.select_related("report").get(external_id=call_id)


def test_a_recording_url_on_a_configured_host_is_fetched_and_transcribed(
        client, provider, loopback_allowed, transcribe_as, django_capture_on_commit_callbacks):
    seen = transcribe_as("done", "Tin đồn sập cầu")
    call = announce(client, f"{provider}/to-ok", "url-ok", django_capture_on_commit_callbacks)
    assert call.recording_state == RecordingState.STORED and call.recording_bytes == len(WAV)
    assert seen[0]["head"] == b"RIFF" and call.report.text == "Tin đồn sập cầu"


def test_loopback_is_refused_unless_configured(client, provider, transcribe_as, django_capture_on_commit_callbacks):
    seen = transcribe_as("done", "x")
    call = announce(client, f"{provider}/ok.wav", "url-private", django_capture_on_commit_callbacks)
    assert call.recording_state == RecordingState.UNAVAILABLE and "forbidden_address" in call.last_error
    assert call.transcript_state == TranscriptState.NO_RECORDING and not seen
    assert call.report is not None and call.needs_review  # the call is kept for the operators


def test_hosts_that_are_not_configured_are_never_contacted(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, json_body(call_id="url-host", recording_url="https://evil.example/a.wav"))
    assert response.status_code == 201
    assert response.json()["recording_state"] == "unavailable" and response.json()["recording_error"] == "host_not_allowed"
    assert HotlineCall.objects.get(external_id="url-host").report is not None


def test_a_redirect_to_a_link_local_address_is_refused(client, provider, loopback_allowed, settings,
                                                       django_capture_on_commit_callbacks):
    settings.HOTLINE_RECORDING_HOSTS = ["127.0.0.1", "169.254.169.254"]  # even if someone listed it
    call = announce(client, f"{provider}/to-metadata", "url-redirect", django_capture_on_commit_callbacks)
    assert call.recording_state == RecordingState.UNAVAILABLE and "forbidden_address" in call.last_error


@pytest.mark.parametrize("path", ["/huge.wav", "/endless.wav"])
def test_huge_recordings_are_cut_off(client, provider, loopback_allowed, settings, path,
                                     django_capture_on_commit_callbacks):
    settings.HOTLINE_MAX_RECORDING_BYTES = 512 * 1024
    call = announce(client, f"{provider}{path}", f"url-{path[1:5]}", django_capture_on_commit_callbacks)
    assert call.recording_state == RecordingState.UNAVAILABLE and "too_large" in call.last_error
    assert not call.recording


def test_slow_and_unreachable_providers_are_retried_then_given_up(client, provider, loopback_allowed, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.HOTLINE_FETCH_TIMEOUT_SECONDS = 1
    settings.HOTLINE_WORK_MAX_ATTEMPTS = 2
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more
    for call_id, url, code in (("url-slow", f"{provider}/slow.wav", "too_slow"),
                               ("url-dead", f"http://127.0.0.1:{dead_port}/a.wav", "unreachable"),
                               ("url-503", f"{provider}/error", "provider_error")):
        call = announce(client, url, call_id, django_capture_on_commit_callbacks)
        assert call.recording_state == RecordingState.TO_FETCH and code in call.last_error, call.last_error
        assert call.work_available_at > call.received_at  # backoff before the next attempt
        HotlineCall.objects.filter(pk=call.pk).update(work_available_at=call.received_at)
        assert pipeline.process(call.pk) == "failed"
        call.refresh_from_db()
        assert call.recording_state == RecordingState.UNAVAILABLE and call.report is not None


def test_a_missing_recording_is_not_retried(client, provider, loopback_allowed, django_capture_on_commit_callbacks):
    call = announce(client, f"{provider}/gone.wav", "url-404", django_capture_on_commit_callbacks)
    assert call.recording_state == RecordingState.UNAVAILABLE and "provider_refused" in call.last_error


def test_the_connection_goes_to_the_address_that_was_checked(provider, loopback_allowed, settings, monkeypatch):
    """DNS rebinding: the name is resolved once; a second lookup never decides where we connect."""
    port = int(provider.rsplit(":", 1)[1])
    settings.HOTLINE_RECORDING_HOSTS = ["recordings.provider.test"]
    lookups = []
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if host == "recordings.provider.test":
            lookups.append(host)
            # First answer loopback (allowed here); any later answer would point elsewhere.
            target = "127.0.0.1" if len(lookups) == 1 else "10.9.9.9"
            return real(target, *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    import io

    out = io.BytesIO()
    Provider.hosts_seen.clear()
    size, _ = fetch.fetch_to(f"http://recordings.provider.test:{port}/ok.wav", out)
    assert size == len(WAV) and out.getvalue() == WAV and lookups == ["recordings.provider.test"]
    assert Provider.hosts_seen == [f"recordings.provider.test:{port}"]  # the Host header kept the name


def test_a_name_with_any_private_answer_is_refused(settings, monkeypatch):
    settings.HOTLINE_RECORDING_HOSTS = ["mixed.provider.test"]

    def answers(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.10", port))]

    monkeypatch.setattr(socket, "getaddrinfo", answers)
    with pytest.raises(fetch.FetchError) as refused:
        fetch.resolve_checked("mixed.provider.test", 443)
    assert refused.value.code == "forbidden_address" and not refused.value.retry


@pytest.mark.parametrize("address,allowed", [
    ("127.0.0.1", False), ("10.0.0.1", False), ("169.254.169.254", False), ("::1", False), ("fe80::1", False),
    ("0.0.0.0", False), ("224.0.0.1", False), ("::ffff:127.0.0.1", False), ("93.184.216.34", True),
    ("2606:2800:220:1::1", True),
])
def test_address_rules(address, allowed, settings):
    settings.HOTLINE_RECORDING_PRIVATE_NETWORKS = []
    assert fetch.address_allowed(address) is allowed


def test_host_rules(settings):
    hosts = ["rec.provider.example", "*.cdn.provider.example"]
    assert fetch.host_allowed("REC.provider.example", hosts)
    assert fetch.host_allowed("a.cdn.provider.example", hosts)
    assert not fetch.host_allowed("cdn.provider.example", hosts)
    assert not fetch.host_allowed("rec.provider.example.evil.test", hosts)
    with pytest.raises(fetch.FetchError):
        fetch.check_url("http://user:pw@rec.provider.example/a.wav")
