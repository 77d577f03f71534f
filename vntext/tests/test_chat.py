import pytest

from vntext import expand_chat


@pytest.mark.parametrize(
    "chat, standard",
    [
        ("ko", "không"),
        ("kô", "không"),
        ("k", "không"),
        ("hok", "không"),
        ("hông", "không"),
        ("kh", "không"),
        ("dc", "được"),
        ("đc", "được"),
        ("dk", "được"),
        ("đk", "được"),
        ("vs", "với"),
        ("j", "gì"),
        ("bít", "biết"),
    ],
)
def test_single_chat_words_expand(chat, standard):
    assert expand_chat(f"tôi {chat} nói") == f"tôi {standard} nói"


def test_sentence_with_several_shorthands():
    assert expand_chat("ko bít j hết, đi vs ai dc") == "không biết gì hết, đi với ai được"


def test_unaccented_sentence():
    assert expand_chat("tin nay ko dc chia se") == "tin nay không được chia se"


def test_price_with_k_stays():
    assert expand_chat("giá 500k thôi") == "giá 500k thôi"
    assert expand_chat("giá 500 k thôi") == "giá 500 k thôi"
    assert expand_chat("1.500 K một hộp") == "1.500 K một hộp"


def test_k_alone_is_khong():
    assert expand_chat("k") == "không"
    assert expand_chat("tôi k biết.") == "tôi không biết."
    assert expand_chat("thật k?") == "thật không?"


def test_k_inside_words_names_or_codes_stays():
    assert expand_chat("K-pop, kkk, user_k, #k, a/k") == "K-pop, kkk, user_k, #k, a/k"


def test_links_are_not_touched():
    text = "xem https://example.com/ko/dc?j=k và facebook.com/vs"
    assert expand_chat(text) == "xem https://example.com/ko/dc?j=k và facebook.com/vs"


def test_case_is_carried_over():
    assert expand_chat("Ko biết") == "Không biết"
    assert expand_chat("KO BIẾT") == "KHÔNG BIẾT"


def test_ordinary_words_that_look_like_chat_stay():
    text = "hồng hỏng hẻm bit khong duoc"
    assert expand_chat(text) == text


def test_empty_input():
    assert expand_chat("") == ""


@pytest.mark.parametrize(
    "chat, standard",
    [
        ("ck tiền xong bị block", "chuyển khoản tiền xong bị block"),
        ("ck cọc xong web biến mất", "chuyển khoản cọc xong web biến mất"),
        ("ck coc roi", "chuyển khoản coc roi"),
        ("ck 500k cho nó", "chuyển khoản 500k cho nó"),
        ("ck 2 triệu", "chuyển khoản 2 triệu"),
        ("ck 1.500.000 đ", "chuyển khoản 1.500.000 đ"),
    ],
)
def test_ck_before_money_is_a_bank_transfer(chat, standard):
    assert expand_chat(chat) == standard


@pytest.mark.parametrize(
    "chat, standard",
    [
        ("ck tôi đi làm", "chồng tôi đi làm"),
        ("ck trước của tôi", "chồng trước của tôi"),  # ex-husband, not "transfer first"
        ("ck 2 con rồi", "chồng 2 con rồi"),  # a bare small number is not an amount
        ("vk ck", "vợ chồng"),
        ("ck", "chồng"),
    ],
)
def test_ck_elsewhere_stays_husband(chat, standard):
    assert expand_chat(chat) == standard


def test_ck_glued_or_in_a_link_stays():
    assert expand_chat("ck2 tiền, ck-tien") == "ck2 tiền, ck-tien"
    assert expand_chat("xem https://x.vn/ck tiền") == "xem https://x.vn/ck tiền"
