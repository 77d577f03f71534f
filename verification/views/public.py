"""The public reply/appeal form for a person or outlet named in a verdict.

The reply reaches editors as a linked item on the claim's page (and in the queue's list of
replies waiting). It is rate-limited per client like the report form, and has a honeypot.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import audit
from intake.ratelimits import web_limit

from ..forms import PublicReplyForm
from ..models import Verdict, VerdictReply

REPLY_RATE = "10/h"


def _verdict(pk: int) -> Verdict:
    verdict = Verdict.objects.filter(pk=pk, published_at__isnull=False).select_related("claim").first()
    if verdict is None:
        raise Http404("no published verdict")
    return verdict


@require_http_methods(["GET", "POST"])
def reply_form(request: HttpRequest, pk: int) -> HttpResponse:
    verdict = _verdict(pk)
    if request.method == "GET":
        return render(request, "verification/reply_form.html", {"verdict": verdict, "form": PublicReplyForm()})
    decision = web_limit(request, "verdict_reply", REPLY_RATE)
    if decision.limited:
        response = render(request, "verification/reply_form.html", {
            "verdict": verdict, "form": PublicReplyForm(),
            "limit_error": _("You have sent several replies in a short time. Please wait and try again.")},
            status=429)
        response["Retry-After"] = str(decision.retry_after)
        return response
    form = PublicReplyForm(request.POST)
    if not form.is_valid():
        return render(request, "verification/reply_form.html", {"verdict": verdict, "form": form}, status=400)
    if form.cleaned_data.get("website"):
        # A bot filled the hidden field: answer as if it worked, store nothing.
        return render(request, "verification/reply_thanks.html", {"verdict": verdict})
    reply: VerdictReply = form.save(commit=False)
    reply.verdict = verdict
    reply.save()
    audit.record("verdict.reply_received", obj=verdict.claim, detail={"reply_id": reply.pk, "verdict_id": verdict.pk,
                                                                     "relation": reply.relation})
    return render(request, "verification/reply_thanks.html", {"verdict": verdict})
