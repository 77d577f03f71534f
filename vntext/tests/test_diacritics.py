import unicodedata

from vntext import fold, has_diacritics, strip_diacritics


def test_fold_lowercases_and_strips_everything():
    assert fold("Tin giả Đà Nẵng") == "tin gia da nang"


def test_fold_maps_d_with_stroke_both_cases():
    assert fold("ĐƯỜNG đi") == "duong di"
    assert fold("\u00d0ồng") == "dong"


def test_fold_treats_old_and_new_tone_styles_alike():
    assert fold("hoà bình") == fold("hòa bình") == "hoa binh"


def test_fold_of_decomposed_input():
    assert fold(unicodedata.normalize("NFD", "Nguyễn Thị Thủy")) == "nguyen thi thuy"


def test_fold_turns_compatibility_forms_into_plain_ones():
    assert fold("ＣＯＶＩＤ－１９") == "covid-19"


def test_strip_diacritics_keeps_case():
    assert strip_diacritics("Thủ tướng ĐỀ NGHỊ") == "Thu tuong DE NGHI"


def test_strip_diacritics_leaves_plain_text_alone():
    assert strip_diacritics("tin gia 500k") == "tin gia 500k"


def test_has_diacritics():
    assert has_diacritics("tin giả")
    assert has_diacritics("đi")
    assert not has_diacritics("tin gia")
    assert not has_diacritics("")
    assert not has_diacritics("😀 123")


def test_mixed_scripts_do_not_crash_and_keep_their_letters():
    text = "Tin giả Москва́ 東京 ᾅ"
    assert fold(text) == "tin gia москва 東京 α"
    assert strip_diacritics(text) == "Tin gia Москва 東京 α"
