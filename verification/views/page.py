"""The claim page: everything about one claim, and the forms this person may use on it.

Every POST view of the desk answers either with a redirect back here (success) or by
rendering this page with the refused form and a message (validation error, illegal
transition, stale version, someone else's lock), so the person sees why and can redo it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.roles import can, staff_required

from .. import forms as desk_forms
from ..actions import draft_of
from ..handling import reported_links, takedown_summary
from ..locks import LockHeld, StaleClaim
from ..models import Claim, ClaimState, Verdict
from ..notifications import notified_counts
from ..selectors import claim_for, claim_reports, staff_choices, suggestions
from ..workflow import CONCLUDED_STATES, PUBLIC_LABELS, IllegalTransition, TwoPersonRuleViolation, allowed_rules, state_label

# Errors a person can act on, and the HTTP status the page is rendered with.
ACTION_ERRORS: tuple[type[Exception], ...] = (IllegalTransition, LockHeld, StaleClaim, TwoPersonRuleViolation)


def claim_url(claim: Claim, anchor: str = "") -> str:
    return reverse("desk:claim", args=[claim.pk]) + (f"#{anchor}" if anchor else "")


def done(request: HttpRequest, claim: Claim, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(claim_url(claim, anchor))


def error_status(exc: Exception) -> int:
    if isinstance(exc, PermissionDenied):
        return 403
    return 409


def claim_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Load the claim within scope, run the view, turn an actionable refusal into the page + message."""

    @wraps(view)
    def wrapped(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        claim = claim_for(request.user, pk)
        try:
            return view(request, claim, *args, **kwargs)
        except ACTION_ERRORS as exc:
            claim = claim_for(request.user, pk)
            return render_claim(request, claim, error=str(exc), status=error_status(exc))

    return wrapped


def _initial_verdict(claim: Claim, verdict: Verdict | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": claim.version, "outcome": claim.proposed_outcome or ""}
    draft = draft_of(claim, verdict)
    if draft:
        initial.update(title=draft["title"], claim_reviewed=draft["claim_reviewed"],
                       explanation=draft["explanation"], sources=desk_forms.sources_text(draft["sources"]))
        initial["outcome"] = initial["outcome"] or draft["label"]
    else:
        initial["claim_reviewed"] = claim.representative_text[:5000]
    return initial


def _published_text(verdict: Verdict | None) -> dict[str, Any]:
    """What the correction form starts from: the public text, never a pending draft."""
    if verdict is None:
        return {}
    return {"title": verdict.title, "claim_reviewed": verdict.claim_reviewed, "explanation": verdict.explanation,
            "sources": desk_forms.sources_text(verdict.sources), "label": verdict.label}


def render_claim(request: HttpRequest, claim: Claim, *, error: str = "", status: int = 200,
                 **bound_forms: Any) -> HttpResponse:
    """The claim page; `bound_forms` replace the blank forms (a refused form keeps what was typed)."""
    user = request.user
    now = timezone.now()
    verdict = Verdict.objects.filter(claim=claim).first()
    staff = staff_choices()
    report_views = claim_reports(user, claim)
    links = reported_links(claim)
    holder = claim.lock_holder(now)
    version = {"version": claim.version}
    forms: dict[str, Any] = {
        "edit_form": desk_forms.ClaimEditForm(initial={"representative_text": claim.representative_text,
                                                       "topic": claim.topic, **version}),
        "assign_form": desk_forms.AssignForm(staff=staff, initial={"assignee": claim.assignee_id or ""}),
        "verdict_form": desk_forms.VerdictForm(initial=_initial_verdict(claim, verdict)),
        "review_form": desk_forms.ReviewForm(initial=version),
        "unpublish_form": desk_forms.UnpublishForm(initial=version),
        "correction_form": desk_forms.CorrectionForm(initial={**_published_text(verdict), **version}),
        "note_form": desk_forms.NoteForm(),
        "evidence_form": desk_forms.EvidenceForm(),
        "referral_form": desk_forms.ReferralForm(),
        "answer_form": desk_forms.ReferralAnswerForm(),
        "takedown_form": desk_forms.TakedownForm(links=links),
        "takedown_update_form": desk_forms.TakedownUpdateForm(),
        "merge_form": desk_forms.MergeForm(initial=version),
        "split_form": desk_forms.SplitForm(report_ids=[r.report.pk for r in report_views], initial=version),
        "reply_form": desk_forms.ReplyHandleForm(),
        "public_title_form": desk_forms.PublicTitleForm(
            initial={"title": claim.public_title_proposal or claim.public_title}),
    }
    forms.update(bound_forms)
    referrals = list(claim.referrals.select_related("created_by").prefetch_related("evidence"))
    today = timezone.localdate(now)
    context = {
        "claim": claim, "verdict": verdict, "proposal": draft_of(claim, verdict), "error": error, "now": now,
        "state_label": state_label(claim.state),
        "is_open": claim.state not in CONCLUDED_STATES,
        "revisions": list(verdict.revisions.select_related("approved_by", "proposed_by")) if verdict else [],
        "reports": report_views,
        "suggestions": suggestions(user, claim) if can(user, "claim.view") else [],
        "notes": list(claim.notes.select_related("author")),
        "evidence": list(claim.evidence.select_related("added_by")),
        "referrals": [(r, r.is_overdue(today)) for r in referrals],
        "takedowns": list(claim.takedowns.prefetch_related("evidence")),
        "takedown_summary": takedown_summary(claim),
        "reported_links": links,
        "replies": list(verdict.replies.all()) if verdict else [],
        "notified": notified_counts(claim),
        "lock_holder": holder,
        "lock_is_mine": holder is not None and holder.pk == user.pk,
        "rules": {rule.name: rule for rule in allowed_rules(claim, user)},
        "can_work": can(user, "claim.work"),
        "can_propose": can(user, "claim.propose_verdict"),
        "can_review": can(user, "claim.review"),
        "can_merge": can(user, "claim.merge_split"),
        "can_unpublish": can(user, "claim.unpublish"),
        "can_reveal": can(user, "contact.reveal"),
        "can_take_over": can(user, "lock.take_over"),
        "can_dismiss": can(user, "claim.bulk_dismiss"),
        "can_public_title": can(user, "claim.public_title"),
        "is_proposer": claim.proposed_by_id == user.pk,
        "proposal_is_public": claim.proposed_outcome in PUBLIC_LABELS,
        "proposal_label": dict(desk_forms.OUTCOME_CHOICES).get(claim.proposed_outcome, claim.proposed_outcome),
        "draft_states": claim.state in (ClaimState.NEW, ClaimState.TRIAGED, ClaimState.IN_VERIFICATION),
        "dismiss_choices": desk_forms.TRIAGE_DISMISS_CHOICES,
        **forms,
    }
    return render(request, "staff/desk/claim.html", context, status=status)


@staff_required("claim.view")
def claim_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render_claim(request, claim_for(request.user, pk))
