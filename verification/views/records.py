"""POST views that add to a claim's record: notes, evidence, referrals, takedowns, replies.

Evidence files are served only here, to staff who may see the claim (never from a public
media URL), with a download disposition so a browser does not render them in the page.
"""

from __future__ import annotations

from datetime import datetime, time

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import audit
from core.personal import reveal_contact
from core.roles import staff_required
from intake.models import ReportImage

from .. import forms as desk_forms
from .. import handling
from ..actions import add_note
from ..models import Claim, EvidenceItem, Referral, TakedownRequest, VerdictReply
from ..selectors import claim_for
from ..workflow import IllegalTransition
from .page import claim_action, done, render_claim


def _day(value) -> datetime | None:  # noqa: ANN001 - date | None
    """A date from a form as an aware moment (noon, so time zones cannot move it a day)."""
    if value is None:
        return None
    return timezone.make_aware(datetime.combine(value, time(12, 0)))


@require_POST
@staff_required("claim.work")
@claim_action
def note(request: HttpRequest, claim: Claim) -> HttpResponse:
    form = desk_forms.NoteForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, note_form=form, status=400)
    add_note(claim, request.user, form.cleaned_data["text"])
    return done(request, claim, _("Note added."), "notes")


@require_POST
@staff_required("claim.work")
@claim_action
def evidence(request: HttpRequest, claim: Claim) -> HttpResponse:
    form = desk_forms.EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_claim(request, claim, evidence_form=form, status=400)
    data = form.cleaned_data
    handling.add_evidence(claim, request.user, kind=data["kind"], title=data["title"], url=data["url"],
                          upload=data["file"], note=data["note"])
    return done(request, claim, _("Evidence added."), "evidence")


@never_cache
@staff_required("claim.view")
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(EvidenceItem, pk=pk)
    claim_for(request.user, item.claim_id)  # scope check: 404 outside it
    if not item.file:
        raise Http404("no file")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("file missing from storage") from None
    return FileResponse(handle, as_attachment=True, filename=item.file_name or "evidence",
                        content_type=item.content_type or "application/octet-stream")


@never_cache
@staff_required("report.view_content")
def report_image(request: HttpRequest, pk: int) -> HttpResponse:
    """A report's screenshot, for staff who may see report contents of a claim in their scope."""
    image = get_object_or_404(ReportImage.objects.select_related("report"), pk=pk)
    if image.report.claim_id is None:
        raise Http404("not grouped yet")
    claim_for(request.user, image.report.claim_id)
    try:
        handle = image.file.open("rb")
    except FileNotFoundError:
        raise Http404("file missing from storage") from None
    return FileResponse(handle, content_type=image.content_type)


@require_POST
@staff_required("claim.work")
@claim_action
def referral(request: HttpRequest, claim: Claim) -> HttpResponse:
    form = desk_forms.ReferralForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, referral_form=form, status=400)
    handling.refer(claim, request.user, **form.cleaned_data)
    return done(request, claim, _("Referral recorded."), "referrals")


@require_POST
@staff_required("claim.work")
@claim_action
def referral_answer(request: HttpRequest, claim: Claim, referral_pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral, pk=referral_pk, claim=claim)
    form = desk_forms.ReferralAnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_claim(request, claim, answer_form=form, status=400)
    data = form.cleaned_data
    handling.record_answer(referral, request.user, summary=data["summary"], url=data["url"], upload=data["file"])
    return done(request, claim, _("The agency's answer was recorded as evidence."), "referrals")


@require_POST
@staff_required("claim.work")
@claim_action
def takedown(request: HttpRequest, claim: Claim) -> HttpResponse:
    form = desk_forms.TakedownForm(request.POST, links=handling.reported_links(claim))
    if not form.is_valid():
        return render_claim(request, claim, takedown_form=form, status=400)
    handling.request_takedown(claim, request.user, **form.cleaned_data)
    return done(request, claim, _("Takedown request recorded."), "takedowns")


@require_POST
@staff_required("claim.work")
@claim_action
def takedown_update(request: HttpRequest, claim: Claim, takedown_pk: int) -> HttpResponse:
    item = get_object_or_404(TakedownRequest, pk=takedown_pk, claim=claim)
    form = desk_forms.TakedownUpdateForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_claim(request, claim, takedown_update_form=form, status=400)
    data = form.cleaned_data
    handling.update_takedown(item, request.user, status=data["status"], at=_day(data["at"]), note=data["note"],
                             evidence_url=data["evidence_url"], upload=data["file"])
    return done(request, claim, _("Takedown request updated."), "takedowns")


def _reply_of(claim: Claim, reply_pk: int) -> VerdictReply:
    return get_object_or_404(VerdictReply, pk=reply_pk, verdict__claim=claim)


@require_POST
@staff_required("claim.review")
@claim_action
def reply_handle(request: HttpRequest, claim: Claim, reply_pk: int) -> HttpResponse:
    reply = _reply_of(claim, reply_pk)
    form = desk_forms.ReplyHandleForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, reply_form=form, status=400)
    if reply.status != VerdictReply.Status.NEW:
        raise IllegalTransition(_("This reply was handled already."))
    reply.status = form.cleaned_data["status"]
    reply.handling_note = form.cleaned_data["note"]
    reply.handled_by = request.user
    reply.handled_at = timezone.now()
    reply.save(update_fields=["status", "handling_note", "handled_by", "handled_at"])
    audit.record("verdict.reply_handled", actor=request.user, obj=claim,
                 detail={"reply_id": reply.pk, "status": reply.status})
    return done(request, claim, _("Reply handled."), "replies")


@require_POST
@never_cache
@staff_required("contact.reveal")
@claim_action
def reply_reveal(request: HttpRequest, claim: Claim, reply_pk: int) -> HttpResponse:
    """The replying person's contact details, on an editor's audited request (POST only)."""
    reply = _reply_of(claim, reply_pk)
    form = desk_forms.RevealReplyForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, error=_("Say why you need the contact details."), status=400)
    contact = reveal_contact(request.user, reply, contact_like=reply, purpose=form.cleaned_data["purpose"])
    return render(request, "staff/desk/reply_contact.html", {"claim": claim, "reply": reply, "contact": contact})
