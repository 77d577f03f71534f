"""The staff start page: what this person's roles let them open."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..roles import can, province_scope, role_names, roles_of, staff_required
from ..reference import province_name


@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = province_scope(user)
    return render(request, "staff/home.html", {
        "roles": role_names(roles_of(user)),
        "provinces": sorted(province_name(code) for code in scope) if scope else [],
        "can_desk": can(user, "claim.view"),
        "can_accounts": can(user, "staff.manage"),
        "can_api_keys": can(user, "apikey.manage"),
        "can_topics": can(user, "topic.manage"),
        "can_audit": can(user, "audit.view"),
    })
