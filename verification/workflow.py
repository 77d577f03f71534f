"""The claim workflow: which state changes are allowed, to whom, and what reporters are told.

`RULES` is the one statement of the internal workflow (new → triaged → in verification →
awaiting review → published, or dismissed); `validate_transition` checks a requested change
against it, the roles matrix (core.roles) and the two-person rule, and every service that
changes a claim's state goes through `verification.actions.transition`, which calls it.

`public_status` is the ONE place where internal states become the three statuses a
reporter sees; status pages and the API call it and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import can

from .models import Claim, ClaimState, DismissReason, Verdict


class PublicStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_VERIFICATION = "under_verification", _("Under verification")
    CONCLUDED = "concluded", _("Concluded")


_PUBLIC = {
    ClaimState.NEW: PublicStatus.RECEIVED,
    ClaimState.TRIAGED: PublicStatus.UNDER_VERIFICATION,
    ClaimState.IN_VERIFICATION: PublicStatus.UNDER_VERIFICATION,
    ClaimState.AWAITING_REVIEW: PublicStatus.UNDER_VERIFICATION,
    ClaimState.PUBLISHED: PublicStatus.CONCLUDED,
    ClaimState.DISMISSED: PublicStatus.CONCLUDED,
}


def public_status(claim: Claim | None) -> PublicStatus:
    """A report not yet grouped into a claim has simply been received."""
    if claim is None:
        return PublicStatus.RECEIVED
    return _PUBLIC[ClaimState(claim.state)]


def published_verdict(claim: Claim | None):  # noqa: ANN201 - Verdict | None
    """The verdict a status page may link to: only a published, not withdrawn one."""
    if claim is None or claim.state != ClaimState.PUBLISHED:
        return None
    verdict = getattr(claim, "verdict", None)
    return verdict if verdict is not None and verdict.is_public else None


# --- the internal workflow ------------------------------------------------------------------

OPEN_STATES = frozenset({ClaimState.NEW, ClaimState.TRIAGED, ClaimState.IN_VERIFICATION,
                         ClaimState.AWAITING_REVIEW})
CONCLUDED_STATES = frozenset({ClaimState.PUBLISHED, ClaimState.DISMISSED})
PUBLIC_LABELS = frozenset(Verdict.Label.values)
# What a proposal may conclude: one of the three public labels, or an internal outcome.
INTERNAL_OUTCOMES = frozenset({DismissReason.NOT_ENOUGH_BASIS, DismissReason.OUT_OF_SCOPE})
OUTCOMES = PUBLIC_LABELS | INTERNAL_OUTCOMES
# Triage outcomes a verifier may close a claim with directly (single or bulk).
TRIAGE_DISMISSALS = frozenset({DismissReason.SPAM, DismissReason.OUT_OF_SCOPE})


@dataclass(frozen=True)
class Rule:
    """One allowed change of state and what it asks of the person making it."""

    name: str
    sources: frozenset[str]
    target: str
    action: str  # the core.roles action the person must hold
    reasons: frozenset[str] = frozenset()  # for dismissals: the reasons this rule accepts
    needs_note: bool = False
    two_person: bool = False  # the person must not be the one who proposed


RULES: tuple[Rule, ...] = (
    Rule("triage", frozenset({ClaimState.NEW}), ClaimState.TRIAGED, "claim.work"),
    Rule("start_verification", frozenset({ClaimState.NEW, ClaimState.TRIAGED}),
         ClaimState.IN_VERIFICATION, "claim.work"),
    Rule("dismiss", frozenset({ClaimState.NEW, ClaimState.TRIAGED, ClaimState.IN_VERIFICATION}),
         ClaimState.DISMISSED, "claim.bulk_dismiss", reasons=TRIAGE_DISMISSALS),
    Rule("propose", frozenset({ClaimState.IN_VERIFICATION}), ClaimState.AWAITING_REVIEW,
         "claim.propose_verdict"),
    Rule("publish", frozenset({ClaimState.AWAITING_REVIEW}), ClaimState.PUBLISHED, "claim.review",
         two_person=True),
    Rule("approve_dismissal", frozenset({ClaimState.AWAITING_REVIEW}), ClaimState.DISMISSED,
         "claim.review", reasons=INTERNAL_OUTCOMES, two_person=True),
    Rule("send_back", frozenset({ClaimState.AWAITING_REVIEW}), ClaimState.IN_VERIFICATION,
         "claim.review", needs_note=True),
    Rule("unpublish", frozenset({ClaimState.PUBLISHED}), ClaimState.IN_VERIFICATION,
         "claim.unpublish", needs_note=True),
    Rule("reopen", frozenset({ClaimState.DISMISSED}), ClaimState.TRIAGED, "claim.review",
         needs_note=True),
    Rule("merge_away", OPEN_STATES, ClaimState.DISMISSED, "claim.merge_split",
         reasons=frozenset({DismissReason.MERGED})),
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}


class IllegalTransition(Exception):
    """A requested change of state that the workflow does not allow; the message says why."""


class TwoPersonRuleViolation(PermissionDenied):
    """The person who proposed a verdict tried to approve it."""


def state_label(state: str) -> str:
    try:
        return str(ClaimState(state).label)
    except ValueError:
        return state


def find_rule(source: str, target: str, reason: str = "") -> Rule:
    """The rule for going from `source` to `target` (with a dismissal reason when closing)."""
    candidates = [r for r in RULES if r.target == target and source in r.sources]
    if reason:
        with_reason = [r for r in candidates if reason in r.reasons]
        candidates = with_reason or candidates
    if not candidates:
        allowed = sorted({state_label(r.target) for r in RULES if source in r.sources})
        raise IllegalTransition(
            _("A claim that is “%(source)s” cannot become “%(target)s”. Allowed next: %(allowed)s.")
            % {"source": state_label(source), "target": state_label(target),
               "allowed": ", ".join(allowed) or "—"})
    return candidates[0]


def allowed_rules(claim: Claim, user: Any) -> list[Rule]:
    """The changes this person may offer on this claim now (the page shows only these)."""
    result = []
    for rule in RULES:
        if claim.state in rule.sources and can(user, rule.action):
            if rule.two_person and claim.proposed_by_id == getattr(user, "pk", None):
                continue
            result.append(rule)
    return result


def validate_transition(claim: Claim, target: str, user: Any, *, reason: str = "", note: str = "") -> Rule:
    """Check one requested change; returns its rule or raises with a reason a person can read.

    Raises IllegalTransition (the workflow does not allow it), PermissionDenied (the role
    does not), or TwoPersonRuleViolation (the proposer tries to approve their own proposal).
    """
    if target not in ClaimState.values:
        raise IllegalTransition(_("Unknown state “%(target)s”.") % {"target": target})
    rule = find_rule(claim.state, target, reason)
    if not can(user, rule.action):
        raise PermissionDenied(rule.action)
    if rule.reasons and reason not in rule.reasons:
        raise IllegalTransition(
            _("“%(reason)s” is not a reason this change accepts (accepted: %(accepted)s).")
            % {"reason": reason or "—", "accepted": ", ".join(sorted(rule.reasons))})
    if not rule.reasons and reason:
        raise IllegalTransition(_("This change does not take a dismissal reason."))
    if rule.needs_note and not note.strip():
        raise IllegalTransition(_("This change needs a note explaining why."))
    if rule.two_person:
        if not claim.proposed_by_id:
            raise IllegalTransition(_("There is no proposal to approve."))
        if claim.proposed_by_id == getattr(user, "pk", None):
            raise TwoPersonRuleViolation(
                _("Two-person rule: you proposed this outcome, so another editor must approve it."))
    if rule.name == "publish" and claim.proposed_outcome not in PUBLIC_LABELS:
        raise IllegalTransition(_("The proposal is not a public verdict; approve it as a dismissal."))
    if rule.name == "approve_dismissal" and claim.proposed_outcome != reason:
        raise IllegalTransition(_("The proposal under review is not this outcome."))
    if rule.name == "reopen" and claim.dismiss_reason == DismissReason.MERGED:
        raise IllegalTransition(_("A merged claim has no reports left; open the claim it was merged into."))
    return rule
