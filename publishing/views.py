"""Public pages: parse the request, call a selector or service, render. No logic here."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from core.roles import staff_required
from verification.models import Verdict

from . import charts, opendata, page_cache, selectors, stats
from .check import check as run_check
from .check import report_link
from .claimreview import claim_review, json_ld
from .forms import CheckForm
from .labels import label_choices, label_info
from .ratelimit import check_limit
from .search import MAX_QUERY_CHARS, QueryError, search
from .topic_pages import SLUGS, all_topics, topic_from_slug, topic_info, topic_names
from .urls_abs import absolute

LIST_SIZE = 20
HOME_SIZE = 6


def not_found(request: HttpRequest, message: str, status: int = 404, **extra: Any) -> HttpResponse:
    return render(request, "publishing/not_found.html", {"message": message, **extra}, status=status)


def _page(request: HttpRequest, qs: QuerySet, size: int = LIST_SIZE):  # noqa: ANN202 - Page | HttpResponse
    raw = request.GET.get("page", "1")
    paginator = Paginator(qs, size)
    try:
        number = int(raw) if re.fullmatch(r"\d{1,9}", raw or "") else 0
        return paginator.page(number)
    except (EmptyPage, PageNotAnInteger):
        return not_found(
            request,
            _("There is no page %(page)s: this list has %(pages)d page(s).")
            % {"page": str(raw)[:12], "pages": paginator.num_pages},
            back=request.path,
        )


def _cards(verdicts: list[Verdict]) -> list[dict[str, Any]]:
    names = topic_names()
    return [
        {"verdict": v, "label": label_info(v.label), "topic": topic_info(v.claim.topic, names)}
        for v in verdicts
    ]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    latest = list(selectors.public_verdicts()[:HOME_SIZE])
    return render(
        request,
        "publishing/home.html",
        {
            "cards": _cards(latest),
            "under_verification": selectors.under_verification(),
            "topics": all_topics(),
            "max_query": MAX_QUERY_CHARS,
        },
    )


@require_GET
def verdict_list(request: HttpRequest) -> HttpResponse:
    label = request.GET.get("label", "")
    qs = selectors.public_verdicts()
    if label in Verdict.Label.values:
        qs = qs.filter(label=label)
    else:
        label = ""
    page = _page(request, qs)
    if isinstance(page, HttpResponse):
        return page
    return render(
        request,
        "publishing/verdict_list.html",
        {
            "page": page,
            "cards": _cards(list(page.object_list)),
            "labels": label_choices(),
            "current_label": label,
            "topics": all_topics(),
            "query_prefix": urlencode({"label": label}) + "&" if label else "",
        },
    )


@require_GET
def topic_page(request: HttpRequest, slug: str) -> HttpResponse:
    code = topic_from_slug(slug)
    if code is None:
        return not_found(request, _("There is no such topic."), back=reverse("publishing:verdicts"))
    if slug != SLUGS[code]:
        return HttpResponsePermanentRedirect(reverse("publishing:topic", args=[SLUGS[code]]))
    page = _page(request, selectors.public_verdicts().filter(claim__topic=code))
    if isinstance(page, HttpResponse):
        return page
    return render(
        request,
        "publishing/topic.html",
        {
            "topic": topic_info(code),
            "page": page,
            "cards": _cards(list(page.object_list)),
            "topics": all_topics(),
        },
    )


VERDICT_PATH = re.compile(r"^(?:(?P<slug>[-a-zA-Z0-9_]*)-)?(?P<pk>\d{1,18})$")


@require_GET
def verdict_detail(request: HttpRequest, slug_id: str) -> HttpResponse:
    match = VERDICT_PATH.match(slug_id)
    if match is None:
        return _verdict_not_found(request)
    language = (request.LANGUAGE_CODE or "vi")[:2]
    outcome: dict[str, HttpResponse] = {}

    def render_page(csrf_placeholder: str) -> tuple[int, str] | None:
        verdict = selectors.visible_verdict(int(match["pk"]))
        if verdict is None:
            outcome["response"] = _verdict_not_found(request)
            return None
        if request.path != verdict.get_absolute_url():
            outcome["response"] = HttpResponsePermanentRedirect(verdict.get_absolute_url())
            return None
        context = _verdict_context(verdict, language)
        context["csrf_token"] = csrf_placeholder  # each visitor's own token goes in when served
        html = render_to_string("publishing/verdict_detail.html", context, request)
        return (410 if context["withdrawn"] else 200), html

    response = page_cache.serve(request, language, render_page)
    return response if response is not None else outcome["response"]


def _verdict_not_found(request: HttpRequest) -> HttpResponse:
    return not_found(
        request, _("We have no published verdict at this address."), back=reverse("publishing:verdicts")
    )


def _verdict_context(verdict: Verdict, language: str) -> dict[str, Any]:
    page_url = absolute(verdict.get_absolute_url())
    context = {
        "verdict": verdict,
        "label": label_info(verdict.label),
        "topic": topic_info(verdict.claim.topic),
        "revisions": selectors.revisions(verdict),
        "withdrawn": verdict.unpublished_at is not None,
        "sources": [s for s in (verdict.sources or []) if isinstance(s, dict)],
        "page_url": page_url,
        "share": _share_links(page_url, verdict.title),
        "import_record": getattr(verdict, "import_record", None) if _has_import(verdict) else None,
        "reply_url": _reply_url(verdict),
    }
    if not context["withdrawn"]:
        context["json_ld"] = json_ld(claim_review(verdict, language))
    return context


def _has_import(verdict: Verdict) -> bool:
    try:
        verdict.import_record  # noqa: B018
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
        return False
    return True


def _reply_url(verdict: Verdict) -> str:
    """The desk's reply form for people named in a verdict, when it is mounted."""
    try:
        return reverse("verdict_reply:form", args=[verdict.pk])
    except NoReverseMatch:
        return ""


def _share_links(url: str, title: str) -> list[tuple[str, str]]:
    """Plain links to each network's share page: no third-party script runs on our page."""
    return [
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("X", "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": title})),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("E-mail", "mailto:?" + urlencode({"subject": title, "body": url})),
    ]


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    context: dict[str, Any] = {"query": raw[:MAX_QUERY_CHARS], "max_query": MAX_QUERY_CHARS}
    if not raw.strip():
        return render(request, "publishing/search.html", context)
    page_raw = request.GET.get("page", "1")
    page = int(page_raw) if re.fullmatch(r"\d{1,6}", page_raw) else 0
    try:
        results = search(raw, page)
    except QueryError as exc:
        context["error"] = str(exc)
        return render(
            request, "publishing/search.html", context, status=404 if exc.code == "page_out_of_range" else 400
        )
    context.update(
        {
            "results": results,
            "query": results.query,
            "query_prefix": urlencode({"q": results.query}) + "&",
            "check_url": reverse("publishing:check") + "?" + urlencode({"text": results.query}),
        }
    )
    return render(request, "publishing/search.html", context)


@require_http_methods(["GET", "POST"])
def check_page(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    submitted = request.method == "POST" or bool(data.get("text") or data.get("url"))
    if not submitted:
        return render(request, "publishing/check.html", {"form": CheckForm()})
    form = CheckForm(data)
    if not form.is_valid():
        return render(request, "publishing/check.html", {"form": form}, status=400)
    decision = check_limit(request)
    if decision.limited:
        response = render(
            request,
            "publishing/check.html",
            {
                "form": form,
                "error": _("You have checked many texts in a short time. Please wait a while and try again."),
            },
            status=429,
        )
        response["Retry-After"] = str(decision.retry_after)
        return response
    try:
        result = run_check(form.cleaned_data["text"], form.cleaned_data["url"])
    except QueryError as exc:
        return render(request, "publishing/check.html", {"form": form, "error": str(exc)}, status=400)
    names = topic_names()
    return render(
        request,
        "publishing/check.html",
        {
            "form": form,
            "result": result,
            "report_url": report_link(result.text, result.url),
            "matches": [
                {
                    "match": m,
                    "label": label_info(m.verdict.label),
                    "topic": topic_info(m.verdict.claim.topic, names),
                    "percent": round(m.score * 100) if m.score >= 0.5 else None,
                }
                for m in result.matches
            ],
        },
    )


def _stats_context(request: HttpRequest, staff: bool) -> dict[str, Any]:
    raw = request.GET.get("days", "")
    days = int(raw) if raw.isdigit() and int(raw) in stats.PERIODS else stats.DEFAULT_PERIOD
    figures = stats.cached(days, staff=staff)
    from core.reference import PROVINCES, Channel, Platform

    topics = topic_names()
    channel_names = dict(Channel.choices)
    platform_names = dict(Platform.choices)
    unknown = _("Not given")

    def named(counts: dict[str, int], names: dict[str, Any]) -> list[tuple[str, int]]:
        return [(str(names.get(k, k)) if k else unknown, v) for k, v in counts.items()]

    province_names = {code: name for code, (name, _city, _former) in PROVINCES.items()}
    label_names = {info.code: info.name for info in label_choices()}
    context = {
        "stats": figures,
        "days": days,
        "periods": stats.PERIODS,
        "per_day": charts.columns(_("Reports per day"), figures.per_day),
        "bars": [
            charts.horizontal(_("Reports by channel"), named(figures.by_channel, channel_names)),
            charts.horizontal(_("Reports by topic"), named(figures.by_topic, topics)),
            charts.horizontal(_("Reports by platform"), named(figures.by_platform, platform_names)),
            charts.horizontal(_("Reports by province"), named(figures.by_province, province_names)),
            charts.horizontal(
                _("Published verdicts by label (all time)"), named(figures.verdicts_by_label, label_names)
            ),
        ],
        "staff": staff,
    }
    if staff:
        from verification.models import ClaimState

        context["bars"] += [
            charts.horizontal(
                _("Claims by state (not dismissed)"), named(figures.claims_by_state, dict(ClaimState.choices))
            ),
            charts.horizontal(_("Published verdicts by topic"), named(figures.verdicts_by_topic, topics)),
        ]
    return context


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    return render(request, "publishing/statistics.html", _stats_context(request, staff=False))


@require_GET
@staff_required("stats.staff")
def staff_statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "publishing/statistics.html", _stats_context(request, staff=True))


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publishing/open_data.html",
        {
            "license_name": opendata.LICENSE_NAME,
            "license_url": opendata.LICENSE_URL,
            "columns": opendata.COLUMNS,
            "count": selectors.public_verdicts().count(),
        },
    )


@require_GET
def open_data_file(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in opendata.FORMATS:
        return not_found(request, _("There is no such file."), back=reverse("publishing:open_data"))
    path = opendata.export_file(fmt)
    response = FileResponse(
        path.open("rb"),
        content_type=opendata.FORMATS[fmt],
        as_attachment=True,
        filename=f"tingia-verdicts.{fmt}",
    )
    response["Link"] = f'<{opendata.LICENSE_URL}>; rel="license"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /staff/",
        "Disallow: /theo-doi/",
        "Disallow: /api/",
        "Disallow: /kiem-tra/",
        "Disallow: /tim-kiem/",
        "Disallow: /i18n/",
        "Allow: /",
        f"Sitemap: {absolute('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
