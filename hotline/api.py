"""The telephony webhook: a PBX or provider tells us about a call and its recording.

The body is read raw (its signature covers the exact bytes), bounded in size, verified,
and only then parsed: JSON, or multipart/form-data with the same fields as form fields
plus a `recording` file. Every refusal is a JSON error like the rest of the API.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import Router, Schema

from intake.api import ErrorOut, error

from . import signing
from .fetch import FetchError, check_url
from .models import HotlineCall, RecordingState
from .services import CallEvent, accept_event

router = Router(tags=["hotline"])

MAX_FIELDS_BYTES = 64 * 1024  # everything but the recording
FIELDS = {"call_id", "caller_number", "started_at", "duration_s", "recording_url"}
CALL_ID = re.compile(r"^[A-Za-z0-9._:@+\-]{1,128}$")
NUMBER = re.compile(r"^\+?[0-9*#]{1,31}$")
HIDDEN_NUMBERS = {"", "anonymous", "unknown", "private", "restricted", "unavailable"}


class CallOut(Schema):
    call_id: str
    duplicate: bool
    report_code: str | None = None
    recording_state: str
    transcript_state: str
    recording_error: str = ""


class BadEvent(Exception):
    def __init__(self, code: str, message: str, status: int = 400, field: str = ""):
        super().__init__(message)
        self.code, self.message, self.status, self.field = code, message, status, field


# --- reading the request ------------------------------------------------------------------------

def _body_limit() -> int:
    return settings.HOTLINE_MAX_RECORDING_BYTES + MAX_FIELDS_BYTES


def _read_raw(request: HttpRequest) -> tempfile.SpooledTemporaryFile:
    """The body, bounded: a declared or actual size over the limit is refused (413)."""
    limit = _body_limit()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise BadEvent("request_too_large", f"The body is larger than {limit} bytes.", 413)
    raw = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    total = 0
    while True:
        chunk = request.read(256 * 1024)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise BadEvent("request_too_large", f"The body is larger than {limit} bytes.", 413)
        raw.write(chunk)
    raw.seek(0)
    return raw


def _parse(request: HttpRequest, raw: Any) -> tuple[dict[str, str], Any]:
    content_type = request.content_type or ""
    if content_type == "application/json":
        data = raw.read(MAX_FIELDS_BYTES + 1)
        if len(data) > MAX_FIELDS_BYTES:
            raise BadEvent("request_too_large", "A JSON event is at most 64 KB; upload recordings as multipart.", 413)
        try:
            parsed = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise BadEvent("invalid_json", "The body is not valid UTF-8 JSON.") from None
        if not isinstance(parsed, dict):
            raise BadEvent("invalid_json", "The body must be a JSON object.")
        return parsed, None
    if content_type == "multipart/form-data":
        meta = dict(request.META, CONTENT_LENGTH=str(_size(raw)))
        try:
            post, files = MultiPartParser(meta, raw, request.upload_handlers, request.encoding).parse()
        except (MultiPartParserError, SuspiciousOperation, RequestDataTooBig, ValueError):
            raise BadEvent("unreadable_body", "The multipart body could not be read.") from None
        unknown_files = set(files) - {"recording"}
        if unknown_files or len(files.getlist("recording")) > 1:
            raise BadEvent("unknown_fields", "Send one file part called “recording”.")
        return {key: post.get(key) for key in post}, files.get("recording")
    raise BadEvent("unsupported_media_type", "Send application/json or multipart/form-data.", 415)


def _size(raw: Any) -> int:
    position = raw.tell()
    raw.seek(0, 2)
    size = raw.tell()
    raw.seek(position)
    return size


def _event(data: dict[str, Any]) -> CallEvent:
    unknown = set(data) - FIELDS
    if unknown:
        raise BadEvent("unknown_fields", "Unknown fields: " + ", ".join(sorted(str(k)[:40] for k in unknown)[:10]))
    call_id = data.get("call_id")
    if not isinstance(call_id, str) or not CALL_ID.match(call_id):
        raise BadEvent("invalid_call_id", "call_id is required: 1 to 128 letters, digits or . _ : @ + -",
                       field="call_id")
    number = data.get("caller_number") or ""
    if not isinstance(number, str):
        raise BadEvent("invalid_type", "caller_number must be a string.", field="caller_number")
    number = re.sub(r"[\s.\-()]", "", number)
    if number.lower() in HIDDEN_NUMBERS:
        number = ""
    elif not NUMBER.match(number):
        raise BadEvent("invalid_caller_number", "caller_number must be a telephone number (digits, + * #).",
                       field="caller_number")
    return CallEvent(call_id=call_id, caller_number=number, started_at=_started_at(data.get("started_at")),
                     duration_s=_duration(data.get("duration_s")), recording_url=_recording_url(data))


def _started_at(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise BadEvent("invalid_started_at", "started_at must be an ISO 8601 date and time.", field="started_at")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _duration(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if isinstance(value, bool) or not 0 <= number <= 86_400:
        raise BadEvent("invalid_duration", "duration_s must be a number of seconds (0 to 86400).", field="duration_s")
    return number


def _recording_url(data: dict[str, Any]) -> str:
    url = data.get("recording_url") or ""
    if not isinstance(url, str) or len(url) > 2000 or not url.startswith(("http://", "https://")) and url:
        raise BadEvent("invalid_recording_url", "recording_url must be an http(s) URL.", field="recording_url")
    return url


def _answer(call: HotlineCall, created: bool) -> JsonResponse:
    body = {
        "call_id": call.external_id, "duplicate": not created,
        "report_code": call.report.display_code if call.report_id else None,
        "recording_state": call.recording_state, "transcript_state": call.transcript_state,
        "recording_error": call.last_error if call.recording_state == RecordingState.UNAVAILABLE else "",
    }
    return JsonResponse(body, status=201 if created else 200)


# --- OpenAPI --------------------------------------------------------------------------------------

_PROPERTIES = {
    "call_id": {"type": "string", "maxLength": 128, "pattern": CALL_ID.pattern,
                "description": "The PBX's id of the call (Asterisk UNIQUEID / LINKEDID, FreeSWITCH uuid). "
                               "The same id twice is one call and one report."},
    "caller_number": {"type": "string", "maxLength": 32, "description": "Caller id; empty or “anonymous” when "
                      "withheld. Personal data: masked on staff pages, deleted after the retention period."},
    "started_at": {"type": "string", "format": "date-time", "description": "When the call started (ISO 8601)."},
    "duration_s": {"type": "number", "minimum": 0, "maximum": 86400},
    "recording_url": {"type": "string", "format": "uri", "description": "Where the server fetches the "
                      "recording: only hosts in TINGIA_HOTLINE_RECORDING_HOSTS, never private addresses."},
}
WEBHOOK_DOCS: dict[str, Any] = {
    "description": (
        "A PBX or telephony provider announces a call. Without a recording it waits in the operators' "
        "console as a pending call (the number is prefilled when an operator opens it). With a recording "
        "(a `recording` file in multipart/form-data, or a `recording_url` the server fetches) it becomes a "
        "hotline report at once, marked “from a recording, transcript not reviewed”: it is matched and "
        "queued now, transcribed in the background (the draft transcript becomes the report text and is "
        "matched again), and listed for operators to review.\n\n"
        "**Authentication**: `X-Tingia-Timestamp: <unix seconds>` and `X-Tingia-Signature: v1=<hex>` where "
        "hex = HMAC-SHA256(TINGIA_HOTLINE_WEBHOOK_SECRET, \"<timestamp>.\" + raw body). Several `v1=` "
        "values, comma-separated, are accepted (secret rotation). Missing or wrong signatures and "
        "timestamps more than 5 minutes off are refused with 401; the same signed request twice with 409. "
        "Sign a fresh timestamp for each retry.\n\n"
        "**Idempotency**: the first event of a call id answers 201; any later one 200 with the same call "
        "and report (`duplicate: true`). A later event may add the recording a call did not have yet. An "
        "event for a call id never seen before simply creates the call: nothing is dropped.\n\n"
        "**Example (FreeSWITCH or any shell, recording by URL)**:\n\n"
        "```sh\n"
        "body='{\"call_id\":\"'$uuid'\",\"caller_number\":\"'$caller'\",\"duration_s\":'$secs',"
        "\"recording_url\":\"https://rec.provider.example/'$uuid'.wav\"}'\n"
        "ts=$(date +%s)\n"
        "sig=$(printf '%s.%s' \"$ts\" \"$body\" | openssl dgst -sha256 -hmac \"$SECRET\" -r | cut -d' ' -f1)\n"
        "curl -sS -X POST https://tingia.example/api/v1/hotline/calls -H 'Content-Type: application/json' "
        "-H \"X-Tingia-Timestamp: $ts\" -H \"X-Tingia-Signature: v1=$sig\" --data \"$body\"\n"
        "```\n\n"
        "An Asterisk dialplan that uploads the voicemail file through an AGI script is in docs/operations.md."
    ),
    "parameters": [
        {"in": "header", "name": signing.TIMESTAMP_HEADER, "required": True, "schema": {"type": "integer"},
         "description": "Unix time (seconds) when the request was signed."},
        {"in": "header", "name": signing.SIGNATURE_HEADER, "required": True, "schema": {"type": "string"},
         "description": "`v1=` + hex HMAC-SHA256 of \"<timestamp>.\" + body with the shared secret."},
    ],
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object", "required": ["call_id"], "additionalProperties": False,
                                        "properties": _PROPERTIES}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["call_id"], "properties": {
            **_PROPERTIES, "recording": {"type": "string", "format": "binary",
                                         "description": "The audio file (WAV, Ogg, MP3, FLAC ...), at most 20 MB."}}}},
    }},
    "responses": {
        201: {"description": "A new call, stored durably before this answer."},
        200: {"description": "A call id seen before: the existing call and report (duplicate)."},
    },
    "security": [{}],
}


@router.post("/hotline/calls", auth=None,
             response={200: CallOut, 201: CallOut, 400: ErrorOut, 401: ErrorOut, 409: ErrorOut, 413: ErrorOut,
                       415: ErrorOut, 503: ErrorOut},
             summary="Telephony webhook: a call and its recording", openapi_extra=WEBHOOK_DOCS,
             url_name="api_hotline_call")
def hotline_call(request: HttpRequest):  # noqa: ANN201
    try:
        signing.precheck(request.headers)  # unsigned or stale: refused before the body is read
        raw = _read_raw(request)
        signature = signing.verify(request.headers, raw)
        data, upload = _parse(request, raw)
        event = _event(data)
        if upload is not None and event.recording_url:
            raise BadEvent("recording_twice", "Send the recording as a file or as a URL, not both.")
        if event.recording_url:
            try:
                check_url(event.recording_url)
            except FetchError as exc:
                event.recording_problem = exc.code  # the call is kept, without its audio
        call, created = accept_event(event, upload, signature)
    except signing.SignatureProblem as exc:
        messages = {
            "webhook_disabled": "The hotline webhook is not configured on this server.",
            "missing_signature": f"Sign the request: {signing.TIMESTAMP_HEADER} and {signing.SIGNATURE_HEADER}.",
            "invalid_timestamp": f"{signing.TIMESTAMP_HEADER} must be Unix seconds.",
            "timestamp_out_of_window": "The timestamp is too far from the server's clock; sign the request again.",
            "invalid_signature": "The signature does not match the body.",
            "replayed": "This signed request was already received; sign each request afresh.",
        }
        return error(exc.status, exc.code, messages.get(exc.code, exc.code))
    except BadEvent as exc:
        fields = {exc.field: [{"code": exc.code, "message": exc.message}]} if exc.field else {}
        return error(exc.status, exc.code, exc.message, fields)
    return _answer(call, created)

