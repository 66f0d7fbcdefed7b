"""What a question expects back: a choice among phrases, free speech, or digits; and the answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}


@dataclass(frozen=True)
class Choices:
    """A closed set: each choice has the phrases that say it and, optionally, a key that selects it.

    Args:
        options: choice name -> phrases a caller may say for it.
        keys: DTMF key -> choice name.
        min_confidence: below this the recognition counts as no match.
    """

    options: dict[str, tuple[str, ...]]
    keys: dict[str, str] = field(default_factory=dict)
    min_confidence: float = 0.35
    role = "grammar"

    def phrases(self) -> list[str]:
        return sorted({phrase for phrases in self.options.values() for phrase in phrases})

    def choice_for(self, text: str) -> str | None:
        """The choice whose phrase `text` is (exactly, else the closest phrase by fuzzy match)."""
        normalized = normalize(text)
        if not normalized:
            return None
        by_phrase = {normalize(p): name for name, phrases in self.options.items() for p in phrases}
        if normalized in by_phrase:
            return by_phrase[normalized]
        best = process.extractOne(normalized, list(by_phrase), scorer=fuzz.ratio, score_cutoff=80)
        return by_phrase[best[0]] if best else None


@dataclass(frozen=True)
class FreeSpeech:
    """Anything the caller says (the reason for calling, a message): transcribed by dictation."""

    role = "dictation"


@dataclass(frozen=True)
class Digits:
    """A number, pressed on the keypad (ended by `terminator` or `max_digits`) or spoken."""

    max_digits: int = 20
    terminator: str = "#"
    role = "dictation"

    @staticmethod
    def from_speech(text: str) -> str:
        words = normalize(text).split()
        return "".join(DIGIT_WORDS.get(word, word if word.isdigit() else "") for word in words)


@dataclass(frozen=True)
class Phrases:
    """A grammar built at run time (the owner's commands with the phonebook's names).

    The answer keeps what the recognizer heard, with its alternatives, for the flow to interpret.

    Args:
        grammar: the grammar, compiled by the grammar engine.
        keys: DTMF key -> the choice it selects.
        stream: makes the recognition stream for one answer, when the grammar engine's own
            stream is not what the grammar's owner wants (it may combine engines).
    """

    grammar: object
    keys: dict[str, str] = field(default_factory=dict)
    stream: Callable[[], object] | None = None
    role = "grammar"


Expectation = Choices | FreeSpeech | Digits | Phrases


@dataclass
class Answer:
    """What a question got back.

    `kind` is "speech", "dtmf", "no-input" (nothing said or pressed) or "no-match" (said, not understood).
    """

    kind: str
    text: str = ""
    choice: str | None = None
    confidence: float = 0.0
    digits: str = ""
    attempts: int = 1
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    @property
    def understood(self) -> bool:
        return self.kind in ("speech", "dtmf")


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9' ]", " ", text.lower())).strip()
