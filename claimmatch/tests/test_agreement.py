"""The details guard: numbers, dates and places must agree before a text-only auto-link."""

import pytest

import vntext
from claimmatch import HashingEmbedder, MatchConfig, Matcher
from claimmatch.agreement import Details, conflicts, numbers_in
from claimmatch.text_keys import text_keys

RUMOUR = "Bão số 3 làm 12 người chết ở Hà Nội vào ngày 5 tháng 9, chính quyền giấu thông tin"


def details(text: str) -> Details:
    return text_keys(text).details


@pytest.mark.parametrize(
    "raw, expected",
    [
        (["1.000.000đ"], {"1000000"}),
        (["1,000,000"], {"1000000"}),
        (["3,5"], {"3.5"}),
        (["3.50"], {"3.5"}),
        (["05"], {"5"}),
        (["500k"], {"500"}),
        (["10h30"], {"10", "30"}),
    ],
)
def test_numbers_are_canonical(raw, expected):
    assert numbers_in(raw) == expected


@pytest.mark.parametrize(
    "variant",
    [
        RUMOUR,
        vntext.strip_diacritics(RUMOUR),  # no accents
        "mn ơi bão số 3 làm 12 ng chết ở hn ko, ngày 5/9 chính quyền giấu thông tin",  # chat
        "Bao so 3 lam 12 nguoi chet o ha noi ngay 05-09 chinh quyen giau thong tin",
        "Bão làm 12 người chết ở Hà Nội, chính quyền giấu thông tin",  # leaves details out
    ],
)
def test_variants_of_one_rumour_agree(variant):
    assert conflicts(details(variant), details(RUMOUR)) == ()


@pytest.mark.parametrize(
    "other, kinds",
    [
        (RUMOUR.replace("12 người", "21 người"), ("numbers",)),
        (RUMOUR.replace("ngày 5", "ngày 6"), ("numbers",)),
        (RUMOUR.replace("Hà Nội", "Đà Nẵng"), ("places",)),
        (vntext.strip_diacritics(RUMOUR.replace("Hà Nội", "Đà Nẵng")), ("places",)),
        (RUMOUR.replace("Hà Nội", "Sài Gòn").replace("12", "13"), ("numbers", "places")),
    ],
)
def test_changed_place_number_or_date_conflicts(other, kinds):
    assert conflicts(details(other), details(RUMOUR)) == kinds


def test_links_do_not_count_as_details():
    a = details("Tin giả về bão ở Hà Nội https://facebook.com/groups/111/posts/222")
    b = details("Tin giả về bão ở Hà Nội https://facebook.com/groups/333/posts/444?utm_source=zalo")
    assert a.numbers == frozenset() and conflicts(a, b) == ()


def test_same_place_under_another_name_agrees():
    assert conflicts(details("cháy lớn ở TP.HCM tối qua"), details("chay lon o sai gon toi qua")) == ()


# --- in the matcher -------------------------------------------------------------------------


@pytest.fixture
def matcher() -> Matcher:
    m = Matcher(MatchConfig(), HashingEmbedder())
    m.add(1, RUMOUR)
    return m


def test_hard_negative_is_suggested_not_linked(matcher):
    for other in (RUMOUR.replace("12 người", "21 người"), RUMOUR.replace("Hà Nội", "Đà Nẵng"),
                  vntext.strip_diacritics(RUMOUR.replace("ngày 5", "ngày 6"))):
        candidates = matcher.query(other)
        top = candidates[0]
        assert top.claim_id == 1 and top.score >= matcher.config.autolink_threshold
        decision = matcher.decide(other, candidates)
        assert decision.action == "suggest" and decision.claim_id == 1
        assert "differ" in decision.explanation


def test_the_same_rumour_retyped_still_links(matcher):
    for variant in (vntext.strip_diacritics(RUMOUR), RUMOUR + " thật không ạ?"):
        decision = matcher.match(variant)
        assert decision.action == "link" and decision.claim_id == 1


def test_agreeing_claim_is_linked_even_when_a_differing_one_scores_higher(matcher):
    twin = RUMOUR.replace("Hà Nội", "Đà Nẵng")
    matcher.add(2, twin)
    report = vntext.strip_diacritics(twin)
    decision = matcher.match(report)
    assert decision.action == "link" and decision.claim_id == 2
    # and the other way round
    assert matcher.match(vntext.strip_diacritics(RUMOUR)).claim_id == 1


def test_same_link_still_links_despite_a_differing_number(matcher):
    url = "https://www.facebook.com/groups/123/posts/456/"
    matcher.add(3, "Bài đăng nói 40 người bị bắt vì tung tin giả về bão ở Huế", urls=[url])
    report = "Bài đăng nói 400 người bị bắt vì tung tin giả về bão ở Huế"
    decision = matcher.match(report, urls=[url + "?fbclid=IwAR123"])
    assert decision.action == "link" and decision.claim_id == 3
    assert "same_link" in decision.reasons


def test_candidate_signals_name_the_differing_kind(matcher):
    top = matcher.query(RUMOUR.replace("Hà Nội", "Huế"))[0]
    assert top.signals.get("places_differ") == 1.0 and "numbers_differ" not in top.signals


def test_a_repeated_number_changed_once_conflicts():
    claim = "bà cụ 92 tuổi vẫn mang thai, trường hợp cụ bà dù đã 92 tuổi khiến bác sĩ kinh ngạc"
    copy = claim.replace("92", "132", 1)
    assert conflicts(details(copy), details(claim)) == ("numbers",)
    # naming the number once where the claim names it twice is an omission, not a change
    shorter = "bà cụ 92 tuổi vẫn mang thai khiến bác sĩ kinh ngạc"
    assert conflicts(details(shorter), details(claim)) == ()


def test_a_repeated_place_changed_once_conflicts():
    claim = "Hà Nội ngập nặng, người dân Hà Nội đi lại bằng thuyền"
    assert conflicts(details(claim.replace("Hà Nội", "Huế", 1)), details(claim)) == ("places",)
