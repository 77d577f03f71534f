"""The "handling" of a claim beyond the verdict: evidence, referrals to agencies, takedowns.

Evidence files go through Django's storage (a local folder or S3, as configured) and are
served to staff only, through the desk. A referral asks the responsible agency with a
deadline and its answer becomes evidence. A takedown request asks a platform to remove one
reported link of a published fabricated or distorted verdict, and follows it to the end.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.roles import check
from intake.models import ReportLink

from .models import Claim, ClaimState, EvidenceItem, Referral, TakedownRequest
from .workflow import IllegalTransition

MAX_EVIDENCE_BYTES = 15 * 1024 * 1024
EVIDENCE_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".txt", ".csv",
                                 ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".mp3", ".m4a",
                                 ".mp4", ".eml", ".zip"})


def _check_file(upload: UploadedFile) -> None:
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        raise IllegalTransition(_("Files of type “%(suffix)s” are not accepted as evidence.")
                                % {"suffix": suffix or "?"})
    if upload.size > MAX_EVIDENCE_BYTES:
        raise IllegalTransition(_("The file is larger than %(mb)s MB.") % {"mb": MAX_EVIDENCE_BYTES // 2**20})


def add_evidence(claim: Claim, actor: Any, *, kind: str, title: str, url: str = "",
                 upload: UploadedFile | None = None, note: str = "", referral: Referral | None = None,
                 takedown: TakedownRequest | None = None) -> EvidenceItem:
    """One piece of evidence: a link, a stored file, or both; audited by id and kind."""
    check(actor, "claim.work")
    if kind not in EvidenceItem.Kind.values:
        raise IllegalTransition(_("Unknown kind of evidence."))
    if not url and upload is None and kind != EvidenceItem.Kind.AGENCY_ANSWER:
        raise IllegalTransition(_("Give a link or attach a file."))
    if upload is not None:
        _check_file(upload)
    with transaction.atomic():
        item = EvidenceItem(claim=claim, kind=kind, title=(title or url or getattr(upload, "name", ""))[:300],
                            url=url, note=note.strip(), referral=referral, takedown=takedown, added_by=actor)
        if upload is not None:
            item.file_name = PurePath(upload.name).name[:200]
            item.content_type = (upload.content_type or "application/octet-stream")[:100]
            item.size = upload.size
            item.file.save(upload.name, upload, save=False)
        item.save()
        audit.record("claim.evidence", actor=actor, obj=claim, detail={
            "evidence_id": item.pk, "kind": kind, "file": bool(upload), "size": item.size})
    return item


# --- referrals ---------------------------------------------------------------------------------

def refer(claim: Claim, actor: Any, *, agency: str, agency_kind: str, request: str, deadline: date) -> Referral:
    """Send the claim to the responsible agency with an answer deadline."""
    check(actor, "claim.work")
    if claim.state == ClaimState.DISMISSED:
        raise IllegalTransition(_("A dismissed claim is not referred."))
    if agency_kind not in Referral.AgencyKind.values:
        raise IllegalTransition(_("Choose what kind of agency this is."))
    if not agency.strip() or not request.strip():
        raise IllegalTransition(_("Name the agency and say what is asked."))
    if deadline < timezone.localdate():
        raise IllegalTransition(_("The deadline is in the past."))
    with transaction.atomic():
        referral = Referral.objects.create(claim=claim, agency=agency.strip()[:200], agency_kind=agency_kind,
                                           request=request.strip(), deadline=deadline, created_by=actor)
        audit.record("claim.referral", actor=actor, obj=claim, detail={
            "referral_id": referral.pk, "agency_kind": agency_kind, "deadline": deadline.isoformat()})
    return referral


def record_answer(referral: Referral, actor: Any, *, summary: str, url: str = "",
                  upload: UploadedFile | None = None, answered_at: datetime | None = None) -> EvidenceItem:
    """The agency answered: the answer is kept as evidence and the referral is closed."""
    check(actor, "claim.work")
    if not summary.strip():
        raise IllegalTransition(_("Summarise the agency's answer."))
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.answered_at is not None:
            raise IllegalTransition(_("This referral already has its answer."))
        item = add_evidence(locked.claim, actor, kind=EvidenceItem.Kind.AGENCY_ANSWER,
                            title=_("Answer from %(agency)s") % {"agency": locked.agency}, url=url,
                            upload=upload, note=summary, referral=locked)
        locked.answered_at = answered_at or timezone.now()
        locked.answer_summary = summary.strip()
        locked.answered_by = actor
        locked.save(update_fields=["answered_at", "answer_summary", "answered_by"])
        audit.record("claim.referral_answer", actor=actor, obj=locked.claim, detail={
            "referral_id": locked.pk, "evidence_id": item.pk})
    referral.refresh_from_db()
    return item


# --- takedown requests ---------------------------------------------------------------------------

# status -> the statuses it may move to; removed and refused are final.
TAKEDOWN_FLOW: dict[str, frozenset[str]] = {
    TakedownRequest.Status.SENT: frozenset({TakedownRequest.Status.ACKNOWLEDGED, TakedownRequest.Status.REMOVED,
                                            TakedownRequest.Status.REFUSED}),
    TakedownRequest.Status.ACKNOWLEDGED: frozenset({TakedownRequest.Status.REMOVED,
                                                    TakedownRequest.Status.REFUSED}),
    TakedownRequest.Status.REMOVED: frozenset(),
    TakedownRequest.Status.REFUSED: frozenset(),
}


def reported_links(claim: Claim) -> list[str]:
    """The distinct links reporters gave for this claim (canonical form when known)."""
    seen: dict[str, None] = {}
    for canonical, url in (ReportLink.objects.filter(report__claim=claim)
                           .order_by("report__received_at", "position").values_list("canonical_url", "url")):
        seen.setdefault(canonical or url, None)
    return list(seen)


def request_takedown(claim: Claim, actor: Any, *, url: str, platform: str, note: str = "",
                     sent_at: datetime | None = None) -> TakedownRequest:
    """Record that a platform was asked to remove one reported link."""
    check(actor, "claim.work")
    verdict = getattr(claim, "verdict", None)
    if claim.state != ClaimState.PUBLISHED or verdict is None or not verdict.takedown_eligible:
        raise IllegalTransition(_("Takedowns are requested only for published fake or distorted verdicts."))
    if url not in reported_links(claim):
        raise IllegalTransition(_("Choose one of the links reporters gave for this claim."))
    if TakedownRequest.objects.filter(claim=claim, url=url).exists():
        raise IllegalTransition(_("A takedown request for this link is already recorded."))
    with transaction.atomic():
        request = TakedownRequest.objects.create(claim=claim, url=url, platform=platform, note=note.strip(),
                                                 sent_at=sent_at or timezone.now(), created_by=actor)
        audit.record("claim.takedown", actor=actor, obj=claim, detail={
            "takedown_id": request.pk, "platform": platform, "status": request.status})
    return request


def update_takedown(request: TakedownRequest, actor: Any, *, status: str, at: datetime | None = None,
                    note: str = "", evidence_url: str = "", upload: UploadedFile | None = None) -> TakedownRequest:
    """Move a takedown request on (acknowledged, removed, refused), with its date and evidence."""
    check(actor, "claim.work")
    with transaction.atomic():
        locked = TakedownRequest.objects.select_for_update().get(pk=request.pk)
        if status not in TAKEDOWN_FLOW.get(locked.status, frozenset()):
            raise IllegalTransition(_("A request that is “%(old)s” cannot become “%(new)s”.")
                                    % {"old": locked.get_status_display(), "new": status})
        when = at or timezone.now()
        if when < locked.sent_at:
            raise IllegalTransition(_("That date is before the request was sent."))
        locked.status = status
        if status == TakedownRequest.Status.ACKNOWLEDGED:
            locked.acknowledged_at = when
        else:
            locked.resolved_at = when
        if note.strip():
            locked.note = f"{locked.note}\n{note.strip()}".strip()
        locked.save()
        evidence_id = None
        if evidence_url or upload is not None:
            evidence_id = add_evidence(locked.claim, actor, kind="takedown", url=evidence_url, upload=upload,
                                       title=_("Takedown %(status)s") % {"status": locked.get_status_display()},
                                       takedown=locked).pk
        audit.record("claim.takedown_update", actor=actor, obj=locked.claim, detail={
            "takedown_id": locked.pk, "status": status, "evidence_id": evidence_id})
    request.refresh_from_db()
    return request


def takedown_summary(claim: Claim) -> dict[str, int]:
    """For the claim page: reported links, requests by status, links removed."""
    counts = dict(claim.takedowns.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "reported_links": len(reported_links(claim)),
        "requested": sum(counts.values()),
        **{status: counts.get(status, 0) for status in TakedownRequest.Status.values},
    }


def takedown_counts(since: datetime | None = None, until: datetime | None = None,
                    claims: Any = None) -> dict[str, int]:
    """For statistics: takedown requests sent in a period, by status, and links removed."""
    rows = TakedownRequest.objects.all()
    if claims is not None:
        rows = rows.filter(claim__in=claims)
    if since is not None:
        rows = rows.filter(sent_at__gte=since)
    if until is not None:
        rows = rows.filter(sent_at__lt=until)
    counts = dict(rows.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_platform = dict(rows.filter(status=TakedownRequest.Status.REMOVED).order_by().values("platform")
                       .annotate(n=Count("pk")).values_list("platform", "n"))
    result = {"requested": sum(counts.values())}
    result.update({status: counts.get(status, 0) for status in TakedownRequest.Status.values})
    result.update({f"removed_{platform}": n for platform, n in sorted(by_platform.items())})
    return result
