from vntext import words


def test_multi_syllable_words_are_joined():
    result = words("Bộ Y tế khuyến cáo người dân không hoang mang vì tin giả về dịch bệnh.")
    assert "dịch_bệnh" in result
    assert "khuyến_cáo" in result
    assert "y_tế" in result
    assert all(w == w.lower() for w in result)
    assert "." not in result


def test_syllables_are_all_kept_in_order():
    text = "Bộ Y tế khuyến cáo người dân không hoang mang"
    assert "_".join(words(text)).replace("_", " ") == text.lower()


def test_unaccented_input_works():
    result = words("bo y te khuyen cao nguoi dan khong hoang mang")
    assert " ".join(result).replace("_", " ") == "bo y te khuyen cao nguoi dan khong hoang mang"


def test_links_and_amounts_pass_through():
    result = words("Giá 1.000.000đ, xem https://vnexpress.net/tin-gia-123.html ngay")
    assert "1.000.000đ" in result
    assert "https://vnexpress.net/tin-gia-123.html" in result


def test_empty_and_symbols_only():
    assert words("") == []
    assert words("😀 !!! ...") == []
