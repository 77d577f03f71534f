"""Claim search with and without diacritics: one folded column, queried with the same key.

Both sides go through `vntext.search_key`, so "trứng gà", "trung ga" and "TRỨNG GÀ" are the
same query. The column holds the claim's text, its verdict title and the first reports'
texts (capped), padded with spaces so a query word matches at a word start.
"""

from __future__ import annotations

from django.db.models import QuerySet

from vntext import search_key

from .models import Claim

MAX_SEARCH_CHARS = 20_000
MAX_QUERY_WORDS = 12


def folded(text: str) -> str:
    try:
        return search_key(text or "")
    except Exception:  # noqa: BLE001 - odd input must not break a save or a search
        return (text or "").lower()


def build_search_text(claim: Claim) -> str:
    """The folded text a claim is found by (call after its text, verdict or reports changed)."""
    parts = [claim.representative_text]
    verdict = getattr(claim, "verdict", None) if claim.pk else None
    if verdict is not None:
        parts += [verdict.title, verdict.claim_reviewed]
    size = sum(len(p) for p in parts)
    if claim.pk:
        for text in claim.reports.order_by("received_at").values_list("text", flat=True)[:50]:
            if size >= MAX_SEARCH_CHARS:
                break
            parts.append(text)
            size += len(text)
    key = " ".join(folded(p) for p in parts if p)
    return f" {key[:MAX_SEARCH_CHARS]} "


def with_report_text(search_text: str, text: str) -> str:
    """The column after one more report joined the claim (cheap: no re-read of the others)."""
    if len(search_text) >= MAX_SEARCH_CHARS or not text.strip():
        return search_text
    return f"{search_text.rstrip()} {folded(text)} "[:MAX_SEARCH_CHARS + 1]


def refresh_search_text(claim: Claim) -> None:
    text = build_search_text(claim)
    Claim.objects.filter(pk=claim.pk).update(search_text=text)
    claim.search_text = text


def search(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Claims whose folded text holds every query word at a word start."""
    words = folded(query).split()[:MAX_QUERY_WORDS]
    for word in words:
        claims = claims.filter(search_text__contains=f" {word}")
    return claims
