"""Word error rate: word-level edit distance between a reference and a transcript.

Both texts are normalized with :func:`assistant.speech.textnorm.normalize` first. A corpus WER
is the total number of edits over the total number of reference words, not a mean of
per-utterance rates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.speech.textnorm import words


def edit_distance(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Fewest substitutions, deletions and insertions turning `reference` into `hypothesis`."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, start=1):
        current = [i]
        for j, hyp_word in enumerate(hypothesis, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (ref_word != hyp_word),
                )
            )
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class WordErrors:
    """Edits needed and reference length, the two numbers a WER is made of."""

    edits: int
    reference_words: int

    @property
    def rate(self) -> float:
        """Edits per reference word; an empty reference scores 0.0 if matched, else 1.0."""
        if self.reference_words == 0:
            return 0.0 if self.edits == 0 else 1.0
        return self.edits / self.reference_words


def word_errors(reference: str, hypothesis: str) -> WordErrors:
    """Edits between the normalized words of `reference` and `hypothesis`."""
    ref_words = words(reference)
    return WordErrors(edit_distance(ref_words, words(hypothesis)), len(ref_words))


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of one transcript against its reference (may exceed 1.0)."""
    return word_errors(reference, hypothesis).rate


def corpus_wer(pairs: Iterable[tuple[str, str]]) -> float:
    """WER over many (reference, hypothesis) pairs: total edits / total reference words."""
    results = [word_errors(reference, hypothesis) for reference, hypothesis in pairs]
    return WordErrors(
        sum(result.edits for result in results), sum(result.reference_words for result in results)
    ).rate
