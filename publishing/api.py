"""Public API (v1): check a text or link, list verdicts, read one verdict.

Errors use the API's common shape {"error", "message", "fields"} (see intake.api). Query
parameters are read as strings and checked here, so a bad value gets that shape too.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Router, Schema

from intake.api import ErrorOut, error, too_many
from intake.api_auth import Caller, PartnerKey
from verification.models import Verdict

from . import check as checking
from .check import report_link
from .ratelimit import check_limit
from .search import QueryError
from .selectors import filter_verdicts, public_verdicts, visible_verdict
from .serializers import verdict_detail, verdict_summary
from .topic_pages import SLUGS, topic_from_slug, topic_names
from .urls_abs import absolute

router = Router(tags=["verdicts"])
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class VerdictSummaryOut(Schema):
    id: int
    url: str
    title: str
    label: str
    label_name: str
    claim_reviewed: str
    topic: str
    topic_name: str
    published_at: str
    updated_at: str | None = None


class SourceOut(Schema):
    title: str
    url: str


class RevisionOut(Schema):
    seq: int
    kind: str
    at: str
    note: str


class VerdictOut(VerdictSummaryOut):
    explanation: str
    sources: list[SourceOut]
    withdrawn: bool
    withdrawn_at: str | None = None
    withdrawal_reason: str
    revisions: list[RevisionOut]
    claim_review: dict[str, Any]


class VerdictPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    next: str | None = None
    previous: str | None = None
    results: list[VerdictSummaryOut]


class CheckMatchOut(Schema):
    verdict: VerdictSummaryOut
    score: float
    closeness: str
    closeness_label: str
    reasons: list[str]


class CheckOut(Schema):
    found: bool
    matches: list[CheckMatchOut]
    report_url: str


def _int(value: str, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    if not value.isdigit() or len(value) > 9:
        raise QueryError("invalid_parameter", _("%(name)s must be a whole number.") % {"name": name})
    number = int(value)
    if not low <= number <= high:
        raise QueryError(
            "invalid_parameter",
            _("%(name)s must be between %(low)d and %(high)d.") % {"name": name, "low": low, "high": high},
        )
    return number


def _moment(value: str, name: str) -> datetime | None:
    if not value:
        return None
    moment = None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime(day.year, day.month, day.day) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise QueryError(
            "invalid_parameter",
            _("%(name)s must be a date (YYYY-MM-DD) or an ISO 8601 time.") % {"name": name},
        )
    from django.utils import timezone

    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _page_link(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return absolute(request.path) + "?" + params.urlencode()


CHECK_DOCS: dict[str, Any] = {
    "description": (
        "Check a text (`q`, up to 10,000 characters) and/or a link (`url`) against the centre's published "
        "verdicts, with the same matching engine and the same results as the “Kiểm tra tin” page. `found` is "
        "false when nothing close enough is known yet; `report_url` then opens the report form prefilled. "
        "Rate limited per address (partner keys: per key). For long texts use the page or keep the URL short."
    ),
    "parameters": [
        {
            "in": "query",
            "name": "q",
            "schema": {"type": "string", "maxLength": checking.MAX_TEXT},
            "required": False,
            "description": "The text you received.",
        },
        {
            "in": "query",
            "name": "url",
            "schema": {"type": "string", "maxLength": checking.MAX_URL},
            "required": False,
            "description": "A link to the post or page.",
        },
    ],
    "security": [{}],
}
LIST_DOCS: dict[str, Any] = {
    "description": "Public verdicts, newest first, paginated; filter by topic code, label and publication date.",
    "parameters": [
        {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1}, "required": False},
        {
            "in": "query",
            "name": "page_size",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "required": False,
        },
        {
            "in": "query",
            "name": "topic",
            "schema": {"type": "string", "enum": list(SLUGS)},
            "required": False,
        },
        {
            "in": "query",
            "name": "label",
            "schema": {"type": "string", "enum": list(Verdict.Label.values)},
            "required": False,
        },
        {
            "in": "query",
            "name": "published_after",
            "schema": {"type": "string"},
            "required": False,
            "description": "YYYY-MM-DD or ISO 8601 time (inclusive).",
        },
        {
            "in": "query",
            "name": "published_before",
            "schema": {"type": "string"},
            "required": False,
            "description": "YYYY-MM-DD or ISO 8601 time (exclusive).",
        },
    ],
}


@router.get(
    "/check",
    auth=PartnerKey(),
    response={200: CheckOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut},
    summary="Check a text or link before sharing it",
    openapi_extra=CHECK_DOCS,
    url_name="api_check",
)
def check(request: HttpRequest):  # noqa: ANN201
    caller: Caller = request.auth
    if caller.error:
        return error(401, "invalid_api_key", caller.error, headers={"WWW-Authenticate": "Bearer"})
    decision = check_limit(request, caller.client)
    if decision.limited:
        return too_many(decision, _("Too many checks. Please wait a while and try again."))
    text, url = request.GET.get("q", ""), request.GET.get("url", "")
    try:
        result = checking.check(text, url)
    except QueryError as exc:
        return error(400, exc.code, str(exc))
    names = topic_names()
    return {
        "found": result.found,
        "matches": [
            {
                "verdict": verdict_summary(m.verdict, names),
                "score": m.score,
                "closeness": m.closeness,
                "closeness_label": m.closeness_label,
                "reasons": list(m.reasons),
            }
            for m in result.matches
        ],
        "report_url": absolute(report_link(result.text, result.url)),
    }


@router.get(
    "/verdicts",
    response={200: VerdictPageOut, 400: ErrorOut, 404: ErrorOut},
    summary="List published verdicts",
    openapi_extra=LIST_DOCS,
    url_name="api_verdicts",
)
def list_verdicts(request: HttpRequest):  # noqa: ANN201
    get = request.GET
    try:
        page = _int(get.get("page", ""), "page", 1, 1, 10**6)
        size = _int(get.get("page_size", ""), "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        topic = get.get("topic", "")
        code = topic_from_slug(topic) if topic else ""
        if topic and not code:
            raise QueryError("invalid_parameter", _("Unknown topic."))
        label = get.get("label", "")
        if label and label not in Verdict.Label.values:
            raise QueryError("invalid_parameter", _("Unknown label."))
        since = _moment(get.get("published_after", ""), "published_after")
        until = _moment(get.get("published_before", ""), "published_before")
    except QueryError as exc:
        return error(400, exc.code, str(exc))
    qs = filter_verdicts(public_verdicts(), topic=code or "", label=label, since=since, until=until)
    total = qs.count()
    pages = max(1, math.ceil(total / size))
    if page > pages:
        return error(
            404,
            "page_out_of_range",
            _("There is no page %(page)d: the results have %(pages)d page(s).")
            % {"page": page, "pages": pages},
        )
    names = topic_names()
    rows = [verdict_summary(v, names) for v in qs[(page - 1) * size : page * size]]
    return {
        "count": total,
        "page": page,
        "pages": pages,
        "page_size": size,
        "next": _page_link(request, page + 1) if page < pages else None,
        "previous": _page_link(request, page - 1) if page > 1 else None,
        "results": rows,
    }


@router.get(
    "/verdicts/{verdict_id}",
    response={200: VerdictOut, 404: ErrorOut},
    summary="One verdict, with its sources, history and ClaimReview",
    url_name="api_verdict",
)
def get_verdict(request: HttpRequest, verdict_id: str):  # noqa: ANN201
    verdict = visible_verdict(int(verdict_id)) if verdict_id.isdigit() and len(verdict_id) < 19 else None
    if verdict is None:
        return error(404, "not_found", _("No published verdict has this id."))
    return verdict_detail(verdict)
