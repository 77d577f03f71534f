"""Fixed reference data shared by every app: topics, platforms, channels, provinces.

Codes are stable API values; labels are translatable. The 34 provinces are the units in
force since 1 July 2025 (Resolution 202/2025/QH15); the former 63 names are accepted on
input and mapped to the unit that absorbed them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vntext import fold


class Topic(models.TextChoices):
    """The eight areas used by Vietnam's anti-fake-news centre."""

    POLICY_LAW = "policy_law", _("Policy and law")
    ECONOMY_FINANCE = "economy_finance", _("Economy and finance")
    HEALTH = "health", _("Health and medical products")
    DISASTER_EPIDEMIC = "disaster_epidemic", _("Disasters and epidemics")
    SECURITY_ORDER = "security_order", _("National security and public order")
    FAKE_ACCOUNT = "fake_account", _("Fake accounts")
    SCAM_LINK = "scam_link", _("Scam links")
    OTHER = "other", _("Other")


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    ZALO = "zalo", "Zalo"
    WEBSITE = "website", _("Website")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    HOTLINE = "hotline", _("Hotline")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")


# code: (name, is a centrally governed city, former units merged into it)
PROVINCES: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "ha-noi": ("Hà Nội", True, ()),
    "hue": ("Huế", True, ("Thừa Thiên Huế",)),
    "lai-chau": ("Lai Châu", False, ()),
    "dien-bien": ("Điện Biên", False, ()),
    "son-la": ("Sơn La", False, ()),
    "lang-son": ("Lạng Sơn", False, ()),
    "quang-ninh": ("Quảng Ninh", False, ()),
    "thanh-hoa": ("Thanh Hóa", False, ()),
    "nghe-an": ("Nghệ An", False, ()),
    "ha-tinh": ("Hà Tĩnh", False, ()),
    "cao-bang": ("Cao Bằng", False, ()),
    "tuyen-quang": ("Tuyên Quang", False, ("Hà Giang",)),
    "lao-cai": ("Lào Cai", False, ("Yên Bái",)),
    "thai-nguyen": ("Thái Nguyên", False, ("Bắc Kạn",)),
    "phu-tho": ("Phú Thọ", False, ("Vĩnh Phúc", "Hòa Bình")),
    "bac-ninh": ("Bắc Ninh", False, ("Bắc Giang",)),
    "hung-yen": ("Hưng Yên", False, ("Thái Bình",)),
    "hai-phong": ("Hải Phòng", True, ("Hải Dương",)),
    "ninh-binh": ("Ninh Bình", False, ("Hà Nam", "Nam Định")),
    "quang-tri": ("Quảng Trị", False, ("Quảng Bình",)),
    "da-nang": ("Đà Nẵng", True, ("Quảng Nam",)),
    "quang-ngai": ("Quảng Ngãi", False, ("Kon Tum",)),
    "gia-lai": ("Gia Lai", False, ("Bình Định",)),
    "khanh-hoa": ("Khánh Hòa", False, ("Ninh Thuận",)),
    "lam-dong": ("Lâm Đồng", False, ("Đắk Nông", "Bình Thuận")),
    "dak-lak": ("Đắk Lắk", False, ("Phú Yên",)),
    "ho-chi-minh": ("Hồ Chí Minh", True, ("Bình Dương", "Bà Rịa - Vũng Tàu")),
    "dong-nai": ("Đồng Nai", False, ("Bình Phước",)),
    "tay-ninh": ("Tây Ninh", False, ("Long An",)),
    "can-tho": ("Cần Thơ", True, ("Sóc Trăng", "Hậu Giang")),
    "vinh-long": ("Vĩnh Long", False, ("Bến Tre", "Trà Vinh")),
    "dong-thap": ("Đồng Tháp", False, ("Tiền Giang",)),
    "ca-mau": ("Cà Mau", False, ("Bạc Liêu",)),
    "an-giang": ("An Giang", False, ("Kiên Giang",)),
}

PROVINCE_CHOICES = [(code, name) for code, (name, _city, _former) in PROVINCES.items()]

_PREFIXES = ("thanh pho ", "tp. ", "tp ", "tinh ")


def _key(name: str) -> str:
    key = fold(name).replace("-", " ").replace("–", " ")
    key = " ".join(key.split())
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix):]
    return key.replace(" ", "")


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, (name, _city, former) in PROVINCES.items():
        lookup[code.replace("-", "")] = code
        lookup[_key(name)] = code
        for old in former:
            lookup[_key(old)] = code
    # Common short forms people type.
    lookup.update({"hcm": "ho-chi-minh", "tphcm": "ho-chi-minh", "saigon": "ho-chi-minh",
                   "hn": "ha-noi", "brvt": "ho-chi-minh", "bariavungtau": "ho-chi-minh",
                   "vungtau": "ho-chi-minh", "thuathienhue": "hue"})
    return lookup


_LOOKUP = _build_lookup()


def resolve_province(value: str) -> str | None:
    """Map a current code, a current or former name (any accents, any case) to a code."""
    if not value:
        return None
    return _LOOKUP.get(_key(value.strip()))


def province_name(code: str) -> str:
    return PROVINCES[code][0] if code in PROVINCES else ""

