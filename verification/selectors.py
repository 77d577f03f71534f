"""Reads for the desk: the prioritised queue, a claim within a person's scope, its page data.

Province scopes are applied here (core.roles.province_scope / scope_queryset), so every
view that reads claims through these functions is scoped; a claim belongs to a province
when one of its reports does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from core.personal import report_contact_for
from core.roles import can, province_scope, scope_queryset
from core.topics import setting_for, topic_settings
from intake.models import Report

from . import priority
from .models import Claim, ClaimState, Referral, VerdictReply
from .search import search
from .workflow import OPEN_STATES

MAX_QUEUE = 5000
RESURFACE_WINDOW = timedelta(hours=24)
RESURFACE_ALERT_REPORTS = 3  # reports of a debunked rumour within the window that raise an alert


def scoped_claims(user: Any, claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """The claims this person may see: all, or those with a report in one of their provinces."""
    claims = Claim.objects.all() if claims is None else claims
    if province_scope(user) is None:
        return claims
    in_scope = scope_queryset(Report.objects.filter(claim=OuterRef("pk")), user)
    return claims.filter(Exists(in_scope))


def claim_for(user: Any, pk: int) -> Claim:
    """The claim if it exists and is in the person's scope; 404 otherwise (no existence leak)."""
    claim = scoped_claims(user, Claim.objects.filter(pk=pk)).select_related(
        "assignee", "locked_by", "proposed_by", "merged_into").first()
    if claim is None:
        raise Http404("no such claim")
    return claim


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("claim").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _has_report(**filters: Any) -> Exists:
    return Exists(Report.objects.filter(claim=OuterRef("pk"), **filters))


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    topic: str = ""
    platform: str = ""
    province: str = ""
    channel: str = ""
    assignee: str = ""  # "", "me", "none" or a user id
    q: str = ""
    overdue_only: bool = False


@dataclass
class QueueRow:
    claim: Claim
    priority: priority.Priority
    overdue_referrals: int
    open_referrals: int
    topic_name: str


def filter_claims(claims: QuerySet[Claim], filters: QueueFilters, user: Any) -> QuerySet[Claim]:
    if filters.state:
        claims = claims.filter(state=filters.state)
    if filters.topic:
        claims = claims.filter(topic=filters.topic)
    if filters.platform:
        claims = claims.filter(_has_report(platform=filters.platform))
    if filters.province:
        claims = claims.filter(_has_report(province=filters.province))
    if filters.channel:
        claims = claims.filter(_has_report(channel=filters.channel))
    if filters.assignee == "me":
        claims = claims.filter(assignee=user)
    elif filters.assignee == "none":
        claims = claims.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        claims = claims.filter(assignee_id=int(filters.assignee))
    if filters.q.strip():
        claims = _search_with_code(claims, filters.q)
    return claims


def _search_with_code(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """A tracking code finds its report's claim; anything else is a text search."""
    from intake.models import normalise_tracking_code

    code = normalise_tracking_code(query)
    if len(code) == 10 and " " not in query.strip():
        by_code = claims.filter(_has_report(tracking_code=code))
        if by_code.exists():
            return by_code
    return search(claims, query)


def queue(user: Any, filters: QueueFilters, now: datetime | None = None) -> list[QueueRow]:
    """Open claims in this person's scope, highest priority first, with the parts of each score."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    claims = filter_claims(scoped_claims(user, Claim.objects.filter(state__in=OPEN_STATES)), filters, user)
    claims = claims.select_related("assignee", "locked_by").annotate(
        recent=_count(Report.objects.filter(claim=OuterRef("pk"), received_at__gte=now - priority.VELOCITY_WINDOW)),
        overdue_referrals=_count(Referral.objects.filter(claim=OuterRef("pk"), answered_at__isnull=True,
                                                         deadline__lt=today)),
        open_referrals=_count(Referral.objects.filter(claim=OuterRef("pk"), answered_at__isnull=True)),
    ).defer("embedding", "search_text", "suggestions")
    settings_by_topic = topic_settings()
    rows = []
    for claim in claims.order_by("-last_seen")[:MAX_QUEUE]:
        setting = setting_for(claim.topic, settings_by_topic)
        score = priority.compute(report_count=claim.report_count, recent=claim.recent, first_seen=claim.first_seen,
                                 now=now, risk_weight=setting.risk_weight, sla_hours=setting.sla_hours)
        rows.append(QueueRow(claim, score, claim.overdue_referrals, claim.open_referrals,
                             setting.display_name_vi if _vietnamese() else setting.display_name_en))
    if filters.overdue_only:
        rows = [r for r in rows if r.priority.overdue or r.overdue_referrals]
    rows.sort(key=lambda r: (-r.priority.score, -r.claim.report_count, r.claim.pk))
    return rows


def _vietnamese() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "vi").startswith("vi")


@dataclass
class Resurfacing:
    claim: Claim
    recent: int

    @property
    def alert(self) -> bool:
        return self.recent >= RESURFACE_ALERT_REPORTS


def resurfacing(user: Any, now: datetime | None = None) -> list[Resurfacing]:
    """Debunked rumours that reporters keep sending in: most recent reports first."""
    now = now or timezone.now()
    since = now - RESURFACE_WINDOW
    claims = scoped_claims(user, Claim.objects.filter(state=ClaimState.PUBLISHED, last_resurfaced_at__gte=since))
    claims = claims.select_related("verdict").annotate(
        recent=_count(Report.objects.filter(claim=OuterRef("pk"), matched_at__gte=since,
                                            matched_at__gt=OuterRef("verdict__published_at"))),
    ).defer("embedding", "search_text", "suggestions")
    rows = [Resurfacing(c, c.recent) for c in claims if c.recent]
    rows.sort(key=lambda r: (-r.recent, r.claim.pk))
    return rows


def pending_replies(user: Any) -> QuerySet[VerdictReply]:
    """Replies and appeals waiting for an editor, within the person's scope."""
    replies = VerdictReply.objects.filter(status=VerdictReply.Status.NEW).select_related("verdict")
    if province_scope(user) is not None:
        replies = replies.filter(verdict__claim__in=scoped_claims(user).values("pk"))
    return replies.order_by("created_at")


@dataclass
class ReportView:
    report: Report
    contact: dict[str, str] | None
    links: list[Any]
    images: list[Any]


def claim_reports(user: Any, claim: Claim, limit: int = 200) -> list[ReportView]:
    """The claim's reports as this person may see them: content by role, contacts masked by role."""
    if not can(user, "report.view_content"):
        return []
    reports = (Report.objects.filter(claim=claim).select_related("contact", "entered_by")
               .prefetch_related("links", "images").order_by("received_at", "pk")[:limit])
    return [ReportView(r, report_contact_for(user, r) if _has_contact(r) else None,
                       list(r.links.all()), list(r.images.all())) for r in reports]


def _has_contact(report: Report) -> bool:
    from core.personal import report_contact

    contact = report_contact(report)
    return contact is not None and bool(contact.name or contact.email or contact.phone)


@dataclass
class Suggestion:
    claim: Claim
    score: float | None
    reasons: list[str]
    source: str  # "stored" (found when the claim was created) or "fresh" (matcher now)


def suggestions(user: Any, claim: Claim, fresh_k: int = 6) -> list[Suggestion]:
    """Similar claims: those stored at creation, plus a fresh query of the matching engine."""
    found: dict[int, Suggestion] = {}
    for item in claim.suggestions or []:
        if isinstance(item, dict) and isinstance(item.get("claim_id"), int):
            found[item["claim_id"]] = Suggestion(None, item.get("score"), list(item.get("reasons") or []), "stored")  # type: ignore[arg-type]
    try:
        from .matching import get_matcher

        candidates = get_matcher().query(claim.representative_text, claim.match_urls,
                                         claim.match_image_hashes, k=fresh_k + 1)
    except Exception:  # noqa: BLE001 - the page still shows the stored suggestions
        candidates = []
    for candidate in candidates:
        if candidate.claim_id != claim.pk:
            found[candidate.claim_id] = Suggestion(None, round(candidate.score, 3), list(candidate.reasons),  # type: ignore[arg-type]
                                                   "fresh")
    others = {c.pk: c for c in scoped_claims(user, Claim.objects.filter(pk__in=list(found)))
              .exclude(pk=claim.pk).exclude(state=ClaimState.DISMISSED)
              .defer("embedding", "search_text")}
    result = []
    for pk, suggestion in found.items():
        if pk in others:
            suggestion.claim = others[pk]
            result.append(suggestion)
    result.sort(key=lambda s: -(s.score or 0))
    return result[:fresh_k + len(claim.suggestions or [])]


def staff_choices() -> list[tuple[int, str]]:
    """People a claim may be assigned to: active verifiers and editors."""
    from django.contrib.auth import get_user_model

    users = (get_user_model()._default_manager.filter(is_active=True, groups__name__in=["verifier", "editor"])
             .distinct().order_by("username"))
    return [(u.pk, u.get_username()) for u in users]


def overdue_referral_claims(user: Any, today: Any = None) -> int:
    today = today or timezone.localdate()
    overdue = Referral.objects.filter(answered_at__isnull=True, deadline__lt=today,
                                      claim__state__in=list(OPEN_STATES) + [ClaimState.PUBLISHED])
    return scoped_claims(user, Claim.objects.filter(pk__in=overdue.values("claim_id"))).count()


def queue_counts(user: Any) -> dict[str, int]:
    """Open claims by state, for the queue's status filter."""
    counts = (scoped_claims(user, Claim.objects.filter(state__in=OPEN_STATES)).order_by()
              .values("state").annotate(n=Count("pk")).values_list("state", "n"))
    return dict(counts)


