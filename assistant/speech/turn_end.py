"""Whether what a caller has said so far is a whole answer, so that a short pause may end the turn.

A turn normally ends after a fixed quiet (450 ms after a command, 900 ms after free speech),
long enough for a caller who pauses to think. When what was heard already is a whole answer
(a phrase of the question's grammar that no phrase of another choice begins with; a sentence that
Whisper closed with a full stop and that does not end on a word that leads on; all the
digits asked for), a shorter quiet ends it instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from assistant.speech.textnorm import normalize

# Words a sentence does not end on: the caller paused and goes on ("I'm calling about the ...").
LEADING_ON = frozenset(
    """
    a an the and or but so because if that which who whose when where while than then to of
    in on at by for from with about into onto over under after before as like is are was were
    be been am im its my your his her our their this these those there here some any
    um uh er ah hmm well also just very really please can could would will should may might
    must shall do does did have has had not no nor either neither both each every
    """.split()
)
SENTENCE_END = re.compile(r"[.!?]['\")\]]*$")


def sentence_complete(text: str) -> bool:
    """A dictated sentence that reads as finished: closed by . ! or ? (not "..."), on no word leading on."""
    stripped = text.strip()
    if not stripped or stripped.endswith(("...", "…")) or not SENTENCE_END.search(stripped):
        return False
    words = normalize(stripped).split()
    return bool(words) and words[-1] not in LEADING_ON


def choice_complete(options: Mapping[str, Iterable[str]]) -> Callable[[str], bool]:
    """A check that a grammar's partial result is a phrase of a choice and whatever longer phrase
    begins with it says the same choice ("no" then "no thanks": the answer is "no" either way)."""
    choice_of = {normalize(phrase): choice for choice, phrases in options.items() for phrase in phrases}

    def complete(text: str) -> bool:
        heard = normalize(text)
        if heard not in choice_of:
            return False
        longer = (choice for phrase, choice in choice_of.items() if phrase.startswith(heard + " "))
        return all(choice == choice_of[heard] for choice in longer)

    return complete


def digits_complete(count: int, read: Callable[[str], str]) -> Callable[[str], bool]:
    """A check that `read` finds at least `count` digits in what was dictated."""
    return lambda text: len(read(text)) >= count
