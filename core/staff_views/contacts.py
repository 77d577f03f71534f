"""The audited reveal of a reporter's contact details (editors, two-factor verified)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from intake.models import Report

from ..personal import reveal_contact
from ..roles import staff_required
from ..staff_forms import RevealForm


@require_POST
@never_cache
@staff_required("contact.reveal")
def reveal_report_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """POST only, so a link, a prefetch or a crawler never reveals anything.

    The details are rendered in the answer (not stored in a session or put in a URL), and
    the response is not cached.
    """
    report = get_object_or_404(Report, pk=pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return render(request, "staff/reveal.html", {"report": report, "form": form}, status=400)
    contact = reveal_contact(request.user, report, purpose=form.cleaned_data["purpose"])
    back = request.POST.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return render(request, "staff/reveal.html", {"report": report, "contact": contact, "form": form,
                                                 "back": back})
