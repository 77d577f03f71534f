"""Expansion of common Vietnamese chat spellings ("ko", "dc", "j", "bít", ...).

Reports typed on phones use chat shorthand; the verdicts they must match are written in
standard spelling. Only shorthands that are cheap to spot and almost never mean anything
else are expanded; the table is the single place to add one. Each entry is an exact,
lowercase, NFC spelling, so an accented form can be listed without its unaccented twin
when the twin is an ordinary word ("hông" is listed, "hong" — hồng, hỏng — is not).

A few shorthands mean one thing or another by the word that follows them; those are in
``CHAT_BEFORE``: "ck" is "chồng" (husband) alone but "chuyển khoản" (bank transfer) before
money ("ck tiền", "ck cọc", "ck 500k"), the sense a scam report needs.

Deliberately left out (ambiguous): "hong", "hem" (hẻm), "bit" (English), "bn" (bạn /
bao nhiêu), "bh" (bây giờ / bảo hiểm), "tr" (triệu / trời), "ns" (nói / nghệ sĩ),
"cs", "nv", "dt"/"đt", "tt", "h" (giờ), "b" and "e"/"a" (pronouns).
"""

from __future__ import annotations

import regex

from vntext.urls import find_url_spans, in_spans

CHAT_SPELLINGS: dict[str, str] = {
    # không
    "k": "không", "ko": "không", "kô": "không", "kg": "không", "kh": "không",
    "khg": "không", "khôg": "không", "hok": "không", "hk": "không", "hông": "không",
    "kp": "không phải",
    # được
    "dc": "được", "đc": "được", "dk": "được", "đk": "được", "dx": "được", "đx": "được",
    # others
    "vs": "với", "j": "gì", "jì": "gì", "bít": "biết", "bik": "biết", "bjk": "biết",
    "bjết": "biết", "r": "rồi", "rùi": "rồi", "ròi": "rồi", "ng": "người",
    "ngừi": "người", "mk": "mình", "mik": "mình", "mjk": "mình", "mìk": "mình",
    "nhìu": "nhiều", "v": "vậy", "z": "vậy", "zậy": "vậy", "dzậy": "vậy", "zị": "vậy",
    "thui": "thôi", "ck": "chồng", "vk": "vợ", "iu": "yêu", "trc": "trước",
    "ntn": "như thế nào", "ny": "người yêu", "nt": "nhắn tin", "sdt": "số điện thoại",
    "sđt": "số điện thoại", "cty": "công ty", "cx": "cũng", "cũg": "cũng", "lm": "làm",
    "hnay": "hôm nay", "hqua": "hôm qua", "wá": "quá", "qá": "quá", "mún": "muốn",
    "thik": "thích", "thjk": "thích", "fb": "facebook", "gđ": "gia đình",
}

# Shorthands whose sense depends on the next word: (shorthand, next words, expansion).
# The next word is compared in lowercase, as typed: list its accented and plain spellings.
# "ck trước" (chồng trước: ex-husband) and "ck cho" (either sense) are left alone on purpose.
CHAT_BEFORE: tuple[tuple[str, frozenset[str], str], ...] = (
    ("ck", frozenset({"tiền", "tien", "cọc", "coc"}), "chuyển khoản"),
)
_BEFORE: dict[str, tuple[frozenset[str], str]] = {w: (nxt, exp) for w, nxt, exp in CHAT_BEFORE}
# "ck 500k", "ck 2tr", "ck 1.500.000": an amount of money right after the shorthand ("ck 2
# con" is not one: a bare small number may count anything).
_AMOUNT_AFTER_RE = regex.compile(
    r"\s+(?:\p{N}{1,3}(?:[.,]\p{N}{3})+|\p{N}{4,}|\p{N}+(?:[.,]\p{N}+)?\s*"
    r"(?:k|tr|triệu|trieu|củ|cu|nghìn|nghin|ngàn|ngan|đồng|dong|đ|vnd|vnđ))(?![\p{L}\p{M}])",
    regex.IGNORECASE,
)
_NEXT_WORD_RE = regex.compile(r"\s+(\p{L}[\p{L}\p{M}]*)")

# A price or amount ("500 k") is not "không".
_AFTER_NUMBER_ONLY_LITERAL = frozenset({"k"})
# Only whole words (maximal letter runs, as ``\p{L}[\p{L}\p{M}]*`` finds them) that are in
# the table: one alternation, longest first, so the replacement function runs for the few
# candidate words instead of for every word of the text.
_CANDIDATE_RE = regex.compile(
    r"(?<!\p{L}\p{M}*)(?:"
    + "|".join(regex.escape(w) for w in sorted(set(CHAT_SPELLINGS) | set(_BEFORE),
                                                 key=len, reverse=True))
    + r")(?![\p{L}\p{M}])",
    regex.IGNORECASE,
)
# Characters that glue a word to its neighbours ("K-pop", "user_k", "#ko", "a/k").
_GLUE = set("-_/@#&=+*%$.\\'’")
_NUMBER_BEFORE_RE = regex.compile(r"\p{N}[\p{N}.,]*\s*$")


def _match_case(replacement: str, original: str) -> str:
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def _is_glued(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before in _GLUE or before.isdigit():
        return True
    if after.isdigit() or after in _GLUE - {"."}:
        return True
    # "k." ends a sentence; "k.abc" is part of a name or a link.
    return after == "." and end + 1 < len(text) and text[end + 1].isalnum()


def _follows_number(text: str, start: int) -> bool:
    return bool(_NUMBER_BEFORE_RE.search(text[max(0, start - 32) : start]))


def expand_chat(text: str) -> str:
    """Return ``text`` with whole-word chat spellings replaced by standard words.

    Links are left alone; "k" right after a number stays (a price: "500 k"). Expects
    NFC input (``normalize`` first); case of the replaced word is carried over.
    """
    if not text:
        return text
    url_spans = find_url_spans(text)

    def replace(match: regex.Match[str]) -> str:
        word = match.group()
        start, end = match.span()
        standard = _sense_before(text, word.lower(), end) or CHAT_SPELLINGS.get(word.lower())
        if standard is None:
            return word
        if in_spans(start, url_spans) or _is_glued(text, start, end):
            return word
        if word.lower() in _AFTER_NUMBER_ONLY_LITERAL and _follows_number(text, start):
            return word
        return _match_case(standard, word)

    return _CANDIDATE_RE.sub(replace, text)


def _sense_before(text: str, word: str, end: int) -> str | None:
    """The expansion ``CHAT_BEFORE`` gives ``word`` from what follows it, if any."""
    rule = _BEFORE.get(word)
    if rule is None:
        return None
    following, expansion = rule
    if _AMOUNT_AFTER_RE.match(text, end):
        return expansion
    nxt = _NEXT_WORD_RE.match(text, end)
    return expansion if nxt and nxt.group(1).lower() in following else None
