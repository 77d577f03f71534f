"""ClaimReview JSON-LD in verdict pages, checked against schema.org and Google's field list."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from intake.models import Report, ReportLink

from .factories import published_verdict

pytestmark = pytest.mark.django_db

# schema.org properties each type may carry (the subset we use; all are defined on the type
# or inherited from CreativeWork/Thing/Intangible), and Google's documented ClaimReview fields.
SCHEMA_PROPERTIES = {
    "ClaimReview": {
        "@context",
        "@type",
        "url",
        "name",
        "headline",
        "inLanguage",
        "claimReviewed",
        "datePublished",
        "dateModified",
        "author",
        "publisher",
        "reviewRating",
        "itemReviewed",
        "sameAs",
    },
    "Rating": {"@type", "ratingValue", "bestRating", "worstRating", "alternateName"},
    "Claim": {"@type", "datePublished", "appearance", "firstAppearance", "author"},
    "Organization": {"@type", "name", "url"},
    "CreativeWork": {"@type", "url", "datePublished"},
}
GOOGLE_REQUIRED = {"claimReviewed", "reviewRating", "url", "author", "datePublished", "itemReviewed"}


def _json_ld(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def _check_types(node, path="$"):
    if isinstance(node, list):
        for i, item in enumerate(node):
            _check_types(item, f"{path}[{i}]")
        return
    if not isinstance(node, dict):
        return
    kind = node.get("@type")
    assert kind in SCHEMA_PROPERTIES, f"{path}: unexpected type {kind!r}"
    extra = set(node) - SCHEMA_PROPERTIES[kind]
    assert not extra, f"{path}: properties not defined for {kind}: {extra}"
    for key, value in node.items():
        _check_types(value, f"{path}.{key}")


def test_every_verdict_page_embeds_a_complete_claim_review(web):
    verdict = published_verdict(
        "Nước lá ổi không chữa tiểu đường",
        "Lá ổi chữa khỏi tiểu đường trong mười ngày.",
        urls=["https://www.facebook.com/groups/x/posts/1/"],
    )
    report = Report.objects.create(channel="web", text="lá ổi", claim=verdict.claim)
    ReportLink.objects.create(
        report=report,
        url="https://www.facebook.com/groups/x/posts/1/?fbclid=a",
        canonical_url="https://www.facebook.com/groups/x/posts/1/",
    )
    data = _json_ld(web.get(verdict.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    assert GOOGLE_REQUIRED <= set(data)
    _check_types(data)
    assert data["claimReviewed"] == "Lá ổi chữa khỏi tiểu đường trong mười ngày."
    assert data["url"].endswith(verdict.get_absolute_url())
    assert data["author"]["@type"] == "Organization" and data["author"]["name"]
    datetime.fromisoformat(data["datePublished"])
    rating = data["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "Tin giả"
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert rating["ratingValue"] == rating["worstRating"]  # fabricated is the worst rating
    claim = data["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["appearance"] == [
        {"@type": "CreativeWork", "url": "https://www.facebook.com/groups/x/posts/1/"}
    ]
    assert claim["firstAppearance"]["url"] == "https://www.facebook.com/groups/x/posts/1/"


@pytest.mark.parametrize(
    ("label", "name", "value"), [("distorted", "Tin sai sự thật", 2), ("true", "Tin xác thực", 3)]
)
def test_ratings_follow_the_label(web, label, name, value):
    verdict = published_verdict("Một tin", label=label)
    rating = _json_ld(web.get(verdict.get_absolute_url()).content.decode())["reviewRating"]
    assert (rating["alternateName"], rating["ratingValue"], rating["bestRating"]) == (name, value, 3)


def test_english_page_names_the_rating_in_english(web):
    verdict = published_verdict("Một tin", label="true")
    page = web.get(verdict.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    data = _json_ld(page)
    assert data["reviewRating"]["alternateName"] == "Verified true" and data["inLanguage"] == "en"


def test_a_claim_without_links_still_has_its_first_appearance(web):
    verdict = published_verdict("Tin truyền miệng", "Có người phát khẩu trang tẩm thuốc mê.")
    claim = _json_ld(web.get(verdict.get_absolute_url()).content.decode())["itemReviewed"]
    assert claim["firstAppearance"]["datePublished"] and claim["appearance"]


def test_text_cannot_break_out_of_the_script_element(web):
    verdict = published_verdict("</script><script>alert(1)</script>", "a </script> b & <!-- c")
    page = web.get(verdict.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert _json_ld(page)["name"] == "</script><script>alert(1)</script>"
