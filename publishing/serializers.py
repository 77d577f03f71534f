"""Verdicts as plain data for the API (and the same shape on every endpoint)."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from .claimreview import claim_review
from .labels import label_info
from .selectors import revisions
from .topic_pages import topic_info
from .urls_abs import absolute


def verdict_summary(verdict, names: dict[str, str] | None = None) -> dict[str, Any]:  # noqa: ANN001
    topic = topic_info(verdict.claim.topic, names)
    updated = getattr(verdict, "updated_at", None)
    return {
        "id": verdict.pk,
        "url": absolute(verdict.get_absolute_url()),
        "title": verdict.title,
        "label": verdict.label,
        "label_name": label_info(verdict.label).name,
        "claim_reviewed": verdict.claim_reviewed,
        "topic": verdict.claim.topic,
        "topic_name": topic.name if topic else "",
        "published_at": verdict.published_at.isoformat(),
        "updated_at": updated.isoformat() if updated else None,
    }


def verdict_detail(verdict) -> dict[str, Any]:  # noqa: ANN001
    data = verdict_summary(verdict)
    data.update(
        {
            "explanation": verdict.explanation,
            "sources": [
                {"title": str(s.get("title", "")), "url": str(s.get("url", ""))}
                for s in (verdict.sources or [])
                if isinstance(s, dict)
            ],
            "withdrawn": verdict.unpublished_at is not None,
            "withdrawn_at": verdict.unpublished_at.isoformat() if verdict.unpublished_at else None,
            "withdrawal_reason": verdict.unpublish_reason if verdict.unpublished_at else "",
            "revisions": [
                {"seq": r.seq, "kind": r.kind, "at": r.at.isoformat(), "note": r.note}
                for r in revisions(verdict)
            ],
            "claim_review": claim_review(verdict, (translation.get_language() or "vi")[:2]),
        }
    )
    return data
