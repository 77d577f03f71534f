"""Vietnamese syllables built from onsets, rhymes and tones, for property tests.

Generated rather than listed so that every rule of tone placement is exercised on every
rhyme shape, including the qu/gi onsets.
"""

import unicodedata

ONSETS = [
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
    "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
]
OPEN_RHYMES = [
    "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "âu", "ay", "ây",
    "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa", "ưi", "ưu", "oa", "oe",
    "uy", "uê", "uơ", "iêu", "yêu", "oai", "oay", "uôi", "ươi", "ươu", "uya", "uyu", "oeo",
]
CLOSED_RHYMES = [
    "an", "ang", "anh", "ac", "ach", "am", "ap", "at", "ăn", "ăng", "ăc", "ăm", "ăp", "ăt",
    "ân", "âng", "âc", "âm", "âp", "ât", "en", "eng", "ec", "em", "ep", "et", "ên", "ênh",
    "êch", "êm", "êp", "êt", "in", "inh", "ich", "im", "ip", "it", "on", "ong", "oc", "om",
    "op", "ot", "ôn", "ông", "ôc", "ôm", "ôp", "ôt", "ơn", "ơm", "ơp", "ơt", "un", "ung",
    "uc", "um", "up", "ut", "ưn", "ưng", "ưc", "ưt", "iên", "iêng", "iêc", "iêm", "iêp",
    "iêt", "yên", "yêt", "uôn", "uông", "uôc", "uôm", "uôt", "ươn", "ương", "ươc", "ươm",
    "ươp", "ươt", "oan", "oang", "oanh", "oac", "oach", "oat", "oăn", "oăng", "oăc",
    "oăt", "oen", "oet", "uân", "uâng", "uât", "uyên", "uyêt", "uyn", "uynh", "uych", "uyt",
]
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
VOWELS = set("aăâeêioôơuưy")


def rhyme_vowel_positions(rhyme: str) -> list[int]:
    return [i for i, char in enumerate(rhyme) if char in VOWELS]


def with_tone_at(syllable_onset: str, rhyme: str, tone: str, position: int) -> str:
    """Return onset + rhyme with ``tone`` attached to the vowel at ``position``."""
    chars = list(rhyme)
    chars[position] = chars[position] + tone
    return unicodedata.normalize("NFC", syllable_onset + "".join(chars))


def valid_onset(onset: str, rhyme: str) -> bool:
    """Skip onset/rhyme pairs that Vietnamese spelling never writes."""
    if onset in ("qu",) and rhyme[0] in "uo":
        return False
    if onset == "gi" and rhyme[0] in "iy":
        return False
    if onset in ("k", "gh", "ngh") and rhyme[0] not in "eêiy":
        return False
    if onset in ("c", "g", "ng") and rhyme[0] in "eêiy":
        return False
    return True
