from hotline.speech.scoring import word_error_rate


def test_wer_ignores_case_and_punctuation_and_folds_tones():
    ref = ["Tin nhắn giả, ngân hàng khóa tài khoản!"]
    assert word_error_rate(ref, ["tin nhắn giả ngân hàng khóa tài khoản"]) == 0
    assert word_error_rate(ref, ["tin nhan gia ngan hang khoa tai khoan"]) == 7 / 8  # "tin" has no mark
    assert word_error_rate(ref, ["tin nhan gia ngan hang khoa tai khoan"], folded=True) == 0


def test_wer_is_corpus_level_and_counts_insertions():
    refs = ["một hai", "ba bốn năm sáu"]
    hyps = ["một", "ba bốn năm sáu bảy tám"]  # 1 deletion + 2 insertions over 6 words
    assert word_error_rate(refs, hyps) == 0.5
    assert word_error_rate(["một hai"], [""]) == 1
