"""POST views that change a claim: lock, edit, assign, state, verdict, review, merge and split.

Each view checks its action on the server (core.roles.staff_required), validates its form,
and calls one service; the services repeat the role check, the workflow rules, the lock and
the version check, so the views stay thin.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.roles import staff_required

from .. import actions, locks, merging
from .. import forms as desk_forms
from ..models import Claim, ClaimState, DismissReason
from ..selectors import claim_for, staff_choices
from ..workflow import IllegalTransition
from .page import claim_action, done, render_claim


@require_POST
@staff_required("claim.work")
@claim_action
def lock(request: HttpRequest, claim: Claim) -> HttpResponse:
    operation = request.POST.get("operation", "acquire")
    if operation == "release":
        locks.release(claim, request.user)
        return done(request, claim, _("You released the edit lock."))
    if operation == "take_over":
        locks.take_over(claim, request.user)
        return done(request, claim, _("You took the edit lock over."))
    locks.acquire(claim, request.user)
    return done(request, claim, _("You hold the edit lock for %(minutes)s minutes; each save renews it.")
                % {"minutes": locks.LOCK_MINUTES})


@require_POST
@staff_required("claim.work")
@claim_action
def edit(request: HttpRequest, claim: Claim) -> HttpResponse:
    form = desk_forms.ClaimEditForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, edit_form=form, status=400)
    actions.update_claim(claim, request.user, text=form.cleaned_data["representative_text"],
                         topic=form.cleaned_data["topic"], expected_version=form.cleaned_data["version"])
    return done(request, claim, _("Claim saved."))


@require_POST
@staff_required("claim.work")
@claim_action
def assign(request: HttpRequest, claim: Claim) -> HttpResponse:
    form = desk_forms.AssignForm(request.POST, staff=staff_choices())
    if not form.is_valid():
        return render_claim(request, claim, assign_form=form, status=400)
    pk = form.cleaned_data["assignee"]
    assignee = get_user_model()._default_manager.get(pk=int(pk)) if pk else None
    actions.assign(claim, request.user, assignee)
    return done(request, claim, _("Assignment saved."))


@require_POST
@staff_required("claim.view")
@claim_action
def change_state(request: HttpRequest, claim: Claim) -> HttpResponse:
    """Triage, start verification, dismiss at triage or reopen (the rule decides who may)."""
    form = desk_forms.StateForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, error=_("That change could not be read; reload the page."), status=400)
    data = form.cleaned_data
    if data["to"] in (ClaimState.PUBLISHED, ClaimState.AWAITING_REVIEW):
        raise IllegalTransition(_("Use the verdict and review forms to propose or publish."))
    if data["reason"] == DismissReason.MERGED:
        raise IllegalTransition(_("Use the merge form: it moves the reports before closing the claim."))
    actions.transition(claim, data["to"], request.user, reason=data["reason"], note=data["note"],
                       expected_version=data["version"])
    return done(request, claim, _("The claim is now “%(state)s”.") % {"state": claim.get_state_display()})


@require_POST
@staff_required("claim.propose_verdict")
@claim_action
def verdict(request: HttpRequest, claim: Claim) -> HttpResponse:
    """Save the verdict draft, or propose it for review (button `propose`)."""
    form = desk_forms.VerdictForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, verdict_form=form, status=400)
    data = form.cleaned_data
    if "propose" in request.POST:
        actions.propose(claim, request.user, data["outcome"], form.verdict_text(),
                        expected_version=data["version"])
        return done(request, claim, _("Proposed for review. Another editor must approve it."))
    actions.save_draft(claim, request.user, data["outcome"], form.verdict_text(), expected_version=data["version"])
    return done(request, claim, _("Draft saved."), "verdict")


@require_POST
@staff_required("claim.review")
@claim_action
def review(request: HttpRequest, claim: Claim) -> HttpResponse:
    form = desk_forms.ReviewForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, review_form=form, status=400)
    data = form.cleaned_data
    if data["decision"] == "approve":
        actions.approve(claim, request.user, expected_version=data["version"])
        if claim.state == ClaimState.PUBLISHED:
            return done(request, claim, _("Published. Reporters who asked to be told will be notified."))
        return done(request, claim, _("Approved: the claim is closed without a public verdict."))
    actions.send_back(claim, request.user, data["note"], expected_version=data["version"])
    return done(request, claim, _("Sent back to verification with your note."))


@require_POST
@staff_required("claim.unpublish")
@claim_action
def unpublish(request: HttpRequest, claim: Claim) -> HttpResponse:
    form = desk_forms.UnpublishForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, unpublish_form=form, status=400)
    actions.unpublish(claim, request.user, form.cleaned_data["reason"], expected_version=form.cleaned_data["version"])
    return done(request, claim, _("The verdict was withdrawn; its page shows your notice."))


@require_POST
@staff_required("claim.review")
@claim_action
def correct(request: HttpRequest, claim: Claim) -> HttpResponse:
    form = desk_forms.CorrectionForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, correction_form=form, status=400)
    data = form.cleaned_data
    actions.correct(claim, request.user, data["label"], form.verdict_text(), data["note"],
                    expected_version=data["version"])
    return done(request, claim, _("Correction published; the earlier text stays in the history."), "verdict")


@require_POST
@staff_required("claim.merge_split")
@claim_action
def merge(request: HttpRequest, claim: Claim) -> HttpResponse:
    form = desk_forms.MergeForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, merge_form=form, status=400)
    other = claim_for(request.user, form.cleaned_data["other"])
    if form.cleaned_data["direction"] == "into_this":
        merging.merge(claim, other, request.user, expected_versions=(form.cleaned_data["version"], other.version))
        return done(request, claim, _("Claim %(pk)s was merged into this one.") % {"pk": other.pk})
    merging.merge(other, claim, request.user, expected_versions=(other.version, form.cleaned_data["version"]))
    return done(request, other, _("Claim %(pk)s was merged into this one.") % {"pk": claim.pk})


@require_POST
@staff_required("claim.merge_split")
@claim_action
def split(request: HttpRequest, claim: Claim) -> HttpResponse:
    ids = list(claim.reports.values_list("pk", flat=True))
    form = desk_forms.SplitForm(request.POST, report_ids=ids)
    if not form.is_valid():
        return render_claim(request, claim, split_form=form, status=400)
    new = merging.split(claim, form.cleaned_data["reports"], request.user, expected_version=form.cleaned_data["version"])
    return done(request, new, _("Split off from claim %(pk)s.") % {"pk": claim.pk})


@require_POST
@staff_required("claim.public_title")
@claim_action
def public_title(request: HttpRequest, claim: Claim) -> HttpResponse:
    """Propose the neutral title the home page may list this claim by."""
    form = desk_forms.PublicTitleForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, public_title_form=form, status=400)
    actions.propose_public_title(claim, request.user, form.cleaned_data["title"])
    return done(request, claim, _("Title proposed. Another editor must approve it before it is shown."),
                "public-title")


@require_POST
@staff_required("claim.review")
@claim_action
def public_title_approve(request: HttpRequest, claim: Claim) -> HttpResponse:
    """Approve the proposed title as read, or withdraw the title from the home page."""
    form = desk_forms.PublicTitleApprovalForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, error=_("That change could not be read; reload the page."), status=400)
    if form.cleaned_data["decision"] == "withdraw":
        actions.withdraw_public_title(claim, request.user)
        return done(request, claim, _("The title was withdrawn from the home page."), "public-title")
    actions.approve_public_title(claim, request.user, form.cleaned_data["expected"])
    return done(request, claim, _("Title approved: the home page lists the claim by it."), "public-title")
