"""Finding web links inside free text.

Text rules (chat expansion, tone placement, tokenizing) must leave links untouched,
and the link canonicaliser needs the links themselves; both ask this module, so a
link is recognised the same way everywhere. Citizens paste links with a scheme
("https://fb.watch/x"), with "www." only, or bare ("facebook.com/abc"); a bare link is
recognised only when it ends in a top-level domain from the table below, so that
ordinary words joined by a dot ("xong.roi") are not taken for links.
"""

from __future__ import annotations

import regex

# Top-level domains seen in links that reach a Vietnamese reporting centre. A bare
# "name.tld" is a link only with one of these; links with a scheme or "www." need none.
KNOWN_TLDS = frozenset(
    """
    vn com net org info biz gov edu int mil io co me tv ly gl at to be app dev xyz site
    online news link watch us uk jp kr cn tw hk sg th la kh my id ph au ca de fr ru it es
    nl ch se no eu asia page top club live store shop blog tech ai cc ws fm gg so im pro
    mobi press media today world global tk ml ga cf gq vip fun icu one
    """.split()
)

_LABEL = r"[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?"
_TAIL = r"""(?:[/?#][^\s<>"'`{}|\\^]*)?"""
_URL_RE = regex.compile(
    rf"""
    (?:
        (?<![\p{{L}}\p{{N}}])(?:https?|ftp)://[^\s<>"'`{{}}|\\^]+
      | (?<![\p{{L}}\p{{N}}@./-])www\.(?:{_LABEL}\.)+{_LABEL}(?::\d{{1,5}})?{_TAIL}
      | (?<![\p{{L}}\p{{N}}@./:-])(?:{_LABEL}\.)+(?P<tld>\p{{L}}{{2,24}})
        (?![\p{{L}}\p{{N}}-])(?::\d{{1,5}})?{_TAIL}
    )
    """,
    regex.IGNORECASE | regex.VERBOSE,
)
_TRAILING_PUNCT = ".,;:!?…'\"”’»"
# Every link holds "://" or a dot followed by a letter or digit; most texts hold neither
# outside numbers, and then the link pattern need not run at all.
_MAYBE_URL_RE = regex.compile(r"://|\.[\p{L}\p{N}]")


def _trim(url: str) -> str:
    """Drop sentence punctuation stuck to the end of a link, and unbalanced brackets."""
    while url:
        last = url[-1]
        if last in _TRAILING_PUNCT:
            url = url[:-1]
        elif last == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        elif last == "]" and url.count("[") < url.count("]"):
            url = url[:-1]
        else:
            break
    return url


def find_url_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of every link in ``text``, in order."""
    spans: list[tuple[int, int]] = []
    if not _MAYBE_URL_RE.search(text):
        return spans
    for match in _URL_RE.finditer(text):
        tld = match.group("tld")
        if tld is not None and tld.lower() not in KNOWN_TLDS:
            continue
        url = _trim(match.group())
        if "." not in url.split("://", 1)[-1]:
            continue
        spans.append((match.start(), match.start() + len(url)))
    return spans


def find_urls(text: str) -> list[str]:
    """Return every link in ``text`` as written (no canonicalisation), in order."""
    return [text[a:b] for a, b in find_url_spans(text)]


def in_spans(position: int, spans: list[tuple[int, int]]) -> bool:
    """Tell whether ``position`` falls inside one of ``spans``."""
    return any(a <= position < b for a, b in spans)
