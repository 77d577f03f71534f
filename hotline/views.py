"""Staff screens of the hotline: the operator console, the call list, transcript review.

Thin views: validation is intake's ReportForm (hotline.forms.ConsoleForm), writes are in
hotline.services, reads in hotline.selectors, and who sees a caller's number is decided by
core.personal (masked unless the table allows it; reveals audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from core.personal import contact_for, mask_phone, reveal_contact
from core.roles import can, staff_required
from core.staff_forms import RevealForm
from intake.forms import province_names

from . import selectors, services
from .audio import audio_content_type
from .forms import ConsoleForm, ReviewForm
from .models import HotlineCall, TranscriptState

CONSOLE = "hotline/console.html"


def _number_for(user: Any, call: HotlineCall) -> dict[str, str]:
    """The caller's number as this person may see it (full for the operator who took the call)."""
    shown = contact_for(user, call, entered_by_id=call.taken_by_id, entered_at=call.taken_at, subject=call)
    return {"phone": shown["phone"], "visibility": shown["visibility"]}


def _console(request: HttpRequest, form: ConsoleForm, *, pending: HotlineCall | None = None,
             found: selectors.Lookup | None = None, status: int = 200) -> HttpResponse:
    return render(request, CONSOLE, {
        "form": form, "pending": pending, "found": found or selectors.Lookup(),
        "pending_calls": [(c, mask_phone(c.caller_number)) for c in selectors.pending_calls()],
        "to_review": selectors.review_calls().count(), "province_names": province_names(),
    }, status=status)


def _pending_of(request: HttpRequest, raw: str | None) -> HotlineCall | None:
    """The pending call this operator opened (passed along in the form), if still pending."""
    if not raw or not raw.isdigit():
        return None
    call = HotlineCall.objects.filter(pk=int(raw), report__isnull=True, from_recording=False).first()
    if call is None or call.taken_by_id != request.user.pk:
        return None
    return call


def _already_logged(raw: str | None) -> bool:
    return bool(raw and raw.isdigit() and HotlineCall.objects.filter(pk=int(raw), report__isnull=False).exists())


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required("hotline.take_call")
def console(request: HttpRequest) -> HttpResponse:
    """One call at a time: take it down, look it up, save it."""
    if request.method == "GET":
        pending = _pending_of(request, request.GET.get("call"))
        initial = {}
        if pending is not None:
            initial["contact_phone"] = _number_for(request.user, pending)["phone"]
        return _console(request, ConsoleForm(initial=initial), pending=pending)
    pending = _pending_of(request, request.POST.get("call"))
    if pending is None and _already_logged(request.POST.get("call")):
        messages.error(request, _("This call was already logged."))  # a second submit of the same call
        return redirect("hotline:console")
    form = ConsoleForm(request.POST)
    if "lookup" in request.POST or not form.is_valid():
        found = selectors.lookup(request.POST.get("text", ""), request.POST.get("urls", ""))
        return _console(request, form, pending=pending, found=found, status=200 if "lookup" in request.POST else 400)
    try:
        _call, report = services.log_call(form.cleaned_data, form.caller_number, request.user, pending=pending)
    except services.AlreadyLogged:
        messages.error(request, _("This call was already logged."))
        return redirect("hotline:console")
    messages.success(request, _("Call saved as report %(code)s. Ready for the next call.") % {
        "code": report.display_code})
    return redirect("hotline:console")


@require_POST
@staff_required("hotline.take_call")
def take(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a pending call: it becomes this operator's, and the console is prefilled with it."""
    call = get_object_or_404(HotlineCall, pk=pk, report__isnull=True, from_recording=False)
    call = services.take_call(call, request.user)
    if call.taken_by_id != request.user.pk:
        messages.error(request, _("Another operator already took this call."))
        return redirect("hotline:console")
    return redirect(f"{reverse('hotline:console')}?call={call.pk}")


@require_POST
@staff_required("hotline.take_call")
def lookup_json(request: HttpRequest) -> JsonResponse:
    """The console's live look-up (POST, so what the caller said stays out of URLs and logs)."""
    found = selectors.lookup(request.POST.get("text", ""), request.POST.get("urls", ""))
    return JsonResponse({"matches": found.matches, "error": found.error, "asked": found.asked})


@require_GET
@staff_required("hotline.view")
def call_list(request: HttpRequest) -> HttpResponse:
    calls = selectors.recent_calls()[:100]
    return render(request, "hotline/call_list.html", {
        "calls": [(c, mask_phone(c.caller_number)) for c in calls],
    })


@require_GET
@staff_required("hotline.review")
def review_list(request: HttpRequest) -> HttpResponse:
    return render(request, "hotline/review_list.html", {
        "calls": [(c, mask_phone(c.caller_number)) for c in selectors.review_calls()[:200]],
        "reviewed": [(c, mask_phone(c.caller_number)) for c in selectors.review_calls(reviewed=True)[:20]],
    })


def _detail(request: HttpRequest, call: HotlineCall, form: ReviewForm | None = None,
            status: int = 200) -> HttpResponse:
    user = request.user
    can_review = can(user, "hotline.review") and call.from_recording and call.report_id is not None
    if form is None and can_review:
        initial = call.report.text if call.report.text else call.transcript
        form = ReviewForm(initial={"text": initial})
    return render(request, "hotline/call_detail.html", {
        "call": call, "number": _number_for(user, call), "form": form if can_review else None,
        "can_reveal": can(user, "contact.reveal") and bool(call.caller_number),
        "reveal_form": RevealForm(), "states": TranscriptState,
        "can_listen": can_review and bool(call.recording),
    }, status=status)


@never_cache
@require_GET
@staff_required("hotline.view")
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(HotlineCall.objects.select_related("report", "taken_by", "reviewed_by"), pk=pk)
    return _detail(request, call)


@require_POST
@staff_required("hotline.review")
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the corrected transcript as the report's text and mark the call reviewed (audited)."""
    call = get_object_or_404(HotlineCall.objects.select_related("report"), pk=pk, from_recording=True,
                             report__isnull=False)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _detail(request, call, form, status=400)
    services.review_transcript(call, request.user, form.cleaned_data["text"])
    messages.success(request, _("Transcript of report %(code)s reviewed.") % {"code": call.report.display_code})
    return redirect("hotline:review_list")


@never_cache
@require_GET
@staff_required("hotline.review")
def recording(request: HttpRequest, pk: int) -> FileResponse:
    """The recording, for the operator who corrects its transcript; each playback is audited."""
    call = get_object_or_404(HotlineCall, pk=pk, from_recording=True)
    if not call.recording:
        raise Http404
    audit.record("hotline.recording_played", actor=request.user, obj=call)
    handle = call.recording.open("rb")
    content_type = audio_content_type(handle.read(64))
    handle.seek(0)
    return FileResponse(handle, content_type=content_type)


@require_POST
@never_cache
@staff_required("contact.reveal")
def reveal_number(request: HttpRequest, pk: int) -> HttpResponse:
    """An editor's audited reveal of a caller's number (POST only, never cached)."""
    call = get_object_or_404(HotlineCall.objects.select_related("report"), pk=pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return redirect("hotline:call", pk=call.pk)
    shown = reveal_contact(request.user, call.report or call, contact_like=call, purpose=form.cleaned_data["purpose"])
    return render(request, "hotline/reveal.html", {"call": call, "number": shown["phone"]})
