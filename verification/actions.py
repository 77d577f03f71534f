"""What staff do to a claim's state and verdict: every change validated, versioned and audited.

`transition` is the only function that changes `Claim.state`; the workflow rules it applies
live in verification.workflow. The services below (propose, approve, send back, dismiss,
unpublish, correct) add their own effects inside the same transaction, so a refused check
leaves nothing behind. Audit details hold ids, states and counts, never texts or contacts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import audit
from core.roles import can, check

from . import locks
from .models import Claim, ClaimNote, ClaimState, DismissReason, Verdict, VerdictRevision
from .notifications import schedule_claim_notifications
from .search import refresh_search_text
from .workflow import (
    CONCLUDED_STATES,
    OUTCOMES,
    PUBLIC_LABELS,
    IllegalTransition,
    validate_transition,
)


def _locked(claim: Claim | int) -> Claim:
    pk = claim if isinstance(claim, int) else claim.pk
    return Claim.objects.select_for_update().get(pk=pk)


def _check_version(claim: Claim, expected_version: int | None) -> None:
    if expected_version is not None and claim.version != expected_version:
        raise locks.StaleClaim(expected_version, claim.version)


def _synced(claim: Claim, current: Claim) -> Claim:
    """Bring the caller's object up to date with what was saved (callers keep using theirs)."""
    if claim is not current:
        claim.refresh_from_db()
    return claim


def _refresh_matcher_after_commit() -> None:
    """The index is derived from the database: a sync after the commit picks the change up."""

    def sync() -> None:
        from .matching import get_matcher

        try:
            get_matcher()
        except Exception:  # noqa: BLE001 - the matching worker syncs on its next task anyway
            pass

    transaction.on_commit(sync)


def transition(claim: Claim, to: str, actor: Any, *, reason: str = "", note: str = "",
               expected_version: int | None = None, detail: dict[str, Any] | None = None) -> Claim:
    """Move a claim to state `to` if the workflow, the person's role and the lock allow it.

    Raises IllegalTransition, PermissionDenied (incl. the two-person rule), LockHeld or
    StaleClaim with a message a person can act on. Sets `concluded_at` on publish/dismiss
    (retention counts from it) and clears it when a claim is reopened.
    """
    with transaction.atomic():
        current = _locked(claim)
        rule = validate_transition(current, to, actor, reason=reason, note=note)
        _check_version(current, expected_version)
        holder = current.lock_holder()
        if holder is not None and holder.pk != actor.pk:
            raise locks.LockHeld(holder, current.lock_expires_at)
        source = current.state
        now = timezone.now()
        locks.bump_version(
            current, None, state=to, state_changed_at=now,
            concluded_at=now if to in CONCLUDED_STATES else None,
            dismiss_reason=reason if to == ClaimState.DISMISSED else "",
        )
        if note.strip():
            kind = ClaimNote.Kind.REVIEW if rule.name == "send_back" else ClaimNote.Kind.WORKFLOW
            ClaimNote.objects.create(claim=current, author=actor, kind=kind, text=note.strip())
        audit.record(f"claim.{rule.name}", actor=actor, obj=current, detail={
            "from": source, "to": to, "reason": reason, "version": current.version, **(detail or {}),
        })
        _refresh_matcher_after_commit()
    return _synced(claim, current)


# --- the verdict draft and the proposal ---------------------------------------------------------

@dataclass
class VerdictText:
    """What staff write: a public title, the claim as reviewed, an explanation and sources."""

    title: str = ""
    claim_reviewed: str = ""
    explanation: str = ""
    sources: list[dict[str, str]] = field(default_factory=list)

    def missing(self) -> list[str]:
        return [name for name in ("title", "claim_reviewed", "explanation") if not getattr(self, name).strip()]


DRAFT_STATES = frozenset({ClaimState.NEW, ClaimState.TRIAGED, ClaimState.IN_VERIFICATION})


def verdict_slug(title: str) -> str:
    """An ASCII slug of a Vietnamese title ("đ" folds to "d", not away)."""
    from vntext import fold

    return (slugify(fold(title).replace("đ", "d").replace("Đ", "D")) or "xac-minh")[:100]


def _draft_fields(label: str, text: VerdictText) -> dict[str, Any]:
    return {"label": label, "title": text.title.strip()[:300], "claim_reviewed": text.claim_reviewed.strip(),
            "explanation": text.explanation.strip(), "sources": text.sources}


def _write_verdict(claim: Claim, label: str, text: VerdictText) -> Verdict:
    """Save the draft: on the Verdict row before its first publication, else beside it.

    A verdict that was published and withdrawn keeps its public text (its page shows the
    withdrawal notice over that text); the new draft waits in `Claim.verdict_draft` until
    another editor approves it.
    """
    verdict = Verdict.objects.filter(claim=claim).first() or Verdict(claim=claim)
    fields = _draft_fields(label, text)
    if verdict.published_at is not None:
        Claim.objects.filter(pk=claim.pk).update(verdict_draft=fields)
        claim.verdict_draft = fields
        return verdict
    for name, value in fields.items():
        setattr(verdict, name, value)
    verdict.slug = verdict_slug(verdict.title)
    verdict.save()
    return verdict


def draft_of(claim: Claim, verdict: Verdict | None) -> dict[str, Any]:
    """The verdict text under work or review: the pending draft, or the verdict row itself."""
    if claim.verdict_draft:
        return dict(claim.verdict_draft)
    if verdict is None:
        return {}
    return {name: getattr(verdict, name) for name in ("label", "title", "claim_reviewed", "explanation", "sources")}


def save_draft(claim: Claim, actor: Any, outcome: str, text: VerdictText, *,
               expected_version: int | None = None) -> Claim:
    """Keep work on the verdict without proposing it yet (under the edit lock)."""
    check(actor, "claim.propose_verdict")
    if outcome not in OUTCOMES:
        raise IllegalTransition(_("Choose one of the outcomes."))
    with transaction.atomic():
        current = _locked(claim)
        if current.state not in DRAFT_STATES:
            raise IllegalTransition(_("The verdict can be edited only while the claim is being verified."))
        _check_version(current, expected_version)
        locks.ensure_editable(current, actor)
        if outcome in PUBLIC_LABELS and (text.title.strip() or text.explanation.strip()):
            _write_verdict(current, outcome, text)
        locks.bump_version(current, None, proposed_outcome=outcome)
        refresh_search_text(current)
        audit.record("claim.verdict_draft", actor=actor, obj=current,
                     detail={"outcome": outcome, "version": current.version})
    return _synced(claim, current)


def propose(claim: Claim, actor: Any, outcome: str, text: VerdictText, *,
            expected_version: int | None = None) -> Claim:
    """A verifier (or editor) proposes an outcome; the claim waits for another editor's review."""
    check(actor, "claim.propose_verdict")
    if outcome not in OUTCOMES:
        raise IllegalTransition(_("Choose one of the outcomes."))
    if outcome in PUBLIC_LABELS and text.missing():
        raise IllegalTransition(_("A public verdict needs a title, the claim as reviewed and an explanation."))
    if outcome not in PUBLIC_LABELS and not text.explanation.strip():
        raise IllegalTransition(_("Explain for the reviewer why this claim should be closed."))
    with transaction.atomic():
        current = _locked(claim)
        _check_version(current, expected_version)
        locks.ensure_editable(current, actor)
        if outcome in PUBLIC_LABELS:
            _write_verdict(current, outcome, text)
        else:
            ClaimNote.objects.create(claim=current, author=actor, kind=ClaimNote.Kind.WORKFLOW,
                                     text=text.explanation.strip())
        Claim.objects.filter(pk=current.pk).update(proposed_outcome=outcome, proposed_by=actor,
                                                   proposed_at=timezone.now())
        current.refresh_from_db()
        transition(current, ClaimState.AWAITING_REVIEW, actor, detail={"outcome": outcome})
        locks.release(current, actor)  # the proposer is done; the reviewer takes over
        refresh_search_text(current)
    return _synced(claim, current)


def approve(claim: Claim, actor: Any, *, expected_version: int | None = None) -> Claim:
    """An editor who did not propose it approves: publish the verdict, or close the claim.

    Publishing writes a new VerdictRevision and schedules the reporters' notifications in
    the same transaction.
    """
    with transaction.atomic():
        current = _locked(claim)
        _check_version(current, expected_version)
        outcome = current.proposed_outcome
        if outcome in PUBLIC_LABELS:
            verdict = Verdict.objects.filter(claim=current).first()
            if verdict is None or draft_of(current, verdict).get("label") != outcome:
                raise IllegalTransition(_("The proposed verdict is missing; send the claim back."))
            transition(current, ClaimState.PUBLISHED, actor, detail={"verdict_id": verdict.pk, "label": outcome})
            if current.verdict_draft:  # a republication: the approved draft becomes the public text
                for name, value in current.verdict_draft.items():
                    setattr(verdict, name, value)
                verdict.slug = verdict_slug(verdict.title)
                verdict.save()
                Claim.objects.filter(pk=current.pk).update(verdict_draft={})
            _publish(verdict, proposed_by=current.proposed_by, approved_by=actor)
            schedule_claim_notifications(verdict)
        else:
            transition(current, ClaimState.DISMISSED, actor, reason=outcome)
        Claim.objects.filter(pk=current.pk).update(locked_by=None, lock_expires_at=None)
        current.refresh_from_db()
    return _synced(claim, current)


def _next_seq(verdict: Verdict) -> int:
    last = verdict.revisions.order_by("-seq").values_list("seq", flat=True).first()
    return (last or 0) + 1


def _snapshot(verdict: Verdict, kind: str, *, note: str = "", proposed_by: Any = None,
              approved_by: Any = None) -> VerdictRevision:
    return VerdictRevision.objects.create(
        verdict=verdict, seq=_next_seq(verdict), kind=kind, label=verdict.label, title=verdict.title,
        claim_reviewed=verdict.claim_reviewed, explanation=verdict.explanation, sources=verdict.sources,
        note=note, proposed_by=proposed_by, approved_by=approved_by,
    )


def _publish(verdict: Verdict, *, proposed_by: Any, approved_by: Any) -> Verdict:
    revision = _snapshot(verdict, VerdictRevision.Kind.PUBLISHED, proposed_by=proposed_by,
                         approved_by=approved_by)
    verdict.published_at = revision.at
    verdict.unpublished_at = None
    verdict.unpublish_reason = ""
    verdict.revision = revision.seq
    verdict.save(update_fields=["published_at", "unpublished_at", "unpublish_reason", "revision", "updated_at"])
    return verdict


def send_back(claim: Claim, actor: Any, note: str, *, expected_version: int | None = None) -> Claim:
    """The reviewer returns the proposal with a note; the draft stays for the verifier to fix."""
    with transaction.atomic():
        current = transition(claim, ClaimState.IN_VERIFICATION, actor, note=note,
                             expected_version=expected_version)
        Claim.objects.filter(pk=current.pk).update(proposed_by=None, proposed_at=None)
        current.refresh_from_db()
    return _synced(claim, current)


def dismiss(claim: Claim, actor: Any, reason: str, *, note: str = "",
            expected_version: int | None = None) -> Claim:
    """Close a claim at triage (spam, out of scope); no public verdict, reporters see "concluded"."""
    return transition(claim, ClaimState.DISMISSED, actor, reason=reason, note=note,
                      expected_version=expected_version)


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def bulk_dismiss(claims: Iterable[Claim], actor: Any, reason: str) -> BulkResult:
    """Dismiss many claims for spam or out of scope; each is validated on its own."""
    check(actor, "claim.bulk_dismiss")
    if reason not in (DismissReason.SPAM, DismissReason.OUT_OF_SCOPE):
        raise IllegalTransition(_("Bulk dismissal is only for spam or out-of-scope claims."))
    result = BulkResult()
    for claim in claims:
        try:
            dismiss(claim, actor, reason)
        except (IllegalTransition, PermissionDenied, locks.LockHeld, locks.StaleClaim) as exc:
            result.refused[claim.pk] = str(exc)
        else:
            result.done.append(claim.pk)
    if result.done:
        audit.record("claim.bulk_dismiss", actor=actor, object_type="verification.claim",
                     detail={"reason": reason, "claims": result.done, "refused": sorted(result.refused)})
    return result


def reopen(claim: Claim, actor: Any, note: str, *, expected_version: int | None = None) -> Claim:
    return transition(claim, ClaimState.TRIAGED, actor, note=note, expected_version=expected_version)


# --- published verdicts: unpublish and correct --------------------------------------------------

def unpublish(claim: Claim, actor: Any, reason: str, *, expected_version: int | None = None) -> Claim:
    """Withdraw a published verdict with a public reason; the claim goes back to verification."""
    with transaction.atomic():
        current = _locked(claim)
        verdict = Verdict.objects.filter(claim=current).first()
        if verdict is None or not verdict.is_public:
            raise IllegalTransition(_("This claim has no public verdict to withdraw."))
        current = transition(current, ClaimState.IN_VERIFICATION, actor, note=reason,
                             expected_version=expected_version, detail={"verdict_id": verdict.pk})
        _snapshot(verdict, VerdictRevision.Kind.UNPUBLISHED, note=reason.strip(), approved_by=actor)
        verdict.unpublished_at = timezone.now()
        verdict.unpublish_reason = reason.strip()
        verdict.save(update_fields=["unpublished_at", "unpublish_reason", "updated_at"])
        Claim.objects.filter(pk=current.pk).update(proposed_by=None, proposed_at=None)
        current.refresh_from_db()
    return _synced(claim, current)


def correct(claim: Claim, actor: Any, label: str, text: VerdictText, note: str, *,
            expected_version: int | None = None) -> Verdict:
    """An editor corrects a published verdict; the old text stays in the public history."""
    check(actor, "claim.review")
    if label not in PUBLIC_LABELS:
        raise IllegalTransition(_("A corrected verdict keeps one of the three public labels."))
    if text.missing():
        raise IllegalTransition(_("A public verdict needs a title, the claim as reviewed and an explanation."))
    if not note.strip():
        raise IllegalTransition(_("Say publicly what was corrected."))
    with transaction.atomic():
        current = _locked(claim)
        _check_version(current, expected_version)
        verdict = Verdict.objects.filter(claim=current).first()
        if current.state != ClaimState.PUBLISHED or verdict is None or not verdict.is_public:
            raise IllegalTransition(_("Only a published verdict can be corrected."))
        locks.ensure_editable(current, actor)
        before = {name: getattr(verdict, name) for name in ("label", "title", "claim_reviewed",
                                                              "explanation", "sources")}
        verdict.label = label
        verdict.title = text.title.strip()[:300]
        verdict.claim_reviewed = text.claim_reviewed.strip()
        verdict.explanation = text.explanation.strip()
        verdict.sources = text.sources
        changed = [name for name, old in before.items() if getattr(verdict, name) != old]
        if not changed:
            raise IllegalTransition(_("Nothing was changed."))
        revision = _snapshot(verdict, VerdictRevision.Kind.CORRECTED, note=note.strip(), approved_by=actor)
        verdict.revision = revision.seq
        verdict.save()
        locks.bump_version(current, None)
        refresh_search_text(current)
        audit.record("claim.correct", actor=actor, obj=current, detail={
            "verdict_id": verdict.pk, "revision": revision.seq, "fields": changed, "version": current.version})
    return verdict


# --- the claim itself: text, topic, assignment, notes ------------------------------------------

def update_claim(claim: Claim, actor: Any, *, text: str, topic: str, expected_version: int | None) -> Claim:
    """Rewrite the claim's working text or topic (open claims only), under the lock."""
    check(actor, "claim.work")
    text = text.strip()
    if not text:
        raise IllegalTransition(_("The claim needs a text."))
    with transaction.atomic():
        current = _locked(claim)
        if current.state in CONCLUDED_STATES:
            raise IllegalTransition(_("A concluded claim is not edited; reopen or correct it."))
        _check_version(current, expected_version)
        locks.ensure_editable(current, actor)
        changed = [n for n, v in (("representative_text", text), ("topic", topic)) if getattr(current, n) != v]
        if not changed:
            return current
        fields: dict[str, Any] = {"representative_text": text, "topic": topic}
        if "representative_text" in changed:
            fields["embedding"] = _embedding_of(text)
        locks.bump_version(current, None, **fields)
        refresh_search_text(current)
        audit.record("claim.edit", actor=actor, obj=current, detail={"fields": changed, "version": current.version})
        _refresh_matcher_after_commit()
    return _synced(claim, current)


def _embedding_of(text: str) -> bytes | None:
    from .matching import get_matcher, vectors_to_bytes

    try:
        return vectors_to_bytes(get_matcher().embed(text))
    except Exception:  # noqa: BLE001 - None makes the matcher embed the claim itself
        return None


def assign(claim: Claim, actor: Any, assignee: Any | None) -> Claim:
    """Give the claim to a verifier or editor (or to nobody)."""
    check(actor, "claim.work")
    if assignee is not None and not (assignee.is_active and can(assignee, "claim.work")):
        raise IllegalTransition(_("Claims can be assigned only to active verifiers and editors."))
    with transaction.atomic():
        current = _locked(claim)
        previous = current.assignee_id
        Claim.objects.filter(pk=current.pk).update(assignee=assignee)
        current.refresh_from_db()
        audit.record("claim.assign", actor=actor, obj=current,
                     detail={"assignee_id": getattr(assignee, "pk", None), "previous_id": previous})
    return _synced(claim, current)


def add_note(claim: Claim, actor: Any, text: str) -> ClaimNote:
    check(actor, "claim.work")
    if not text.strip():
        raise IllegalTransition(_("The note is empty."))
    with transaction.atomic():
        note = ClaimNote.objects.create(claim=claim, author=actor, text=text.strip()[:10_000])
        audit.record("claim.note", actor=actor, obj=claim, detail={"note_id": note.pk})
    return note


# --- the neutral public title of a claim under verification ------------------------------------

PUBLIC_TITLE_MAX = 160
# What a neutral title must not carry: links and contacts spread the rumour or name people.
_TITLE_REFUSED = (
    (r"(?i)\b(?:https?://|www\.)|\b[\w-]+\.(?:com|vn|net|org|info|xyz)\b", "link"),
    (r"[\w.+-]+@[\w-]+\.[\w.]+", "email"),
    (r"(?:\d[\s.-]?){8,}", "phone"),
)


def clean_public_title(raw: str) -> str:
    """One line, squeezed; refused when empty, too long or carrying a link, e-mail or number."""
    import re
    import unicodedata

    text = " ".join("".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in raw).split())
    text = unicodedata.normalize("NFC", text)
    if not text:
        raise IllegalTransition(_("Write the neutral title."))
    if len(text) > PUBLIC_TITLE_MAX:
        raise IllegalTransition(_("The neutral title is too long (at most %(n)d characters).")
                                % {"n": PUBLIC_TITLE_MAX})
    if any(re.search(pattern, text) for pattern, _kind in _TITLE_REFUSED):
        raise IllegalTransition(_("A neutral title names the subject only: no link, e-mail address or "
                                  "phone number."))
    return text


def propose_public_title(claim: Claim, actor: Any, title: str) -> Claim:
    """A verifier or editor writes the neutral title; nothing is public until another editor approves.

    The proposal waits in its own fields, so an approved title stays on the home page
    unchanged while a new wording is under review.
    """
    check(actor, "claim.public_title")
    text = clean_public_title(title)
    with transaction.atomic():
        current = _locked(claim)
        if current.state in CONCLUDED_STATES:
            raise IllegalTransition(_("A concluded claim is no longer listed as under verification."))
        Claim.objects.filter(pk=current.pk).update(
            public_title_proposal=text, public_title_proposed_by=actor, public_title_proposed_at=timezone.now())
        current.refresh_from_db()
        audit.record("claim.public_title_propose", actor=actor, obj=current,
                     detail={"length": len(text), "replaces_approved": bool(current.public_title)})
    return _synced(claim, current)


def approve_public_title(claim: Claim, actor: Any, expected_title: str) -> Claim:
    """Another editor approves the proposal exactly as they read it; it becomes the public title.

    Two-person rule, as for verdicts: the person who wrote the title cannot approve it.
    `expected_title` is the proposal as the approver saw it: a proposal rewritten in the
    meantime is refused rather than approved unread.
    """
    from .workflow import TwoPersonRuleViolation

    check(actor, "claim.review")
    with transaction.atomic():
        current = _locked(claim)
        if current.state in CONCLUDED_STATES:
            raise IllegalTransition(_("A concluded claim is no longer listed as under verification."))
        if not current.public_title_proposal:
            raise IllegalTransition(_("There is no proposed title to approve."))
        if current.public_title_proposal != expected_title.strip():
            raise IllegalTransition(_("The proposed title was changed in the meantime; read it again."))
        if current.public_title_proposed_by_id == getattr(actor, "pk", None):
            raise TwoPersonRuleViolation(_("Another editor must approve the title you wrote."))
        Claim.objects.filter(pk=current.pk).update(
            public_title=current.public_title_proposal, public_title_written_by=current.public_title_proposed_by,
            public_title_approved_by=actor, public_title_approved_at=timezone.now(),
            public_title_proposal="", public_title_proposed_by=None, public_title_proposed_at=None)
        current.refresh_from_db()
        audit.record("claim.public_title_approve", actor=actor, obj=current,
                     detail={"written_by_id": current.public_title_written_by_id,
                             "length": len(current.public_title)})
    return _synced(claim, current)


def withdraw_public_title(claim: Claim, actor: Any) -> Claim:
    """An editor takes the title (and any proposal) off: the claim is then only counted on the home page."""
    check(actor, "claim.review")
    with transaction.atomic():
        current = _locked(claim)
        had = bool(current.public_title)
        Claim.objects.filter(pk=current.pk).update(
            public_title="", public_title_written_by=None, public_title_approved_by=None,
            public_title_approved_at=None, public_title_proposal="", public_title_proposed_by=None,
            public_title_proposed_at=None)
        current.refresh_from_db()
        audit.record("claim.public_title_withdraw", actor=actor, obj=current, detail={"had_approved": had})
    return _synced(claim, current)
