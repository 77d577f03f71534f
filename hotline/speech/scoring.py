"""Word error rate of Vietnamese transcripts, with and without diacritics.

Both sides are tokenised by vntext (NFC, lowercase, punctuation dropped) so that a
transcript is never penalised for commas or capitals; the folded score also removes tone
marks and "đ", which tells how much of the error is tones only (a reader still recognises
"tin nhan" as "tin nhắn"). Used by the tests and by bench/asr.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import jiwer
import vntext


def words(text: str, *, folded: bool = False) -> list[str]:
    return vntext.tokenize(vntext.fold(text) if folded else text)


def word_error_rate(references: Sequence[str], hypotheses: Sequence[str], *,
                    folded: bool = False) -> float:
    """Corpus WER: all edits over all reference words (not a mean of sentence rates)."""
    refs = [" ".join(words(text, folded=folded)) for text in references]
    hyps = [" ".join(words(text, folded=folded)) for text in hypotheses]
    if not any(refs):
        raise ValueError("the references hold no words")
    # jiwer refuses empty references; an empty hypothesis is ordinary (all words deleted).
    pairs = [(ref, hyp) for ref, hyp in zip(refs, hyps, strict=True) if ref]
    return float(jiwer.wer([ref for ref, _ in pairs], [hyp for _, hyp in pairs]))
