"""Partner API keys: list, issue (the key is shown once, on the answer to the POST), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from intake.api_auth import issue_key, revoke_key
from intake.models import ApiClient

from ..roles import staff_required
from ..staff_forms import ApiKeyIssueForm


@never_cache
@staff_required("apikey.manage")
def api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client, key = issue_key(form.cleaned_data["name"], form.cleaned_data["rate"], actor=request.user)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            # Rendered, not redirected: the key must not pass through a URL, a session or a cache.
            return render(request, "staff/api_key_issued.html", {"client": client, "key": key})
    clients = ApiClient.objects.order_by("revoked_at", "-created_at")
    return render(request, "staff/api_keys.html", {"form": form, "clients": clients})


@require_POST
@staff_required("apikey.manage")
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(ApiClient, pk=pk)
    if revoke_key(client, actor=request.user):
        messages.success(request, _("The key of %(name)s is revoked.") % {"name": client.name})
    else:
        messages.info(request, _("That key was already revoked."))
    return redirect("staff:api_keys")
