"""Long inputs and real Vietnamese posts (read from the shared data folder, never copied)."""

import csv
import os
from pathlib import Path

import pytest

from vntext import (
    clean,
    expand_chat,
    fold,
    normalize,
    search_key,
    strip_diacritics,
    tokenize,
    words,
)
from vntext.chat import CHAT_SPELLINGS

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("TINGIA_SHARED_DATA", REPO_ROOT / ".." / "shared" / "data"))
NEWS_CSV = SHARED_DATA / "vn-news-dataset-v2" / "val_data.csv"


def long_text() -> str:
    piece = "Tin giả: hoà bình, THUÝ ko dc 500k 😀 https://fb.com/a?utm_source=x\u200b "
    return (piece * (10_000 // len(piece) + 1))[:10_000]


def test_ten_thousand_characters_go_through_every_function():
    text = long_text()
    assert len(clean(text)) > 9_000
    normalized = normalize(text)
    assert "hòa" in normalized and "hoà" not in normalized
    assert "không được" in expand_chat(normalized)
    assert len(tokenize(text)) > 1_000
    assert "tin gia hoa binh thuy khong duoc 500k" in search_key(text)
    assert fold(text).startswith("tin gia")
    assert strip_diacritics(text).startswith("Tin gia")
    assert len(words(text)) > 1_000


def test_one_huge_word_and_many_marks_do_not_blow_up():
    assert normalize("a" * 10_000) == "a" * 10_000
    assert normalize("a" + "\u0301" * 10_000) == "á"
    assert search_key("k " * 5_000) == " ".join(["khong"] * 5_000)


def news_texts() -> list[str]:
    if not NEWS_CSV.exists():
        pytest.skip(f"shared data not found at {NEWS_CSV}")
    with NEWS_CSV.open(encoding="utf-8") as handle:
        return [row["content"] for row in csv.DictReader(handle)]


def test_real_posts_keep_their_key_when_typed_without_accents():
    """Only chat shorthands listed in accented form may change the key (e.g. "hông")."""
    differing = []
    for text in news_texts():
        accented = search_key(text).split()
        plain = search_key(strip_diacritics(text)).split()
        if accented != plain:
            differing.append(text)
    for text in differing:
        lowered = normalize(text).lower().split()
        assert any(word in CHAT_SPELLINGS and fold(word) != word for word in lowered), text
    assert len(differing) < len(news_texts()) * 0.05


def test_real_posts_are_already_mostly_canonical():
    """The traditional tone style was chosen because it is what people type."""
    texts = news_texts()
    words_total = sum(len(text.split()) for text in texts)
    changed = sum(
        a != b for text in texts for a, b in zip(text.split(), normalize(text).split())
    )
    assert changed < words_total * 0.01
