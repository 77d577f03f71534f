import unicodedata

import pytest

from vntext import normalize
from vntext.tones import nucleus_index, place_tone


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_output_is_nfc():
    text = nfd("Cộng hòa xã hội chủ nghĩa Việt Nam")
    assert normalize(text) == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert unicodedata.is_normalized("NFC", normalize(text))


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("a\u0301\u0302", "ấ"),  # tone before circumflex
        ("a\u0302\u0301", "ấ"),
        ("e\u0323\u0302", "ệ"),  # dot below before circumflex
        ("e\u0302\u0323", "ệ"),
        ("a\u0309\u0306", "ẳ"),  # hook above before breve
        ("o\u0303\u031b", "ỡ"),  # tilde before horn
        ("u\u0300\u031b", "ừ"),
        ("vie\u0323\u0302t", "việt"),
        ("VIE\u0301\u0302T", "VIẾT"),
    ],
)
def test_decomposed_marks_in_any_order_compose(typed, expected):
    assert normalize(typed) == expected


def test_duplicated_mark_is_dropped():
    assert normalize("a\u0301\u0301") == "á"


@pytest.mark.parametrize(
    "new_style, old_style",
    [
        ("hoà", "hòa"),
        ("hoá", "hóa"),
        ("hoả", "hỏa"),
        ("hoạ", "họa"),
        ("khoẻ", "khỏe"),
        ("thuý", "thúy"),
        ("thuỷ", "thủy"),
        ("tuỳ", "tùy"),
        ("luỹ", "lũy"),
        ("xoà", "xòa"),
    ],
)
def test_new_style_tones_become_the_traditional_placement(new_style, old_style):
    assert normalize(new_style) == old_style
    assert normalize(old_style) == old_style


@pytest.mark.parametrize(
    "word",
    [
        "quý", "quả", "quạ", "quyển", "quốc", "quỳnh", "quở", "giữa", "già", "gìn",
        "giếng", "giường", "giặt", "khuỷu", "thuở", "người", "rượu", "cứu", "mưa",
        "của", "múa", "túi", "gửi", "ngoài", "xoáy", "khuấy", "ngoẻo", "hoàng", "toán",
        "huýt", "tuần", "huế", "mía", "yến", "tiếng", "muốn", "tuổi", "yêu", "bà",
    ],
)
def test_correct_words_are_left_unchanged(word):
    assert normalize(word) == word
    assert normalize(word.upper()) == word.upper()
    assert normalize(word.capitalize()) == word.capitalize()


@pytest.mark.parametrize(
    "misplaced, expected",
    [
        ("qúy", "quý"),
        ("qủa", "quả"),
        ("gìa", "già"),
        ("gịa", "giạ"),
        ("cuả", "của"),
        ("ngươì", "người"),
        ("thúơ", "thuớ"),
        ("ngòai", "ngoài"),
        ("hoàng", "hoàng"),
        ("hòang", "hoàng"),
        ("khủyu", "khuỷu"),
    ],
)
def test_misplaced_tones_move_to_the_nucleus(misplaced, expected):
    assert normalize(misplaced) == expected


def test_uppercase_old_and_new_style_are_equal():
    assert normalize("HOÀ BÌNH") == normalize("HÒA BÌNH") == "HÒA BÌNH"
    assert normalize("Hoà") == "Hòa"


def test_case_is_kept():
    assert normalize("Tin GIẢ Ở Đà Nẵng") == "Tin GIẢ Ở Đà Nẵng"


def test_icelandic_eth_lookalike_becomes_vietnamese_d():
    assert normalize("\u00d0à Nẵng") == "Đà Nẵng"


def test_foreign_words_with_other_marks_are_left_alone():
    for word in ("café", "résumé", "naïve", "Zürich", "São", "Dvořák", "τʜυṓc"):
        assert normalize(word) == unicodedata.normalize("NFC", word)


def test_words_with_two_tones_are_left_alone():
    assert normalize("hóà") == "hóà"


def test_links_keep_their_spelling():
    text = "xem https://vi.wikipedia.org/wiki/Hoà_Bình nhé"
    assert normalize(text) == text


def test_new_style_can_be_chosen():
    assert place_tone("hòa", style="new") == "hoà"
    assert place_tone("thúy", style="new") == "thuý"
    assert place_tone("quý", style="new") == "quý"
    assert place_tone("hoàng", style="new") == "hoàng"


def test_nucleus_rules():
    assert nucleus_index("ng", "ươi", "") == 1
    assert nucleus_index("", "oa", "") == 0
    assert nucleus_index("", "oa", "ng") == 1
    assert nucleus_index("kh", "uyu", "") == 1
    assert nucleus_index("qu", "y", "") == 0


def test_empty_and_symbol_only_input():
    assert normalize("") == ""
    assert normalize("😀🔥!!!") == "😀🔥!!!"
    assert normalize("\u0301") == ""


def test_lone_leading_combining_mark_is_dropped_not_a_crash():
    assert normalize("\u0301\u0302abc") == "abc"
