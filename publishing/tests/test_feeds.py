"""RSS and Atom feeds (parsed with feedparser, like feed readers), sitemap.xml and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser
import pytest

from .factories import published_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def verdicts():
    return [
        published_verdict("Vắc xin sởi an toàn", topic="health"),
        published_verdict("Tin nhắn ngân hàng là lừa đảo", topic="scam_link", label="distorted"),
    ]


@pytest.mark.parametrize("path", ["/xac-minh/rss/", "/xac-minh/atom/"])
def test_overall_feeds_parse_and_list_the_verdicts(web, verdicts, path):
    response = web.get(path)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version in ("rss20", "atom10")
    links = [entry.link for entry in feed.entries]
    assert links == ["http://127.0.0.1:8000" + v.get_absolute_url() for v in reversed(verdicts)]
    assert feed.entries[0].title.startswith("[Tin sai sự thật]")
    assert all(entry.get("published_parsed") or entry.get("updated_parsed") for entry in feed.entries)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_topic_feeds_hold_only_their_topic(web, verdicts, kind):
    feed = feedparser.parse(web.get(f"/chu-de/y-te/{kind}/").content)
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["[Tin giả] Vắc xin sởi an toàn"]
    assert web.get(f"/chu-de/khong-co/{kind}/").status_code == 404


def test_sitemap_lists_public_verdicts_and_pages(web, verdicts):
    withdrawn = published_verdict("Đã rút")
    from django.utils import timezone

    withdrawn.unpublished_at = timezone.now()
    withdrawn.save()
    response = web.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    for verdict in verdicts:
        assert "http://127.0.0.1:8000" + verdict.get_absolute_url() in locations
    assert "http://127.0.0.1:8000" + withdrawn.get_absolute_url() not in locations
    assert "http://127.0.0.1:8000/chu-de/y-te/" in locations


def test_robots_points_at_the_sitemap_and_keeps_crawlers_out_of_private_areas(web):
    text = web.get("/robots.txt").content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    assert "Disallow: /staff/" in text and "Disallow: /theo-doi/" in text
