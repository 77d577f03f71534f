"""Browsing the audit log by object (a claim, an account, a key) and by person, newest first.

Viewing the log is not itself audited: entries hold ids, counts and user names of staff,
never reporters' personal data (core.audit.record's contract), so reading them discloses
nothing that needs a trace. Views of personal data are audited where they happen
(core.personal.contact_for / reveal_contact).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..models import AuditEntry
from ..roles import staff_required
from ..staff_forms import AuditFilterForm

PAGE_SIZE = 50


def filtered_entries(data: dict) -> QuerySet[AuditEntry]:
    """The entries matching a cleaned AuditFilterForm, newest first."""
    entries = AuditEntry.objects.order_by("-seq")
    if data.get("object_type"):
        entries = entries.filter(object_type=data["object_type"])
    if data.get("object_id"):
        entries = entries.filter(object_id=data["object_id"].strip())
    if data.get("action"):
        entries = entries.filter(action__startswith=data["action"].strip())
    person = (data.get("person") or "").strip()
    if person:
        about = Q(actor_label=person)
        if data.get("about_person"):
            account = get_user_model()._default_manager.filter(username=person).first()
            if account is not None:
                about |= Q(object_type="auth.user", object_id=str(account.pk))
        entries = entries.filter(about)
    return entries


@staff_required("audit.view")
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        entries = AuditEntry.objects.none()
    else:
        entries = filtered_entries(form.cleaned_data if form.is_bound else {})
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "staff/audit.html", {"form": form, "page": page, "query": query.urlencode()})
