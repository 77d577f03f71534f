"""sitemap.xml (django.contrib.sitemaps): the public pages and every public verdict.

Addresses are built on SITE_URL rather than the request's Host header, so a crawler
reaching the site through another name still gets the canonical addresses.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from .selectors import public_verdicts
from .topic_pages import SLUGS


class _SiteUrlSitemap(Sitemap):
    limit = 5000

    @property
    def protocol(self) -> str:  # type: ignore[override]
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:  # noqa: ANN001
        return urlsplit(settings.SITE_URL).netloc


class VerdictSitemap(_SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):  # noqa: ANN201
        return public_verdicts().select_related(None).only("pk", "slug", "published_at", "updated_at")

    def location(self, item) -> str:  # noqa: ANN001
        return item.get_absolute_url()

    def lastmod(self, item):  # noqa: ANN001, ANN201
        return getattr(item, "updated_at", None) or item.published_at


class PageSitemap(_SiteUrlSitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self) -> list[str]:
        return ["/", "/xac-minh/", "/kiem-tra/", "/tim-kiem/", "/thong-ke/", "/du-lieu-mo/", "/phan-anh/"] + [
            f"/chu-de/{slug}/" for slug in SLUGS.values()
        ]

    def location(self, item: str) -> str:
        return item


SITEMAPS = {"pages": PageSitemap, "verdicts": VerdictSitemap}
