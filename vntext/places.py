"""Vietnamese province and city names found in free text, typed with or without accents.

Why here: two reports that say the same thing about different places are different claims
("... ở Hà Nội" vs "... ở Đà Nẵng"), and the matcher must notice that before it merges
them. ``core.reference`` holds the administrative table for forms, but it is Django code;
the pure packages need only the names, so they are kept here (the 34 units in force since
1 July 2025, the 63 former provinces, and the short forms people type for a few of them).

Matching rules, chosen so that a place is found in accented, unaccented and partly
accented text alike without turning ordinary words into places:
- names are matched as whole syllable sequences, longest first ("Bà Rịa - Vũng Tàu" before
  "Vũng Tàu"), case-insensitively;
- a syllable typed WITH accents must carry the name's own accents ("cá màu" is not "Cà Mau",
  "huệ" is not "Huế", "giá lại" is not "Gia Lai"); a syllable typed without any accent
  matches the folded name ("ca mau", "hue");
- every spelling of one place maps to one key, so "Sài Gòn", "TP.HCM" and "ho chi minh"
  agree. Former provinces keep keys of their own: "Bình Dương" and "Hồ Chí Minh" name
  different places for a rumour, even though one unit now contains both.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from vntext.diacritics import strip_marks
from vntext.normalization import normalize
from vntext.tokens import cased_tokens_of_normalized

# key: spellings (the first is the display name). Keys are the folded display names.
_NAMES: dict[str, tuple[str, ...]] = {
    # the 34 units in force since 1 July 2025
    "ha noi": ("Hà Nội", "thủ đô Hà Nội"),
    "hue": ("Huế", "Thừa Thiên Huế", "Thừa Thiên - Huế"),
    "lai chau": ("Lai Châu",),
    "dien bien": ("Điện Biên",),
    "son la": ("Sơn La",),
    "lang son": ("Lạng Sơn",),
    "quang ninh": ("Quảng Ninh",),
    "thanh hoa": ("Thanh Hóa",),
    "nghe an": ("Nghệ An",),
    "ha tinh": ("Hà Tĩnh",),
    "cao bang": ("Cao Bằng",),
    "tuyen quang": ("Tuyên Quang",),
    "lao cai": ("Lào Cai",),
    "thai nguyen": ("Thái Nguyên",),
    "phu tho": ("Phú Thọ",),
    "bac ninh": ("Bắc Ninh",),
    "hung yen": ("Hưng Yên",),
    "hai phong": ("Hải Phòng",),
    "ninh binh": ("Ninh Bình",),
    "quang tri": ("Quảng Trị",),
    "da nang": ("Đà Nẵng",),
    "quang ngai": ("Quảng Ngãi",),
    "gia lai": ("Gia Lai",),
    "khanh hoa": ("Khánh Hòa",),
    "lam dong": ("Lâm Đồng",),
    "dak lak": ("Đắk Lắk", "Đắc Lắc", "Daklak"),
    "ho chi minh": ("Hồ Chí Minh", "TP.HCM", "TPHCM", "TP HCM", "HCM", "Sài Gòn", "Saigon"),
    "dong nai": ("Đồng Nai",),
    "tay ninh": ("Tây Ninh",),
    "can tho": ("Cần Thơ",),
    "vinh long": ("Vĩnh Long",),
    "dong thap": ("Đồng Tháp",),
    "ca mau": ("Cà Mau",),
    "an giang": ("An Giang",),
    # former provinces (merged on 1 July 2025), still how most texts name them
    "ha giang": ("Hà Giang",),
    "yen bai": ("Yên Bái",),
    "bac kan": ("Bắc Kạn", "Bắc Cạn"),
    "vinh phuc": ("Vĩnh Phúc",),
    "hoa binh": ("Hòa Bình",),
    "bac giang": ("Bắc Giang",),
    "thai binh": ("Thái Bình",),
    "hai duong": ("Hải Dương",),
    "ha nam": ("Hà Nam",),
    "nam dinh": ("Nam Định",),
    "quang binh": ("Quảng Bình",),
    "quang nam": ("Quảng Nam",),
    "kon tum": ("Kon Tum", "Kontum"),
    "binh dinh": ("Bình Định",),
    "ninh thuan": ("Ninh Thuận",),
    "dak nong": ("Đắk Nông", "Đắc Nông"),
    "binh thuan": ("Bình Thuận",),
    "phu yen": ("Phú Yên",),
    "binh duong": ("Bình Dương",),
    "ba ria vung tau": ("Bà Rịa - Vũng Tàu", "Bà Rịa Vũng Tàu", "BR-VT", "BRVT", "Vũng Tàu"),
    "binh phuoc": ("Bình Phước",),
    "long an": ("Long An",),
    "soc trang": ("Sóc Trăng",),
    "hau giang": ("Hậu Giang",),
    "ben tre": ("Bến Tre",),
    "tra vinh": ("Trà Vinh",),
    "tien giang": ("Tiền Giang",),
    "bac lieu": ("Bạc Liêu",),
    "kien giang": ("Kiên Giang",),
}


def _syllables(text: str) -> tuple[str, ...]:
    return tuple(t.lower() for t, is_link in cased_tokens_of_normalized(normalize(text))
                 if not is_link)


def _build() -> tuple[dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]], int]:
    """Folded syllable sequence -> [(accented syllables, key)]; and the longest length."""
    table: dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]] = {}
    longest = 1
    for key, spellings in _NAMES.items():
        for spelling in spellings:
            accented = _syllables(spelling)
            folded = tuple(strip_marks(s) for s in accented)
            table.setdefault(folded, []).append((accented, key))
            longest = max(longest, len(folded))
    return table, longest


_TABLE, _LONGEST = _build()
PLACE_KEYS: frozenset[str] = frozenset(_NAMES)


@lru_cache(maxsize=8192)
def _fold_syllable(syllable: str) -> str:
    return strip_marks(syllable)


def _agrees(typed: Sequence[str], name: tuple[str, ...]) -> bool:
    """Each typed syllable is either accent-free or spelled exactly as in the name."""
    return all(t == n or t.isascii() for t, n in zip(typed, name))


def places_in_syllables(syllables: Sequence[str]) -> frozenset[str]:
    """Place keys named in a sequence of lowercase, normalized syllables (no links)."""
    return frozenset(place_mentions(syllables))


def place_mentions(syllables: Sequence[str]) -> list[str]:
    """Every mention of a place, in order (a place named twice is listed twice)."""
    folded = [_fold_syllable(s) for s in syllables]
    found: list[str] = []
    i, n = 0, len(folded)
    while i < n:
        for size in range(min(_LONGEST, n - i), 0, -1):
            names = _TABLE.get(tuple(folded[i : i + size]))
            if not names:
                continue
            typed = syllables[i : i + size]
            key = next((k for accented, k in names if _agrees(typed, accented)), None)
            if key is not None:
                found.append(key)
                i += size
                break
        else:
            i += 1
    return found


def find_places(text: str) -> frozenset[str]:
    """Keys (folded display names, e.g. "ha noi") of the provinces and cities ``text`` names.

    "Sài Gòn", "TP.HCM" and "ho chi minh" all give "ho chi minh"; links are ignored.
    """
    return places_in_syllables(_syllables(text))


def place_name(key: str) -> str:
    """Display name of a place key ("ha noi" -> "Hà Nội"); "" for an unknown key."""
    spellings = _NAMES.get(key)
    return spellings[0] if spellings else ""
