from vntext import clean


def test_empty_string_stays_empty():
    assert clean("") == ""


def test_zero_width_characters_are_removed():
    assert clean("tin\u200b gi\u200cả\u2060\ufeff") == "tin giả"


def test_soft_hyphen_and_bidi_overrides_are_removed():
    assert clean("fa\u00adcebook\u202e.com\u202c") == "facebook.com"


def test_control_characters_go_but_newline_and_tab_stay():
    assert clean("a\x00b\x07c\td\ne\x1b[0m") == "abc\td\ne[0m"


def test_windows_and_unicode_line_breaks_become_newline():
    assert clean("một\r\nhai\rba\u2028bốn") == "một\nhai\nba\nbốn"


def test_lone_surrogates_and_replacement_characters_are_removed():
    broken = "gi\ud83d\u1ea3 m\ufffdạo \udcff"
    assert clean(broken) == "giả mạo"


def test_exotic_spaces_collapse_to_one_ascii_space():
    assert clean("tin\u00a0\u00a0 giả\u3000  lắm") == "tin giả lắm"


def test_spaces_around_line_breaks_and_at_ends_are_trimmed():
    assert clean("  dòng một  \n   dòng hai \t ") == "dòng một\ndòng hai"


def test_at_most_one_empty_line_is_kept():
    assert clean("a\n\n\n\n\nb") == "a\n\nb"


def test_zero_width_joiner_inside_an_emoji_sequence_is_kept():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean(family) == family
    assert clean("ab\u200dcd") == "abcd"


def test_only_invisible_characters_give_empty_string():
    assert clean("\u200b\u200c\x00\ufeff   \ufffd") == ""


def test_non_str_input_is_a_clear_type_error():
    import pytest

    with pytest.raises(TypeError, match="expects str"):
        clean(b"bytes")  # type: ignore[arg-type]
