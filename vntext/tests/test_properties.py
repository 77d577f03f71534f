import unicodedata

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vntext import fold, normalize, search_key, strip_diacritics
from vntext.chat import CHAT_SPELLINGS
from vntext.tests.vocabulary import (
    CLOSED_RHYMES,
    ONSETS,
    OPEN_RHYMES,
    TONES,
    rhyme_vowel_positions,
    valid_onset,
    with_tone_at,
)

rhymes = st.sampled_from(OPEN_RHYMES + CLOSED_RHYMES)
onsets = st.sampled_from(ONSETS)
tones = st.sampled_from(TONES)


@st.composite
def syllables(draw, any_position: bool = True) -> str:
    """A Vietnamese syllable whose tone may sit on any of its vowels."""
    onset, rhyme, tone = draw(onsets), draw(rhymes), draw(tones)
    assume(valid_onset(onset, rhyme))
    positions = rhyme_vowel_positions(rhyme)
    position = draw(st.sampled_from(positions)) if any_position else positions[0]
    return with_tone_at(onset, rhyme, tone, position)


def is_chat_form(word: str) -> bool:
    lowered = word.lower()
    return lowered in CHAT_SPELLINGS or strip_diacritics(lowered) in CHAT_SPELLINGS


vietnamese_text = st.lists(
    st.tuples(syllables(), st.sampled_from(["lower", "upper", "title"])).map(
        lambda pair: getattr(pair[0], pair[1])()
    ),
    min_size=1,
    max_size=12,
).filter(lambda ws: not any(is_chat_form(w) for w in ws)).map(" ".join)

any_text = st.text(max_size=60) | vietnamese_text


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_fold_leaves_no_combining_marks(text):
    folded = fold(text)
    assert not any(unicodedata.category(char).startswith("M") for char in folded)
    assert not any(char in "đĐ" for char in folded)


@settings(max_examples=150, deadline=None)
@given(vietnamese_text)
def test_key_does_not_depend_on_accents(text):
    assert search_key(strip_diacritics(text)) == search_key(text)


@settings(max_examples=150, deadline=None)
@given(vietnamese_text)
def test_key_does_not_depend_on_decomposition(text):
    assert search_key(unicodedata.normalize("NFD", text)) == search_key(text)


@settings(max_examples=150, deadline=None)
@given(onsets, rhymes, st.sampled_from(TONES[1:]))
def test_every_tone_position_in_a_syllable_normalizes_the_same(onset, rhyme, tone):
    assume(valid_onset(onset, rhyme))
    variants = {
        normalize(with_tone_at(onset, rhyme, tone, position))
        for position in rhyme_vowel_positions(rhyme)
    }
    assert len(variants) == 1


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_nothing_raises_and_types_are_right(text):
    from vntext import clean, expand_chat, has_diacritics, tokenize

    assert isinstance(clean(text), str)
    assert isinstance(expand_chat(normalize(text)), str)
    assert isinstance(has_diacritics(text), bool)
    assert all(isinstance(token, str) and token for token in tokenize(text))
    assert isinstance(search_key(text), str)
