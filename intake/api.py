"""The report API for partner apps and future tiplines: thin handlers over the intake service.

The body is parsed here (strictly: a wrong type is an error, never a guess) and validated
by the same ReportForm as the web page, so every channel shares one set of rules and
messages. Every refusal is JSON: {"error": code, "message": text, "fields": {name: [...]}}.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse, UnreadablePostError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Router, Schema

from core.reference import Channel

from . import selectors
from .api_auth import Caller, PartnerKey, client_scope
from .forms import MAX_IMAGES, ApiReportForm, ReportForm
from .ratelimits import RateDecision, api_limit, count, ip_subject, status_limit
from .services import IdempotencyConflict, ReportSubmission, body_fingerprint, submit_idempotent, submit_report

router = Router(tags=["reports"])

MAX_IDEMPOTENCY_KEY = 255
MAX_JSON_DEPTH = 4  # report → contact → value is all a report needs
MAX_REPORT_PART = 64 * 1024  # the JSON part of a multipart request
STRING_FIELDS = ("text", "platform", "topic", "province", "language")
CONTACT_STRING_FIELDS = ("name", "email", "phone")
ALLOWED_FIELDS = {*STRING_FIELDS, "urls", "contact"}
CONTACT_FIELDS = {*CONTACT_STRING_FIELDS, "consent"}
MULTIPART_REPORT, MULTIPART_IMAGES = "report", "images"
API_FIELD_NAMES = {"__all__": "report", "contact_name": "contact.name", "contact_email": "contact.email",
                   "contact_phone": "contact.phone", "consent": "contact.consent"}


# --- Schemas (what OpenAPI shows) -------------------------------------------------------------

class Contact(Schema):
    name: str = ""
    email: str = ""
    phone: str = ""
    consent: bool = False


class ReportIn(Schema):
    text: str = ""
    urls: list[str] = []
    platform: str = ""
    topic: str = ""
    province: str = ""
    contact: Contact | None = None
    language: str = "vi"


class ReportCreatedOut(Schema):
    tracking_code: str
    status: str
    status_url: str


class VerdictLink(Schema):
    title: str
    label: str
    url: str


class ReportStatusOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    received_at: str
    url: str
    verdict: VerdictLink | None = None


class FieldError(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: str
    message: str
    fields: dict[str, list[FieldError]] = {}


# --- Errors -----------------------------------------------------------------------------------

class BadBody(Exception):
    """The body cannot become a report; carries the API error to answer with."""

    def __init__(self, code: str, message: str, status: int = 400, fields: dict[str, Any] | None = None):
        super().__init__(message)
        self.code, self.message, self.status, self.fields = code, message, status, fields or {}


def error(status: int, code: str, message: str, fields: dict[str, Any] | None = None,
          headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"error": code, "message": message, "fields": fields or {}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def too_many(decision: RateDecision, message: str) -> JsonResponse:
    return error(429, "rate_limited", message, headers={"Retry-After": str(decision.retry_after)})


def _type_error(field: str, message: str) -> BadBody:
    return BadBody("invalid_type", _("A field has the wrong type: see the fields."),
                   fields={field: [{"code": "invalid_type", "message": message}]})


# --- Body parsing -------------------------------------------------------------------------------

def _depth(value: Any) -> int:
    """Nesting depth, counted without recursion (the body is untrusted)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse_json(raw: bytes) -> dict[str, Any]:
    """The report object from a JSON body; BadBody for anything that is not one."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadBody("invalid_encoding", _("The body is not valid UTF-8.")) from None
    if not text.strip():
        raise BadBody("invalid_json", _("The body is empty: send the report as a JSON object."))
    try:
        data = json.loads(text)
    except RecursionError:
        raise BadBody("json_too_deep", _("The JSON is nested too deeply.")) from None
    except ValueError:  # JSONDecodeError, and numbers too long to convert
        raise BadBody("invalid_json", _("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadBody("invalid_json", _("The body must be a JSON object."))
    if _depth(data) > MAX_JSON_DEPTH:
        raise BadBody("json_too_deep", _("The JSON is nested too deeply."))
    _check_shape(data)
    return data


def _check_shape(data: dict[str, Any]) -> None:
    unknown = set(data) - ALLOWED_FIELDS
    if unknown:
        raise BadBody("unknown_fields", _("Unknown fields: %(fields)s.") % {"fields": _names(unknown)})
    for name in STRING_FIELDS:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise _type_error(name, _("This must be a string."))
    urls = data.get("urls")
    if urls is not None and not (isinstance(urls, list) and all(isinstance(u, str) for u in urls)):
        raise _type_error("urls", _("This must be a list of strings."))
    contact = data.get("contact")
    if contact is None:
        return
    if not isinstance(contact, dict):
        raise _type_error("contact", _("This must be an object."))
    unknown = set(contact) - CONTACT_FIELDS
    if unknown:
        raise BadBody("unknown_fields", _("Unknown contact fields: %(fields)s.") % {"fields": _names(unknown)})
    for name in CONTACT_STRING_FIELDS:
        if contact.get(name) is not None and not isinstance(contact[name], str):
            raise _type_error(f"contact.{name}", _("This must be a string."))
    if contact.get("consent") is not None and not isinstance(contact["consent"], bool):
        raise _type_error("contact.consent", _("This must be true or false."))


def _names(names: set[Any]) -> str:
    return ", ".join(sorted(str(n)[:40] for n in names)[:10])


def read_multipart(post: Any, files: MultiValueDict) -> tuple[dict[str, Any], MultiValueDict]:
    """A `report` JSON part (as a field or as a file part) and up to five `images` files."""
    unknown = (set(post) - {MULTIPART_REPORT}) | (set(files) - {MULTIPART_REPORT, MULTIPART_IMAGES})
    if unknown:
        raise BadBody("unknown_fields", _("Unknown parts: %(fields)s. Send a “report” part and “images” files.")
                      % {"fields": _names(unknown)})
    if MULTIPART_REPORT in files:
        part = files[MULTIPART_REPORT]
        raw = part.read(MAX_REPORT_PART + 1)
    else:
        value = post.get(MULTIPART_REPORT, "")
        if "\ufffd" in value:  # Django replaced bytes that were not UTF-8
            raise BadBody("invalid_encoding", _("The report part is not valid UTF-8."))
        raw = value.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_REPORT_PART:
        raise BadBody("request_too_large", _("The report part is too large."), status=413)
    data = parse_json(raw) if raw.strip() else {}
    return data, MultiValueDict({"images": files.getlist(MULTIPART_IMAGES)})


def form_data(data: dict[str, Any]) -> dict[str, Any]:
    """The API's JSON shape mapped onto ReportForm's fields."""
    contact = data.get("contact") or {}
    return {
        "text": data.get("text") or "", "urls": data.get("urls") or [],
        "platform": data.get("platform") or "", "topic": data.get("topic") or "",
        "province": data.get("province") or "", "language": data.get("language") or "",
        "contact_name": contact.get("name") or "", "contact_email": contact.get("email") or "",
        "contact_phone": contact.get("phone") or "", "consent": contact.get("consent") is True,
    }


def _read_body(request: HttpRequest) -> tuple[dict[str, Any], MultiValueDict]:
    content_type = request.content_type or ""
    try:
        if content_type == "multipart/form-data":
            return read_multipart(request.POST, request.FILES)
        if content_type in ("application/json", ""):
            return parse_json(request.body), MultiValueDict()
    except RequestDataTooBig:
        raise BadBody("request_too_large", _("The request body is too large. A report has at most 10,000 "
                                             "characters of text; send images as multipart files."),
                      status=413) from None
    except UnreadablePostError:
        raise BadBody("unreadable_body", _("The request body could not be read.")) from None
    raise BadBody("unsupported_media_type",
                  _("Send application/json, or multipart/form-data with a “report” part and “images” files."),
                  status=415)


def _idempotency_key(request: HttpRequest) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY or not all(" " <= ch <= "~" for ch in key):
        raise BadBody("invalid_idempotency_key",
                      _("Idempotency-Key must be at most 255 printable ASCII characters."))
    return key


def _form_errors(form: ReportForm) -> dict[str, list[dict[str, str]]]:
    fields: dict[str, list[dict[str, str]]] = {}
    for name, errors in form.errors.as_data().items():
        key = API_FIELD_NAMES.get(name, name)
        fields[key] = [{"code": e.code or "invalid", "message": message}
                       for e in errors for message in e.messages]
    return fields


def render_created(report) -> dict[str, Any]:  # noqa: ANN001
    status = selectors.report_status(report)
    return {"tracking_code": report.display_code, "status": status["status"], "status_url": status["url"]}


# --- OpenAPI additions (what django-ninja cannot infer from a hand-parsed body) -----------------

def _inline_refs(schema: Any, defs: dict[str, Any]) -> Any:
    """Pydantic's schema with its local $refs replaced by their definitions (no dangling refs)."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline_refs(defs[ref.rsplit("/", 1)[1]], defs)
        return {k: _inline_refs(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline_refs(v, defs) for v in schema]
    return schema


def _report_schema() -> dict[str, Any]:
    raw = ReportIn.model_json_schema()
    schema = _inline_refs(raw, raw.get("$defs", {}))
    schema["additionalProperties"] = False
    return schema


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                                "schema": {"type": "integer", "minimum": 1}}}

CREATE_REPORT_DOCS: dict[str, Any] = {
    "description": (
        "Send a report as `application/json` (a ReportIn object), or as `multipart/form-data` with a "
        "`report` part holding the same JSON and up to 5 `images` files (JPEG, PNG, WebP, GIF or BMP, "
        "5 MB each; they are re-encoded and stripped of EXIF/GPS data). At least one of text, a link or "
        "an image is needed. Anonymous calls are allowed at a low rate; partner apps send "
        "`Authorization: Bearer <key>` (or `X-API-Key`) and are counted at their own rate. "
        "Refusals are ErrorOut objects whose `fields` maps a field (`text`, `urls`, `images`, "
        "`contact.email`, `report` for the report as a whole, ...) to a list of {code, message}; "
        "messages are in the request's language (Accept-Language: vi or en)."
    ),
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _report_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        MULTIPART_REPORT: _report_schema(),
                        MULTIPART_IMAGES: {"type": "array", "maxItems": MAX_IMAGES,
                                           "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                                           "description": "Screenshots, at most 5 files of 5 MB each."},
                    },
                },
                "encoding": {
                    MULTIPART_REPORT: {"contentType": "application/json"},
                    MULTIPART_IMAGES: {"contentType": "image/jpeg, image/png, image/webp, image/gif, image/bmp"},
                },
            },
        },
    },
    "parameters": [
        {"in": "header", "name": "Idempotency-Key", "required": False,
         "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY},
         "description": "A key of your choosing (printable ASCII) for safe retries: the same key with the same "
                        "body returns the first answer (header Idempotent-Replayed: true) instead of a second "
                        "report; the same key with another body is refused with 422. Keys are scoped to your "
                        "API key (or, for anonymous calls, to your address) and kept for 24 hours."},
    ],
    "responses": {
        201: {"description": "Stored. Keep the tracking code to follow the report.",
              "headers": {"Idempotent-Replayed": {
                  "description": "Sent when an Idempotency-Key was given: true when this is a replayed answer.",
                  "schema": {"type": "string", "enum": ["true", "false"]}}}},
        400: _error_response("Invalid body or report: error is invalid_json, invalid_encoding, json_too_deep, "
                             "unknown_fields, invalid_type, invalid_idempotency_key, too_many_parts or "
                             "invalid_report (see fields)."),
        401: _error_response("The API key is wrong or revoked (invalid_api_key)."),
        413: _error_response("The body is too large (request_too_large)."),
        415: _error_response("Neither JSON nor multipart (unsupported_media_type)."),
        422: _error_response("The Idempotency-Key was used before with another body (idempotency_key_reused)."),
        429: {**_error_response("Rate limit reached (rate_limited)."), "headers": _RETRY_AFTER},
    },
    "security": [{}],  # with PartnerKey below: a key is optional
}

STATUS_DOCS: dict[str, Any] = {
    "description": "The public status of a report. Never returns contact details or the report's content.",
    "responses": {
        404: _error_response("No report has this tracking code (not_found)."),
        429: {**_error_response("Rate limit reached (rate_limited)."), "headers": _RETRY_AFTER},
    },
}


# --- Endpoints ----------------------------------------------------------------------------------

@router.post(
    "/reports", auth=PartnerKey(),
    response={201: ReportCreatedOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut, 415: ErrorOut,
              422: ErrorOut, 429: ErrorOut},
    summary="Submit a report of suspected fake news", openapi_extra=CREATE_REPORT_DOCS,
    url_name="api_report_create",
)
def create_report(request: HttpRequest):  # noqa: ANN201
    caller: Caller = request.auth
    if caller.error:
        # Wrong keys count against the caller's address, so guessing keys is throttled too.
        decision = count(request, "api.auth_failure", ip_subject(request), settings.RATE_API_ANONYMOUS)
        if decision.limited:
            return too_many(decision, _("Too many requests with a wrong API key. Please wait and try again."))
        return error(401, "invalid_api_key", caller.error, headers={"WWW-Authenticate": "Bearer"})
    client = caller.client
    decision = api_limit(request, client)
    if decision.limited:
        return too_many(decision, _("Too many reports from this client. Please wait and try again."))
    try:
        key = _idempotency_key(request)
        data, files = _read_body(request)
    except BadBody as exc:
        return error(exc.status, exc.code, exc.message, exc.fields)
    form = ApiReportForm(data=form_data(data), files=files)
    if not form.is_valid():
        return error(400, "invalid_report", _("The report was not accepted: see the fields."), _form_errors(form))
    submission = ReportSubmission.from_form(form.cleaned_data, Channel.API, api_client=client,
                                            language=form.cleaned_data.get("language") or "vi")
    if not key:
        return JsonResponse(render_created(submit_report(submission)), status=201)
    body_hash = body_fingerprint(data, form.cleaned_data.get("images"))
    try:
        body, replayed = submit_idempotent(submission, scope=client_scope(request, client), key=key,
                                           body_hash=body_hash, render=render_created)
    except IdempotencyConflict:
        return error(422, "idempotency_key_reused",
                     _("This Idempotency-Key was already used with a different report."))
    response = JsonResponse(body, status=201)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


@router.get("/reports/{code}", response={200: ReportStatusOut, 404: ErrorOut, 429: ErrorOut},
            summary="The public status of a report", openapi_extra=STATUS_DOCS, url_name="api_report_status")
def report_status(request: HttpRequest, code: str):  # noqa: ANN201
    decision = status_limit(request)
    if decision.limited:
        return too_many(decision, _("Too many look-ups. Please wait and try again."))
    report = selectors.report_by_code(code)
    if report is None:
        return error(404, "not_found", _("No report has this tracking code."))
    return selectors.report_status(report)
