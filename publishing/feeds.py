"""RSS 2.0 and Atom feeds of published verdicts, overall and per topic (django.contrib.syndication)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .labels import label_info
from .selectors import public_verdicts
from .topic_pages import topic_from_slug, topic_info
from .urls_abs import absolute

FEED_SIZE = 30


class VerdictFeed(Feed):
    """The latest verdicts; item text is the label and the claim as reviewed (plain text)."""

    def title(self, obj=None) -> str:  # noqa: ANN001
        base = _("Verdicts of the fake news reporting portal")
        return f"{base}: {obj.name}" if obj else base

    def link(self, obj=None) -> str:  # noqa: ANN001
        return absolute(f"/chu-de/{obj.slug}/") if obj else absolute("/xac-minh/")

    def description(self, obj=None) -> str:  # noqa: ANN001
        return _("Rumours the centre verified, with its conclusion.")

    def items(self, obj=None):  # noqa: ANN001, ANN201
        qs = public_verdicts()
        if obj is not None:
            qs = qs.filter(claim__topic=obj.code)
        return qs[:FEED_SIZE]

    def item_title(self, item) -> str:  # noqa: ANN001
        return f"[{label_info(item.label).name}] {item.title}"

    def item_description(self, item) -> str:  # noqa: ANN001
        return item.claim_reviewed

    def item_link(self, item) -> str:  # noqa: ANN001
        return absolute(item.get_absolute_url())

    def item_guid(self, item) -> str:  # noqa: ANN001
        return absolute(f"/xac-minh/{item.pk}/")

    item_guid_is_permalink = False

    def item_pubdate(self, item):  # noqa: ANN001, ANN201
        return item.published_at

    def item_updateddate(self, item):  # noqa: ANN001, ANN201
        return getattr(item, "updated_at", None) or item.published_at

    def item_categories(self, item) -> list[str]:  # noqa: ANN001
        info = topic_info(item.claim.topic)
        return [label_info(item.label).name] + ([info.name] if info else [])

    def feed_url(self, obj=None) -> str | None:  # noqa: ANN001
        return None


class AtomVerdictFeed(VerdictFeed):
    feed_type = Atom1Feed
    subtitle = VerdictFeed.description


class TopicMixin:
    def get_object(self, request: HttpRequest, slug: str):  # noqa: ANN201
        code = topic_from_slug(slug)
        info = topic_info(code) if code else None
        if info is None:
            raise Http404("unknown topic")
        return info


class TopicRssFeed(TopicMixin, VerdictFeed):
    pass


class TopicAtomFeed(TopicMixin, AtomVerdictFeed):
    pass
