"""The report API for partner apps and future tiplines: thin handlers over the intake service.

The body is parsed here and validated by the same ReportForm as the web page, so every
channel shares one set of rules and messages. Errors are JSON: {"error", "message", "fields"}.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Router, Schema

from core.reference import Channel

from . import selectors
from .api_auth import ApiAuthError, authenticate, client_scope
from .forms import ReportForm
from .models import ApiClient
from .ratelimits import api_limited
from .services import (
    IdempotencyConflict,
    ReportSubmission,
    body_fingerprint,
    submit_idempotent,
    submit_report,
)

router = Router(tags=["reports"])

ALLOWED_FIELDS = {"text", "urls", "platform", "topic", "province", "contact", "language"}
CONTACT_FIELDS = {"name", "email", "phone", "consent"}


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


def error(status: int, code: str, message: str, fields: dict[str, Any] | None = None,
          headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"error": code, "message": message, "fields": fields or {}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class BadBody(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _parse_json(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("invalid_encoding", _("The body is not valid UTF-8.")) from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise BadBody("invalid_json", _("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadBody("invalid_json", _("The body must be a JSON object."))
    unknown = set(data) - ALLOWED_FIELDS
    if unknown:
        raise BadBody("unknown_fields", _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    contact = data.get("contact")
    if contact is not None:
        if not isinstance(contact, dict):
            raise BadBody("invalid_contact", _("contact must be an object."))
        unknown = set(contact) - CONTACT_FIELDS
        if unknown:
            raise BadBody("unknown_fields",
                          _("Unknown contact fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name in ("text", "platform", "topic", "province", "language"):
        if name in data and data[name] is not None and not isinstance(data[name], str):
            raise BadBody("invalid_type", _("%(field)s must be a string.") % {"field": name})
    return data


def _form_data(data: dict[str, Any]) -> dict[str, Any]:
    contact = data.get("contact") or {}
    consent = contact.get("consent", False)
    return {
        "text": data.get("text") or "", "urls": data.get("urls") or [],
        "platform": data.get("platform") or "", "topic": data.get("topic") or "",
        "province": data.get("province") or "",
        "contact_name": contact.get("name") or "", "contact_email": contact.get("email") or "",
        "contact_phone": contact.get("phone") or "", "consent": consent is True,
    }


def _read_body(request: HttpRequest) -> tuple[dict[str, Any], MultiValueDict]:
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        raw = request.POST.get("report", "")
        data = _parse_json(raw.encode("utf-8", "surrogatepass")) if raw else {}
        return data, MultiValueDict({"images": request.FILES.getlist("images")})
    if content_type in ("application/json", ""):
        return _parse_json(request.body), MultiValueDict()
    raise BadBody("unsupported_media_type",
                  _("Send application/json, or multipart/form-data with a 'report' part and 'images' files."))


def _form_errors(form: ReportForm) -> dict[str, list[dict[str, str]]]:
    fields: dict[str, list[dict[str, str]]] = {}
    for name, errors in form.errors.as_data().items():
        key = {"__all__": "report", "contact_name": "contact.name", "contact_email": "contact.email",
               "contact_phone": "contact.phone", "consent": "contact.consent"}.get(name, name)
        fields[key] = [{"code": e.code or "invalid", "message": " ".join(e.messages)} for e in errors]
    return fields


def render_created(report) -> dict[str, Any]:  # noqa: ANN001
    status = selectors.report_status(report)
    return {"tracking_code": report.display_code, "status": status["status"], "status_url": status["url"]}


REPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ReportIn"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "report": {"type": "string", "description": "The ReportIn object as a JSON string."},
                        "images": {"type": "array", "items": {"type": "string", "format": "binary"},
                                   "maxItems": 5, "description": "Screenshots, at most 5 MB each."},
                    },
                    "required": ["report"],
                }
            },
        },
    },
    "parameters": [
        {"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string", "maxLength": 255},
         "description": "Retrying with the same key and body returns the first answer instead of a duplicate."},
    ],
}


@router.post(
    "/reports", response={201: dict, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut, 415: ErrorOut,
                          422: ErrorOut, 429: ErrorOut},
    summary="Submit a report of suspected fake news", openapi_extra=REPORT_BODY, url_name="api_report_create",
)
def create_report(request: HttpRequest):  # noqa: ANN201
    try:
        client: ApiClient | None = authenticate(request)
    except ApiAuthError as exc:
        return error(401, "invalid_api_key", str(exc))
    if api_limited(request, client):
        return error(429, "rate_limited", _("Too many reports from this client. Please wait and try again."),
                     headers={"Retry-After": "60"})
    try:
        data, files = _read_body(request)
    except BadBody as exc:
        status = 415 if exc.code == "unsupported_media_type" else 400
        return error(status, exc.code, exc.message)
    form = ReportForm(data=_form_data(data), files=files)
    if not form.is_valid():
        return error(400, "invalid_report", _("The report was not accepted: see the fields."), _form_errors(form))
    submission = ReportSubmission.from_form(form.cleaned_data, Channel.API, api_client=client,
                                            language=(data.get("language") or "vi")[:8])
    key = request.headers.get("Idempotency-Key", "").strip()
    if key:
        if len(key) > 255:
            return error(400, "invalid_idempotency_key", _("Idempotency-Key is longer than 255 characters."))
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
    report = submit_report(submission)
    return JsonResponse(render_created(report), status=201)


@router.get("/reports/{code}", response={200: ReportStatusOut, 404: ErrorOut, 429: ErrorOut},
            summary="The public status of a report", url_name="api_report_status")
def report_status(request: HttpRequest, code: str):  # noqa: ANN201
    if api_limited(request, None, group="status"):
        return error(429, "rate_limited", _("Too many look-ups. Please wait and try again."),
                     headers={"Retry-After": "60"})
    report = selectors.report_by_code(code)
    if report is None:
        return error(404, "not_found", _("No report has this tracking code."))
    return selectors.report_status(report)
