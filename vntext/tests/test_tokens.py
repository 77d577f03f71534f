from vntext import tokenize


def test_punctuation_dropped_and_lowercased():
    assert tokenize("Tin GIẢ!!! Đừng chia sẻ...") == ["tin", "giả", "đừng", "chia", "sẻ"]


def test_tokens_are_normalized():
    assert tokenize("Hoà bình, THUÝ") == ["hòa", "bình", "thúy"]


def test_emoji_dropped():
    assert tokenize("😀 tin 🔥 giả 👨\u200d👩\u200d👧") == ["tin", "giả"]


def test_emoji_only_gives_no_tokens():
    assert tokenize("😀🔥🙏🏻") == []


def test_empty_gives_no_tokens():
    assert tokenize("") == []


def test_links_are_one_token_as_written():
    tokens = tokenize("Xem https://www.Facebook.com/Page/posts/123?a=1, rồi fb.watch/AbC.")
    assert tokens == ["xem", "https://www.Facebook.com/Page/posts/123?a=1", "rồi", "fb.watch/AbC"]


def test_amounts_stay_one_token():
    assert tokenize("giá 1.000.000đ, lãi 3,5% hoặc 500k") == [
        "giá", "1.000.000đ", "lãi", "3,5", "hoặc", "500k",
    ]


def test_mixed_scripts():
    assert tokenize("Tin giả: Путин, 習近平!") == ["tin", "giả", "путин", "習近平"]
