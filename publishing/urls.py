"""Public URLs (Vietnamese paths, stable): verdicts, topics, search, check, statistics, data, feeds."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from . import feeds, views
from .sitemaps import SITEMAPS

app_name = "publishing"
urlpatterns = [
    path("xac-minh/", views.verdict_list, name="verdicts"),
    path("xac-minh/rss/", feeds.VerdictFeed(), name="feed_rss"),
    path("xac-minh/atom/", feeds.AtomVerdictFeed(), name="feed_atom"),
    re_path(r"^xac-minh/(?P<slug_id>[^/]{1,200})/$", views.verdict_detail, name="verdict"),
    path("chu-de/<str:slug>/", views.topic_page, name="topic"),
    path("chu-de/<str:slug>/rss/", feeds.TopicRssFeed(), name="topic_feed_rss"),
    path("chu-de/<str:slug>/atom/", feeds.TopicAtomFeed(), name="topic_feed_atom"),
    path("tim-kiem/", views.search_page, name="search"),
    path("kiem-tra/", views.check_page, name="check"),
    path("thong-ke/", views.statistics_page, name="statistics"),
    path("du-lieu-mo/", views.open_data, name="open_data"),
    path("du-lieu-mo/xac-minh.<str:fmt>", views.open_data_file, name="open_data_file"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "publishing/sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
