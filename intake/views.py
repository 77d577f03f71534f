"""Public report pages: parse the request, call the intake service, render. No logic here."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.reference import Channel

from . import selectors
from .forms import MAX_TEXT, WebReportForm, dropped_files_message, province_names
from .ratelimits import RateDecision, status_limit, web_limit
from .services import ReportSubmission, submit_report

FORM_TEMPLATE = "intake/report_form.html"
KEPT_FIELDS = ("text", "urls", "platform", "topic", "province", "contact_name", "contact_email",
               "contact_phone", "consent")


def _form_page(request: HttpRequest, form: WebReportForm, status: int = 200, **extra: Any) -> HttpResponse:
    context = {"form": form, "province_names": province_names(), **extra}
    return render(request, FORM_TEMPLATE, context, status=status)


def _typed_values(post: QueryDict) -> dict[str, Any]:
    """What the person typed, to show again without validating (and without re-reading files)."""
    values: dict[str, Any] = {name: post.get(name, "")[: 2 * MAX_TEXT] for name in KEPT_FIELDS}
    values["consent"] = post.get("consent") in ("on", "true", "1")
    return values


def _dropped_files(request: HttpRequest) -> str:
    count = len([f for f in request.FILES.getlist("images") if f])
    return dropped_files_message(count) if count else ""


def _limited(response: HttpResponse, decision: RateDecision) -> HttpResponse:
    response["Retry-After"] = str(decision.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # Share targets and bookmarklets may pre-fill the text and links.
        initial = {k: request.GET[k][:MAX_TEXT] for k in ("text", "urls") if k in request.GET}
        return _form_page(request, WebReportForm(initial=initial))
    decision = web_limit(request, "report", settings.RATE_WEB_REPORT)
    if decision.limited:
        form = WebReportForm(initial=_typed_values(request.POST))
        return _limited(_form_page(request, form, status=429, dropped_files=_dropped_files(request), limit_error=_(
            "You have sent many reports in a short time. Please wait a while and send again, "
            "or call the free hotline 18008108.")), decision)
    form = WebReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, form, status=400, dropped_files=_dropped_files(request))
    report = submit_report(ReportSubmission.from_form(form.cleaned_data, Channel.WEB,
                                                      language=request.LANGUAGE_CODE or "vi"))
    return redirect(f"{_status_path(report.display_code)}?new=1")


def _status_path(code: str) -> str:
    return reverse("intake:status", args=[code])


def _lookup_page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    return render(request, "intake/status_lookup.html", context, status=status)


@require_GET
def status_lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if not code:
        return _lookup_page(request)
    decision = status_limit(request)
    if decision.limited:
        return _limited(_lookup_page(request, 429, code=code[:40], error=_(
            "Too many look-ups. Please wait a while and try again.")), decision)
    report = selectors.report_by_code(code)
    if report is None:
        return _lookup_page(request, 404, code=code[:40], error=_(
            "No report has this tracking code. Check it and try again."))
    return redirect(_status_path(report.display_code))


@require_GET
def status_page(request: HttpRequest, code: str) -> HttpResponse:
    decision = status_limit(request)
    if decision.limited:
        return _limited(_lookup_page(request, 429, error=_(
            "Too many look-ups. Please wait a while and try again.")), decision)
    report = selectors.report_by_code(code)
    if report is None:
        return _lookup_page(request, 404, code=code[:40], error=_(
            "No report has this tracking code. Check it and try again."))
    return render(request, "intake/status.html", {
        "status": selectors.report_status(report), "is_new": request.GET.get("new") == "1",
    })
