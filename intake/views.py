"""Public report pages: parse the request, call the intake service, render. No logic here."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.reference import Channel

from . import selectors
from .forms import WebReportForm
from .ratelimits import web_limited
from .services import ReportSubmission, submit_report


@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        initial = {k: request.GET[k][:10_000] for k in ("text", "urls") if k in request.GET}
        return render(request, "intake/report_form.html", {"form": WebReportForm(initial=initial)})
    form = WebReportForm(request.POST, request.FILES)
    if web_limited(request, "report", settings.RATE_WEB_REPORT):
        form.is_valid()
        return render(request, "intake/report_form.html", {
            "form": form, "limit_error": _("You have sent many reports in a short time. "
                                           "Please wait a while, or call the hotline 18008108."),
        }, status=429)
    if not form.is_valid():
        return render(request, "intake/report_form.html", {"form": form}, status=400)
    report = submit_report(ReportSubmission.from_form(form.cleaned_data, Channel.WEB,
                                                      language=request.LANGUAGE_CODE or "vi"))
    return redirect(f"{_status_path(report.display_code)}?new=1")


def _status_path(code: str) -> str:
    from django.urls import reverse

    return reverse("intake:status", args=[code])


def status_lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        report = selectors.report_by_code(code)
        if report is not None:
            return redirect(_status_path(report.display_code))
        return render(request, "intake/status_lookup.html", {
            "code": code[:40], "error": _("No report has this tracking code. Check it and try again."),
        }, status=404)
    return render(request, "intake/status_lookup.html", {})


def status_page(request: HttpRequest, code: str) -> HttpResponse:
    if web_limited(request, "status", settings.RATE_STATUS_LOOKUP):
        return render(request, "intake/status_lookup.html", {
            "error": _("Too many look-ups. Please wait a while and try again.")}, status=429)
    report = selectors.report_by_code(code)
    if report is None:
        raise Http404(_("No report has this tracking code."))
    return render(request, "intake/status.html", {
        "status": selectors.report_status(report), "is_new": request.GET.get("new") == "1",
    })
