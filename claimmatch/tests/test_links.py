import pytest

from claimmatch.links import CanonicalLink, InvalidLinkError, canonical_url, extract_urls


def canon(url: str) -> str:
    link = canonical_url(url)
    assert link.valid, link.error
    return link.url


def test_result_is_a_canonical_link():
    link = canonical_url("https://example.com/a")
    assert link == CanonicalLink(url="https://example.com/a", unresolved=False, valid=True)


def test_scheme_and_host_lowercase_and_http_becomes_https():
    assert canon("HTTP://Example.COM/Path") == "https://example.com/Path"


def test_missing_scheme_gets_https():
    assert canon("facebook.com/abc") == "https://facebook.com/abc"
    assert canon("//example.com/x") == "https://example.com/x"


@pytest.mark.parametrize("prefix", ["www.", "m.", "mbasic.", "web.", "mobile.", "touch."])
def test_facebook_mirror_prefixes_are_dropped(prefix):
    assert canon(f"https://{prefix}facebook.com/vtv24") == "https://facebook.com/vtv24"


def test_site_specific_prefixes_are_kept_elsewhere():
    assert canon("https://web.archive.org/web/2020/x") == "https://web.archive.org/web/2020/x"


def test_www_and_m_are_dropped_on_any_site():
    assert canon("https://www.vnexpress.net/a.html") == "https://vnexpress.net/a.html"
    assert canon("https://m.dantri.com.vn/a.htm") == "https://dantri.com.vn/a.htm"


def test_mobile_wikipedia():
    assert canon("https://vi.m.wikipedia.org/wiki/X") == "https://vi.wikipedia.org/wiki/X"


def test_host_aliases():
    assert canon("https://fb.com/vtv24") == "https://facebook.com/vtv24"
    assert canon("https://twitter.com/a/status/1") == "https://x.com/a/status/1"


def test_default_ports_dropped_other_ports_kept():
    assert canon("http://example.com:80/a") == "https://example.com/a"
    assert canon("https://example.com:443/a") == "https://example.com/a"
    assert canon("https://example.com:8080/a") == "https://example.com:8080/a"
    assert canon("example.com:8080/a") == "https://example.com:8080/a"


def test_idna_hosts():
    assert canon("https://Bücher.de/x") == "https://xn--bcher-kva.de/x"
    assert canon("https://xn--bcher-kva.de/x") == "https://xn--bcher-kva.de/x"


def test_ip_hosts():
    assert canon("http://203.0.113.7/a") == "https://203.0.113.7/a"
    assert canon("http://[2001:db8::1]:8080/a") == "https://[2001:db8::1]:8080/a"


def test_fragment_and_userinfo_dropped():
    assert canon("https://user:pw@example.com/a#comments") == "https://example.com/a"


def test_tracking_params_removed_and_rest_sorted():
    url = (
        "https://example.com/a?utm_source=fb&utm_medium=x&z=1&fbclid=IwAR0&gclid=1&si=2"
        "&igshid=3&mibextid=4&__cft__[0]=AZ&__tn__=R&ref=share&refsrc=x&_rdr&a=2"
    )
    assert canon(url) == "https://example.com/a?a=2&z=1"


def test_trailing_slash_and_dot_segments():
    assert canon("https://example.com/a/b/../c/./d/") == "https://example.com/a/c/d"
    assert canon("https://example.com/") == "https://example.com"
    assert canon("https://example.com//a//b") == "https://example.com/a/b"


def test_percent_encoding_normalised():
    assert canon("https://example.com/%7euser/%e1%ba%a1") == "https://example.com/~user/%E1%BA%A1"
    assert canon("https://example.com/tin giả".replace(" ", "%20")) == (
        "https://example.com/tin%20gi%E1%BA%A3"
    )


def test_facebook_permalink_forms_become_one_post_form():
    expected = "https://facebook.com/100064/posts/5551"
    assert canon("https://www.facebook.com/permalink.php?story_fbid=5551&id=100064") == expected
    mobile = "https://m.facebook.com/story.php?story_fbid=5551&id=100064&mibextid=Nif5oz"
    assert canon(mobile) == expected
    assert canon("https://facebook.com/100064/posts/5551/?__cft__[0]=AZX&__tn__=%2CO") == expected


def test_facebook_page_name_is_case_insensitive_but_post_id_is_not():
    assert canon("https://web.facebook.com/VTV24/posts/pfbid02AbC/") == (
        "https://facebook.com/vtv24/posts/pfbid02AbC"
    )


def test_facebook_group_permalink_and_post_forms_agree():
    a = canon("https://www.facebook.com/groups/hoiyeubep/permalink/678/")
    b = canon("https://m.facebook.com/groups/hoiyeubep/posts/678/?mibextid=x")
    assert a == b == "https://facebook.com/groups/hoiyeubep/posts/678"


def test_facebook_videos_become_watch_form():
    assert canon("https://www.facebook.com/VTV24/videos/tieu-de/987654/") == (
        "https://facebook.com/watch?v=987654"
    )
    assert canon("https://www.facebook.com/watch/?v=987654&ref=sharing") == (
        "https://facebook.com/watch?v=987654"
    )


def test_facebook_redirect_wrapper_is_unwrapped():
    url = (
        "https://l.facebook.com/l.php"
        "?u=https%3A%2F%2Fvnexpress.net%2Fa.html%3Futm_source%3Dfb&h=AT0"
    )
    assert canon(url) == "https://vnexpress.net/a.html"


def test_youtube_forms():
    expected = "https://youtube.com/watch?v=dQw4w9WgXcQ"
    for url in [
        "https://youtu.be/dQw4w9WgXcQ?si=abc&t=30",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share&list=PL1&index=2",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://youtube.com/live/dQw4w9WgXcQ?si=x",
    ]:
        assert canon(url) == expected, url


def test_tiktok_video():
    url = "https://www.tiktok.com/@Vtv24News/video/7312345678901234567?is_from_webapp=1&_t=8k"
    assert canon(url) == "https://tiktok.com/@vtv24news/video/7312345678901234567"


@pytest.mark.parametrize(
    "short",
    [
        "https://fb.watch/AbC_12/",
        "https://vt.tiktok.com/ZSabc123/",
        "https://vm.tiktok.com/ZMabc/",
        "https://bit.ly/3XyZ",
        "https://tinyurl.com/abcd",
        "https://t.co/AbCd",
        "https://goo.gl/xyz",
        "https://shorturl.at/abc",
        "https://s.net.vn/AbC",
        "https://www.facebook.com/share/p/1ABCdef/",
    ],
)
def test_short_links_are_kept_and_marked_unresolved(short):
    link = canonical_url(short)
    assert link.valid and link.unresolved
    assert link.url == short.replace("www.", "").rstrip("/")


def test_short_link_path_case_is_kept():
    assert canonical_url("http://BIT.LY/AbCd").url == "https://bit.ly/AbCd"


@pytest.mark.parametrize(
    "garbage, reason",
    [
        ("", "empty"),
        ("   \u200b ", "empty"),
        ("not a url", "spaces"),
        ("javascript:alert(1)", "scheme"),
        ("mailto:a@b.vn", "scheme"),
        ("http://", "no host"),
        ("https://a..b/", "not a valid domain"),
        ("http://localhost/x", "not a valid domain"),
        ("https://example.com:99999/", "port"),
        ("https://exa_mple.c0m/", "top-level"),
        ("x" * 9000, "longer"),
    ],
)
def test_garbage_is_reported_not_raised(garbage, reason):
    link = canonical_url(garbage)
    assert not link.valid
    assert reason in link.error


def test_non_string_is_reported():
    link = canonical_url(None)  # type: ignore[arg-type]
    assert not link.valid and "string" in link.error


def test_strict_mode_raises_a_value_error_subclass():
    with pytest.raises(InvalidLinkError, match="scheme 'ftp'") as caught:
        canonical_url("ftp://example.com/file", strict=True)
    assert isinstance(caught.value, ValueError)


def test_canonical_form_is_stable():
    for url in ["https://youtu.be/dQw4w9WgXcQ", "m.facebook.com/permalink.php?story_fbid=1&id=2"]:
        once = canon(url)
        assert canon(once) == once


def test_extract_urls_with_and_without_scheme():
    text = (
        "Xem facebook.com/abc, và https://bit.ly/x. hoặc www.vnexpress.net/a.html! "
        "(fb.watch/AbC) email a@gmail.com, số 3.5, xong.roi"
    )
    assert extract_urls(text) == [
        "facebook.com/abc",
        "https://bit.ly/x",
        "www.vnexpress.net/a.html",
        "fb.watch/AbC",
    ]


def test_extract_urls_on_empty_or_plain_text():
    assert extract_urls("") == []
    assert extract_urls("không có link nào ở đây.") == []
    assert extract_urls(None) == []  # type: ignore[arg-type]


def test_extracted_links_canonicalise():
    text = "Tin giả lan truyền: https://m.facebook.com/story.php?story_fbid=9&id=7&__tn__=R"
    assert [canon(u) for u in extract_urls(text)] == ["https://facebook.com/7/posts/9"]
