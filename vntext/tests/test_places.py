"""Province and city names in free text: accented, unaccented, partly accented, aliases."""

import pytest

from vntext.places import PLACE_KEYS, find_places, place_name


@pytest.mark.parametrize(
    "text",
    [
        "Hà Nội cho học sinh nghỉ học",
        "ha noi cho hoc sinh nghi hoc",
        "HÀ NỘI cho học sinh nghỉ",
        "ha nội cho hs nghỉ",  # partly accented
        "Ha\u0300 No\u0323\u0302i (NFD input, marks in any order)",
        "thủ đô Hà Nội",
    ],
)
def test_ha_noi_in_every_spelling(text):
    assert find_places(text) == {"ha noi"}


@pytest.mark.parametrize(
    "text", ["Sài Gòn", "sai gon", "TP.HCM", "tp hcm", "TPHCM", "thành phố Hồ Chí Minh",
             "ho chi minh"]
)
def test_aliases_of_one_city_give_one_key(text):
    assert find_places(text) == {"ho chi minh"}


def test_tone_placement_styles_agree():
    assert find_places("Thanh Hoá") == find_places("Thanh Hóa") == {"thanh hoa"}
    assert find_places("Khánh Hoà") == {"khanh hoa"}


def test_accented_words_are_not_taken_for_places_they_fold_to():
    assert find_places("bán cá màu đẹp") == frozenset()  # not Cà Mau
    assert find_places("hoa huệ trắng") == frozenset()  # not Huế
    assert find_places("giá lại tăng") == frozenset()  # not Gia Lai
    assert find_places("Cà Mau và Huế") == {"ca mau", "hue"}


def test_longest_name_wins_and_former_provinces_keep_their_key():
    assert find_places("Thừa Thiên Huế") == {"hue"}
    assert find_places("Bà Rịa - Vũng Tàu") == {"ba ria vung tau"}
    assert find_places("Vũng Tàu") == {"ba ria vung tau"}
    assert find_places("Bình Dương") == {"binh duong"}  # merged into HCMC, still its own name


def test_links_and_partial_words_are_ignored():
    assert find_places("xem https://hanoi.example.vn/ha-noi/tin") == frozenset()
    assert find_places("Hà Nộii") == frozenset()  # a typo is not a place
    assert find_places("") == frozenset()


def test_all_34_current_units_and_former_provinces_are_known():
    assert len(PLACE_KEYS) == 34 + 29  # 34 units in force + the 29 former names merged away
    assert place_name("da nang") == "Đà Nẵng" and place_name("nowhere") == ""
    for key in PLACE_KEYS:
        assert find_places(place_name(key)) == {key}
