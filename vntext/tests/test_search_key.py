from vntext import search_key, strip_diacritics


def test_key_of_accented_and_unaccented_text_is_equal():
    text = "Thủ tướng yêu cầu xử lý nghiêm tin giả về dịch bệnh"
    assert search_key(text) == search_key(strip_diacritics(text))
    assert search_key(text) == "thu tuong yeu cau xu li nghiem tin gia ve dich benh"


def test_partial_diacritics_give_the_same_key():
    assert search_key("Thủ tuong yeu cầu xử ly") == search_key("Thủ tướng yêu cầu xử lý")


def test_tone_style_and_encoding_do_not_matter():
    import unicodedata

    assert search_key("hoà bình") == search_key(unicodedata.normalize("NFD", "hòa bình"))


def test_chat_spelling_gives_the_standard_key():
    chat = "ko dc chia sẻ tin này vs ai"
    assert search_key(chat) == search_key("không được chia sẻ tin này với ai")


def test_punctuation_emoji_and_case_do_not_matter():
    assert search_key("TIN GIẢ!!! 😡😡 Đừng share…") == "tin gia dung share"


def test_price_k_is_not_khong():
    assert search_key("bán 500k một hộp") == "ban 500k mot hop"


def test_links_survive_in_the_key():
    assert "facebook.com/abc" in search_key("xem facebook.com/abc nhé")


def test_empty():
    assert search_key("") == ""


def test_i_and_y_spellings_of_one_syllable_share_a_key():
    assert search_key("kỹ thuật, lý do, Mỹ, quy định, tỷ đồng, hy vọng") == search_key(
        "kĩ thuật, lí do, Mĩ, qui định, tỉ đồng, hi vọng"
    )
    assert search_key("kỹ thuật") == "ki thuat"


def test_y_that_is_a_syllable_or_in_a_rhyme_stays():
    assert search_key("y tế, yêu, quyển, thúy, ý kiến") == "y te yeu quyen thuy y kien"


def test_search_key_of_normalized_text_equals_search_key():
    from vntext import normalize
    from vntext.keys import search_key_of_normalized

    for text in ("Hoà bình ko dc đâu https://Fb.com/Abc?x=1", "Thuý  kỹ\u00a0sư 500k",
                 "NFD: Ha\u0300 No\u0323\u0302i", ""):
        assert search_key_of_normalized(normalize(text)) == search_key(text)
