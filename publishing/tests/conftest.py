"""Fixtures of the publishing tests: a fresh search index and cache, and verdict factories."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_public_state(request):
    """Each test starts with no in-memory search index and (for database tests) an empty cache."""
    from publishing import page_cache
    from publishing.search_index import reset_index
    from publishing.topic_pages import forget_names

    reset_index()
    page_cache.clear()
    forget_names()
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_db:
        from django.core.cache import cache

        cache.clear()
    yield
    reset_index()


def vi(message: str, plural: str | None = None, count: int = 1, **params) -> str:
    """A message as the site shows it by default (Vietnamese), HTML-escaped like the page."""
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("vi"):
        text = translation.ngettext(message, plural, count) if plural else translation.gettext(message)
    return escape(text % params if params else text)
