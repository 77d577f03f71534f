"""Canonical links: one string per piece of content, from offline rules only.

Citizens paste the same post as a mobile link, a desktop link, a share link with
tracking parameters, a permalink.php form, or a short youtu.be link. Two reports share
evidence only if those collapse to one string. Everything here is decided from the text
of the link: nothing is fetched. Short links whose target only a network request could
reveal are kept as they are and flagged ``unresolved``.

All site knowledge lives in the tables at the top of this module; the functions below
only apply them. To support a new site, edit a table.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import idna

from vntext import clean
from vntext.urls import find_urls

# ---------------------------------------------------------------------------------------
# The rule tables
# ---------------------------------------------------------------------------------------

# Other names of the same site.
HOST_ALIASES: dict[str, str] = {
    "fb.com": "facebook.com",
    "facebook.com.vn": "facebook.com",
    "twitter.com": "x.com",
    "instagr.am": "instagram.com",
    "youtube-nocookie.com": "youtube.com",
}

# Prefixes that every site uses for the same content ("www.", "m." mobile mirrors).
GENERIC_HOST_PREFIXES = ("www.", "m.")
# Prefixes that only these sites use for a mirror of the same content. Elsewhere they can
# name a different site ("web.archive.org" is not "archive.org").
SITE_HOST_PREFIXES = ("mbasic.", "web.", "mobile.", "touch.", "mtouch.", "free.", "d.")
SITES_WITH_MIRROR_PREFIXES = frozenset(
    {"facebook.com", "x.com", "youtube.com", "tiktok.com", "instagram.com", "zalo.me"}
)
# "vi.m.wikipedia.org" is the mobile view of "vi.wikipedia.org".
MOBILE_INFIX_SITES = frozenset({"wikipedia.org", "wiktionary.org", "wikimedia.org"})

# Short links: the target is known only to the shortener, so they stay as written.
SHORTENER_HOSTS = frozenset(
    {
        "fb.watch", "fb.me", "vt.tiktok.com", "vm.tiktok.com", "bit.ly", "tinyurl.com",
        "t.co", "goo.gl", "shorturl.at", "s.net.vn", "cutt.ly", "rb.gy", "is.gd", "ow.ly",
        "buff.ly", "tiny.cc", "rebrand.ly", "t.ly", "v.gd", "lnkd.in", "shope.ee",
        "s.shopee.vn", "s.id", "on.soundcloud.com", "maps.app.goo.gl",
    }
)
# Paths on ordinary hosts that are short links too (host, path prefix).
SHORTENER_PATHS = (("facebook.com", "/share/"), ("zalo.me", "/s/"))

# Redirect wrappers that carry their target in a query parameter: unwrapped offline.
REDIRECT_WRAPPERS: dict[tuple[str, str], str] = {
    ("l.facebook.com", "/l.php"): "u",
    ("lm.facebook.com", "/l.php"): "u",
    ("google.com", "/url"): "q",
    ("youtube.com", "/redirect"): "q",
    ("l.messenger.com", "/l.php"): "u",
}

# Query parameters that only track who shared or clicked; dropped on every host.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "igshid", "igsh", "mibextid", "si", "ref", "refsrc", "ref_src",
        "ref_url", "_rdr", "_rdc", "rdid", "__tn__", "__cft__", "__xts__", "sfnsn",
        "hc_ref", "fref", "eid", "notif_id", "notif_t", "acontext", "paipv", "extid",
        "share_url", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "zarsrc", "zaloid", "gidzl",
        "utm_id", "s_cid", "cmpid", "vnecmp",
    }
)
TRACKING_PREFIXES = ("utm_", "__cft__", "__xts__", "pk_", "mtm_", "hsa_")
# Parameters dropped only on one site (they identify the viewer, the app or the player
# state there, not the content).
SITE_TRACKING_PARAMS: dict[str, frozenset[str]] = {
    "youtube.com": frozenset(
        {"feature", "pp", "ab_channel", "t", "start", "list", "index", "app", "hl",
         "embeds_referring_euri", "embeds_origin", "persist_app", "noapp", "cbrd"}
    ),
    "x.com": frozenset({"s", "t", "lang", "ref_src"}),
    "tiktok.com": frozenset(
        {"is_from_webapp", "sender_device", "is_copy_url", "web_id", "u_code",
         "preview_pb", "checksum", "sec_user_id", "share_app_id", "share_link_id",
         "social_sharing", "source", "_r", "_t", "lang", "q", "t", "timestamp",
         "user_id", "enter_method", "embed_source", "refer", "share_item_id", "tt_from"}
    ),
    "instagram.com": frozenset({"img_index", "hl"}),
    "facebook.com": frozenset(
        {"comment_tracking", "type", "theater", "set", "sk", "rdc", "rdr", "locale",
         "hc_location", "privacy_mutation_token", "app", "substory_index", "mds",
         "refid", "_ft_", "ft_ent_identifier", "tn"}
    ),
}

DEFAULT_PORTS = frozenset({80, 443})
MAX_URL_LENGTH = 8192


# ---------------------------------------------------------------------------------------
# Results and errors
# ---------------------------------------------------------------------------------------


class InvalidLinkError(ValueError):
    """Raised by ``canonical_url(..., strict=True)`` for text that is not a web link."""


@dataclass(frozen=True)
class CanonicalLink:
    """A canonical link, or the reason a string is not one.

    ``url`` is the canonical string (for an invalid input: the input, trimmed).
    ``unresolved`` is True for short links whose target needs a network request.
    ``valid`` is False for garbage; ``error`` then says why.
    """

    url: str
    unresolved: bool = False
    valid: bool = True
    error: str | None = None


# ---------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------


def extract_urls(text: str) -> list[str]:
    """Return the links written in ``text`` (with or without scheme), as written, in order."""
    if not isinstance(text, str) or not text:
        return []
    return find_urls(clean(text))


def canonical_url(url: str, *, strict: bool = False) -> CanonicalLink:
    """Return the canonical form of ``url``.

    Never raises for bad input unless ``strict`` is set; then :class:`InvalidLinkError`
    (a ``ValueError``) carries the reason.
    """
    raw = url.strip() if isinstance(url, str) else repr(url)
    try:
        if not isinstance(url, str):
            raise InvalidLinkError(f"a link must be a string, got {type(url).__name__}")
        return _canonical(url, depth=0)
    except InvalidLinkError as error:
        if strict:
            raise
        return CanonicalLink(url=raw, valid=False, error=str(error))


# ---------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HOST_LABEL_RE = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_PERCENT_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def _canonical(url: str, depth: int) -> CanonicalLink:
    text = _prepare(url)
    parts = urlsplit(text)
    host = _canonical_host(parts.hostname or "", parts.netloc)
    port = _port(parts)
    path = _normalize_path(parts.path)
    params = parse_qsl(parts.query, keep_blank_values=True)

    target = _unwrapped_target(host, path, params)
    if target is not None and depth < 3:
        return _canonical(target, depth + 1)

    if _is_shortener(host, path):
        query = _encode_query(_drop_tracking(host, params))
        return CanonicalLink(url=_assemble(host, port, path.rstrip("/"), query), unresolved=True)

    host, path, params = _site_form(host, path, params)
    query = _encode_query(sorted(_drop_tracking(host, params)))
    return CanonicalLink(url=_assemble(host, port, path.rstrip("/"), query))


def _prepare(url: str) -> str:
    text = clean(url).strip().strip("<>\"'`“”‘’«»")
    if not text:
        raise InvalidLinkError("empty link")
    if len(text) > MAX_URL_LENGTH:
        raise InvalidLinkError(f"link longer than {MAX_URL_LENGTH} characters")
    if any(char.isspace() for char in text):
        raise InvalidLinkError("a link cannot contain spaces")
    if text.startswith("//"):
        text = "https:" + text
    scheme = _SCHEME_RE.match(text)
    if scheme is None or _looks_like_host_port(text):
        return "https://" + text
    name = scheme.group(1).lower()
    if name not in ("http", "https"):
        raise InvalidLinkError(f"not a web link: scheme {name!r} is not http or https")
    return "https://" + text[scheme.end() :].lstrip("/")


def _looks_like_host_port(text: str) -> bool:
    """Tell "example.com:8080/x" (host and port) from a scheme such as "mailto:"."""
    return bool(re.match(r"^[^:/]+\.[^:/]+:\d{1,5}(?:[/?#]|$)", text))


def _canonical_host(hostname: str, netloc: str) -> str:
    if not hostname:
        raise InvalidLinkError("link has no host")
    host = hostname.strip(".").lower()
    address = _ip_address(host)
    if address is not None:
        return address
    try:
        host = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        if not host.isascii():
            raise InvalidLinkError(f"host {hostname!r} is not a valid domain name: {error}")
    labels = host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL_RE.match(label) for label in labels):
        raise InvalidLinkError(f"host {hostname!r} is not a valid domain name")
    if not re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", labels[-1]):
        raise InvalidLinkError(f"host {hostname!r} has no valid top-level domain")
    return _site_host(host)


def _ip_address(host: str) -> str | None:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    return f"[{address}]" if address.version == 6 else str(address)


def _site_host(host: str) -> str:
    """Drop mirror prefixes and apply aliases until nothing changes."""
    while True:
        before = host
        host = HOST_ALIASES.get(host, host)
        for prefix in GENERIC_HOST_PREFIXES:
            rest = host[len(prefix) :]
            if host.startswith(prefix) and "." in rest and rest not in SHORTENER_HOSTS:
                host = rest
        for prefix in SITE_HOST_PREFIXES:
            rest = host[len(prefix) :]
            site = HOST_ALIASES.get(rest, rest)
            if host.startswith(prefix) and site in SITES_WITH_MIRROR_PREFIXES:
                host = rest
        for site in MOBILE_INFIX_SITES:
            if host.endswith(".m." + site):
                host = host[: -len(".m." + site)] + "." + site
        if host == before:
            return host


def _port(parts) -> int | None:
    try:
        port = parts.port
    except ValueError as error:
        raise InvalidLinkError(f"bad port: {error}")
    return None if port is None or port in DEFAULT_PORTS else port


def _normalize_path(path: str) -> str:
    """RFC 3986 normalisation: decode unreserved escapes, uppercase hex, resolve dot segments."""
    path = _PERCENT_RE.sub(_unescape_unreserved, path)
    path = quote(path, safe=_PATH_SAFE)
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(segments) > 1:
                segments.pop()
        elif segment != ".":
            segments.append(segment)
    path = "/".join(segments)
    path = re.sub(r"/{2,}", "/", path)
    return path if path.startswith("/") or not path else "/" + path


def _unescape_unreserved(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _unwrapped_target(host: str, path: str, params: list[tuple[str, str]]) -> str | None:
    key = REDIRECT_WRAPPERS.get((host, path.rstrip("/")))
    if key is None:
        return None
    for name, value in params:
        if name == key and value.strip():
            return unquote(value) if "%" in value and "://" not in value else value
    return None


def _is_shortener(host: str, path: str) -> bool:
    if host in SHORTENER_HOSTS:
        return True
    return any(host == h and path.startswith(p) for h, p in SHORTENER_PATHS)


def _is_tracking(host: str, name: str) -> bool:
    base = name.split("[", 1)[0].lower()
    if base in TRACKING_PARAMS or base.startswith(TRACKING_PREFIXES):
        return True
    return base in SITE_TRACKING_PARAMS.get(host, frozenset())


def _drop_tracking(host: str, params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, value in params if not _is_tracking(host, name)]


def _encode_query(params: list[tuple[str, str]]) -> str:
    return urlencode(params, quote_via=quote, safe="-._~:@!$'()*,;/")


def _assemble(host: str, port: int | None, path: str, query: str) -> str:
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit(("https", netloc, path, query, ""))


# ---------------------------------------------------------------------------------------
# Site forms: one path per post or video where the ids make it safe
# ---------------------------------------------------------------------------------------

_YOUTUBE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


Params = list[tuple[str, str]]


def _site_form(host: str, path: str, params: Params) -> tuple[str, str, Params]:
    if host == "youtu.be":
        video = path.strip("/").split("/")[0]
        if _YOUTUBE_ID_RE.match(video):
            return "youtube.com", "/watch", [("v", video)]
        return host, path, params
    if host == "youtube.com":
        return (host, *_youtube_form(path, params))
    if host == "facebook.com":
        return (host, *_facebook_form(path, params))
    if host == "tiktok.com":
        return (host, *_tiktok_form(path, params))
    return host, path, params


def _youtube_video(video_id: str, params: list[tuple[str, str]]) -> tuple[str, list]:
    if not _YOUTUBE_ID_RE.match(video_id):
        return "/" + video_id, params
    return "/watch", [("v", video_id)]


def _youtube_form(path: str, params: list[tuple[str, str]]) -> tuple[str, list]:
    segments = [s for s in path.split("/") if s]
    if segments[:1] == ["watch"]:
        video = dict(params).get("v")
        if video and _YOUTUBE_ID_RE.match(video):
            return "/watch", [("v", video)]
    if len(segments) >= 2 and segments[0] in ("shorts", "embed", "live", "v", "e"):
        return _youtube_video(segments[1], params)
    return path, params


def _facebook_form(path: str, params: list[tuple[str, str]]) -> tuple[str, list]:
    """Facebook posts as /<owner>/posts/<post>, group posts as /groups/<g>/posts/<post>.

    Page names are case-insensitive on Facebook, so the owner segment is lowercased;
    post ids ("pfbid…") are case-sensitive and kept.
    """
    query = dict(params)
    segments = [s for s in path.split("/") if s]
    lowered = [s.lower() for s in segments]
    if lowered[:1] in (["permalink.php"], ["story.php"]):
        story, owner = query.get("story_fbid"), query.get("id")
        if story and owner:
            return f"/{owner.lower()}/posts/{story}", []
    if lowered[:1] == ["photo.php"] or lowered == ["photo"]:
        if query.get("fbid"):
            return "/photo", [("fbid", query["fbid"])]
    if lowered[:1] == ["watch"] and query.get("v"):
        return "/watch", [("v", query["v"])]
    if len(segments) >= 3 and lowered[1] == "videos":
        video = segments[-1]
        if video.isdigit():
            return "/watch", [("v", video)]
    if len(segments) >= 4 and lowered[0] == "groups" and lowered[2] in ("permalink", "posts"):
        return f"/groups/{lowered[1]}/posts/{segments[3]}", []
    if len(segments) >= 3 and lowered[1] in ("posts", "activity"):
        return f"/{lowered[0]}/posts/{segments[2]}", []
    if len(segments) == 1 and not lowered[0].endswith(".php"):
        return f"/{lowered[0]}", params
    return path, params


def _tiktok_form(path: str, params: list[tuple[str, str]]) -> tuple[str, list]:
    """TikTok videos as /@<user>/video/<id>; user names are case-insensitive there."""
    segments = [s for s in path.split("/") if s]
    if len(segments) >= 3 and segments[0].startswith("@") and segments[1] in ("video", "photo"):
        return f"/{segments[0].lower()}/{segments[1]}/{segments[2]}", []
    return path, params
