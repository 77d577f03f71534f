"""The claim queue: open claims by priority, with filters, search and bulk dismissal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.roles import can, staff_required

from .. import actions
from .. import forms as desk_forms
from ..selectors import (
    QueueFilters,
    overdue_referral_claims,
    pending_replies,
    queue,
    queue_counts,
    resurfacing,
    scoped_claims,
    staff_choices,
)
from ..workflow import OPEN_STATES, state_label

PAGE_SIZE = 50


def _filters(form: desk_forms.QueueFilterForm) -> QueueFilters:
    if not form.is_valid():
        return QueueFilters()
    data = form.cleaned_data
    return QueueFilters(state=data["state"], topic=data["topic"], platform=data["platform"],
                        province=data["province"], channel=data["channel"], assignee=data["assignee"],
                        q=data["q"], overdue_only=data["overdue"])


@staff_required("claim.view")
def claim_queue(request: HttpRequest) -> HttpResponse:
    form = desk_forms.QueueFilterForm(request.GET or None, staff=staff_choices())
    rows = queue(request.user, _filters(form))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "staff/desk/queue.html", {
        "form": form, "page": page, "total": len(rows), "query": query.urlencode(), "now": timezone.now(),
        "counts": [(state_label(state), n) for state, n in sorted(queue_counts(request.user).items())],
        "resurfacing": resurfacing(request.user),
        "replies": list(pending_replies(request.user)[:20]) if can(request.user, "claim.review") else [],
        "overdue_referrals": overdue_referral_claims(request.user),
        "can_dismiss": can(request.user, "claim.bulk_dismiss"),
        "dismiss_choices": desk_forms.TRIAGE_DISMISS_CHOICES,
    })


@require_POST
@staff_required("claim.bulk_dismiss")
def bulk_dismiss(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("claims") if v.isdigit()]
    visible = list(scoped_claims(request.user).filter(pk__in=ids, state__in=OPEN_STATES).values_list("pk", flat=True))
    form = desk_forms.BulkDismissForm(request.POST, claim_ids=visible)
    filters = QueryDict(request.POST.get("back", "")).urlencode()  # re-encoded: no header tricks
    back = reverse("desk:queue") + (f"?{filters}" if filters else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(back)
    claims = scoped_claims(request.user).filter(pk__in=form.cleaned_data["claims"]).order_by("pk")
    result = actions.bulk_dismiss(list(claims), request.user, form.cleaned_data["reason"])
    if result.done:
        messages.success(request, ngettext("%(n)s claim dismissed.", "%(n)s claims dismissed.", len(result.done))
                         % {"n": len(result.done)})
    for pk, reason in sorted(result.refused.items()):
        messages.error(request, _("Claim %(pk)s was not dismissed: %(reason)s") % {"pk": pk, "reason": reason})
    return HttpResponseRedirect(back)
