"""schema.org ClaimReview for a verdict page, as fact-checking tools read it.

Fields follow schema.org (ClaimReview, Claim, Rating, Organization, CreativeWork) and the
field list of Google's ClaimReview documentation: claimReviewed, reviewRating (ratingValue,
bestRating, worstRating, alternateName), url, author, datePublished, and itemReviewed as a
Claim with appearance and firstAppearance. The rating scale runs from fabricated (1) to
true (3); alternateName is the label as the page shows it.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .labels import BEST_RATING, WORST_RATING, label_info
from .urls_abs import absolute

ORGANIZATION_NAME = "Trung tâm tiếp nhận, phản ánh, xử lý tin giả"
MAX_APPEARANCES = 10


def organization() -> dict[str, Any]:
    return {"@type": "Organization", "name": ORGANIZATION_NAME, "url": absolute("/")}


def _appearance_links(verdict) -> list[str]:  # noqa: ANN001
    """Where the rumour was seen: links reported with it (canonical, tracking removed)."""
    urls = [
        u
        for u in (verdict.claim.match_urls or [])
        if isinstance(u, str) and u.startswith(("http://", "https://"))
    ]
    return urls[:MAX_APPEARANCES]


def _has_import_record(verdict) -> bool:  # noqa: ANN001
    try:
        return verdict.import_record is not None
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: a reverse one-to-one raises when absent
        return False


def _first_link(verdict) -> str:  # noqa: ANN001
    """The first link reported with this claim, if the reports are still there."""
    from intake.models import ReportLink

    if not verdict.claim.report_count:
        return ""  # an imported verdict has no reports
    link = (
        ReportLink.objects.filter(report__claim_id=verdict.claim_id)
        .order_by("report__received_at", "report_id", "position")
        .values_list("canonical_url", "url")
        .first()
    )
    if link is None:
        return ""
    return link[0] or link[1]


def claim_review(verdict, language: str = "vi") -> dict[str, Any]:  # noqa: ANN001
    with translation.override(language):
        info = label_info(verdict.label)
    claim = verdict.claim
    first_seen = claim.first_seen.isoformat() if claim.first_seen else None
    links = _appearance_links(verdict)
    first_link = _first_link(verdict) or (links[0] if links else "")
    first = {"@type": "CreativeWork", "datePublished": first_seen}
    if first_link:
        first["url"] = first_link
    appearance = [{"@type": "CreativeWork", "url": u} for u in links] or [first]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute(verdict.get_absolute_url()),
        "name": verdict.title,
        "headline": verdict.title,
        "inLanguage": language,
        "claimReviewed": verdict.claim_reviewed,
        "datePublished": verdict.published_at.isoformat(),
        "author": organization(),
        "publisher": organization(),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": info.rating,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": info.name,
        },
        "itemReviewed": {
            "@type": "Claim",
            "datePublished": first_seen,
            "appearance": appearance,
            "firstAppearance": first,
        },
    }
    updated = getattr(verdict, "updated_at", None)
    if updated is not None:
        data["dateModified"] = updated.isoformat()
    record = verdict.import_record if _has_import_record(verdict) else None
    if record is not None and record.original_url:
        data["sameAs"] = record.original_url
    return data


def json_ld(data: dict[str, Any]) -> SafeString:
    """The object as a <script> body: `<`, `>` and `&` escaped so text cannot close the tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - the only characters that matter inside <script> are escaped
