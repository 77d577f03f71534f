"""Staff accounts: list, create, edit roles and province scope, deactivate, reset two-factor,
set a password or hand out a one-time set-password link. Admins only; every change audited
(core.accounts)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from .. import accounts
from ..models import ProvinceScope
from ..reference import province_name
from ..roles import ROLES, staff_required
from ..staff_forms import PASSWORD_TYPED, AccountCreateForm, AccountEditForm

User = get_user_model()


@staff_required("staff.manage")
def account_list(request: HttpRequest) -> HttpResponse:
    people = User.objects.order_by("-is_active", "username").prefetch_related("groups")
    scopes: dict[int, list[str]] = {}
    for scope in ProvinceScope.objects.order_by("province"):
        scopes.setdefault(scope.user_id, []).append(province_name(scope.province))
    rows = [{
        "user": person,
        "roles": [g.name for g in person.groups.all() if g.name in ROLES],
        "provinces": scopes.get(person.pk, []),
        "two_factor": user_has_device(person, confirmed=True),
    } for person in people]
    return render(request, "staff/accounts/list.html", {"rows": rows})


def _link_page(request: HttpRequest, person, path: str, created: bool) -> HttpResponse:  # noqa: ANN001
    return render(request, "staff/accounts/link.html", {
        "person": person, "link": request.build_absolute_uri(path), "created": created})


@sensitive_post_parameters("password1", "password2")
@never_cache
@staff_required("staff.manage")
def account_create(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        typed = data["password_mode"] == PASSWORD_TYPED
        person = accounts.create_account(
            actor=request.user, username=data["username"], roles=data["roles"], provinces=data["provinces"],
            first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
            password=data["password1"] if typed else None)
        if typed:
            messages.success(request, _("Account %(name)s created.") % {"name": person.username})
            return redirect("staff:account_detail", pk=person.pk)
        return _link_page(request, person, accounts.password_link(actor=request.user, user=person), True)
    return render(request, "staff/accounts/create.html", {"form": form})


@staff_required("staff.manage")
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    initial = {"first_name": person.first_name, "last_name": person.last_name, "email": person.email,
               "roles": accounts.roles_of_account(person), "provinces": accounts.provinces_of_account(person)}
    form = AccountEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changes = accounts.update_account(
                actor=request.user, user=person, roles=data["roles"], provinces=data["provinces"],
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"])
        except accounts.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved.") if changes else _("Nothing changed."))
            return redirect("staff:account_detail", pk=person.pk)
    return render(request, "staff/accounts/detail.html", {
        "person": person, "form": form, "two_factor": user_has_device(person, confirmed=True),
        "password_form": SetPasswordForm(person), "is_self": person.pk == request.user.pk,
    })


@require_POST
@staff_required("staff.manage")
def account_set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    try:
        changed = accounts.set_active(actor=request.user, user=person, active=active)
    except accounts.AccountError as error:
        messages.error(request, str(error))
    else:
        if changed:
            messages.success(request, _("Account reactivated.") if active else _("Account deactivated."))
    return redirect("staff:account_detail", pk=person.pk)


@require_POST
@staff_required("staff.manage")
def account_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    accounts.reset_two_factor(actor=request.user, user=person)
    messages.success(request, _("Two-factor removed: the person sets up an authenticator at the next sign-in."))
    return redirect("staff:account_detail", pk=person.pk)


@require_POST
@never_cache
@staff_required("staff.manage")
def account_password_link(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk, is_active=True)
    return _link_page(request, person, accounts.password_link(actor=request.user, user=person), False)


@sensitive_post_parameters("new_password1", "new_password2")
@require_POST
@staff_required("staff.manage")
def account_set_password(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    form = SetPasswordForm(person, request.POST)
    if form.is_valid():
        accounts.set_password(actor=request.user, user=person, password=form.cleaned_data["new_password1"])
        if person.pk == request.user.pk:
            update_session_auth_hash(request, person)  # an admin resetting their own stays signed in
        messages.success(request, _("Password set. Hand it over in person; it is not shown again."))
        return redirect("staff:account_detail", pk=person.pk)
    edit = AccountEditForm(initial={
        "first_name": person.first_name, "last_name": person.last_name, "email": person.email,
        "roles": accounts.roles_of_account(person), "provinces": accounts.provinces_of_account(person)})
    return render(request, "staff/accounts/detail.html", {
        "person": person, "form": edit, "two_factor": user_has_device(person, confirmed=True),
        "password_form": form, "is_self": person.pk == request.user.pk,
    }, status=400)
