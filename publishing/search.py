"""Search over public verdicts: clean the query, rank with the in-memory index, page, mark.

Ranking is BM25 over folded words (publishing.search_index), so a query typed with or
without accents finds the same verdicts, in the same order on every database. A verdict must
cover at least half of the query's weight (IDF) to count, so common words alone ("tin",
"là") do not drag in the whole archive.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import numpy as np
from django.utils.safestring import SafeString

from vntext import search_key

from .highlight import highlight, snippet
from .labels import LabelInfo, label_info
from .search_index import get_index
from .selectors import public_verdicts

MAX_QUERY_CHARS = 500
MAX_TERMS = 64
MIN_COVERAGE = 0.5
PAGE_SIZE = 10
MAX_PAGE = 1000


class QueryError(ValueError):
    """A query we cannot run; `code` is stable (API), the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def clean_query(raw: str, limit: int = MAX_QUERY_CHARS) -> str:
    """Drop control and format characters, squeeze spaces; over-long queries are refused."""
    from django.utils.translation import gettext as _

    if len(raw) > limit * 4:  # do not even normalise megabytes
        raise QueryError(
            "query_too_long", _("The search text is too long (at most %(n)d characters).") % {"n": limit}
        )
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in raw)
    text = " ".join(text.split())
    if len(text) > limit:
        raise QueryError(
            "query_too_long", _("The search text is too long (at most %(n)d characters).") % {"n": limit}
        )
    return text


def query_terms(text: str) -> list[str]:
    return search_key(text).split()[:MAX_TERMS] if text else []


@dataclass(frozen=True)
class Hit:
    verdict: object  # verification.models.Verdict
    score: float
    title: SafeString
    excerpt: SafeString
    label: LabelInfo


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    pages: int
    hits: list[Hit]

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def ranked_ids(text: str, terms: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(verdict ids, scores) best first; ties by newer id, so the order is total.

    `terms` are the query's folded terms when the caller already has them (folding costs).
    """
    terms = query_terms(text) if terms is None else terms
    if not terms:
        return np.empty(0, np.int64), np.empty(0)
    found = get_index().score(terms)
    needed = MIN_COVERAGE if len(set(terms)) > 1 else 0.0
    keep = found.cover + 1e-9 >= needed
    ids, scores = found.ids[keep], np.round(found.scores[keep], 9)
    order = np.lexsort((-ids, -scores))
    return ids[order], scores[order]


def search(raw_query: str, page: int = 1, page_size: int = PAGE_SIZE) -> SearchPage:
    """One page of results. Raises QueryError for a bad query or a page past the end."""
    from django.utils.translation import gettext as _

    text = clean_query(raw_query)
    term_list = query_terms(text)
    ids, scores = ranked_ids(text, term_list)
    pages = max(1, math.ceil(len(ids) / page_size))
    if page < 1 or page > min(pages, MAX_PAGE):
        raise QueryError(
            "page_out_of_range",
            _("There is no page %(page)d: the results have %(pages)d page(s).")
            % {"page": page, "pages": pages},
        )
    start, end = (page - 1) * page_size, page * page_size
    window = list(zip(ids[start:end].tolist(), scores[start:end].tolist(), strict=True))
    verdicts = (public_verdicts().select_related(None)
                .only("pk", "title", "slug", "label", "claim_reviewed", "explanation", "published_at")
                .in_bulk([pk for pk, _score in window]))
    terms = frozenset(term_list)
    hits = []
    for pk, score in window:
        verdict = verdicts.get(pk)
        if verdict is None:  # withdrawn between ranking and reading
            continue
        body = verdict.claim_reviewed + "\n" + verdict.explanation
        hits.append(
            Hit(
                verdict,
                score,
                highlight(verdict.title, terms),
                snippet(body, terms),
                label_info(verdict.label),
            )
        )
    return SearchPage(text, len(ids), page, pages, hits)
