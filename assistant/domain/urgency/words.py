"""What a caller said, as words: tokens, their stems (word forms), and which of them are negated.

"I need help urgently" and "I was arrested" share stems with "urgent" and "arrest"; in "it's not
urgent" and "no rush" the words after the negator are marked negated, up to the end of the clause
("not urgent, but the hearing moved" keeps "hearing" plain).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import snowballstemmer

NEGATORS = frozenset(
    {"not", "no", "never", "nothing", "none", "nobody", "without", "neither", "nor", "hardly"}
)
CLAUSE_BREAKS = frozenset({"but", "though", "although", "however", "except", "yet", "and"})
NEGATION_SCOPE = 3
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?]")
_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Words:
    """The words of a sentence, lower-cased without punctuation, with stems and negation marks."""

    tokens: tuple[str, ...]
    stems: tuple[str, ...]
    negated: tuple[bool, ...]


@cache
def stem(word: str) -> str:
    """The word's stem: "urgently" -> "urgent", "arrested" -> "arrest", "hearings" -> "hear"."""
    return _STEMMER.stemWord(word.replace("'", ""))


def is_negator(token: str) -> bool:
    return token in NEGATORS or token.endswith("n't")


def read_words(text: str) -> Words:
    """Tokens of `text` with their stems and whether a negator before them in the clause covers them."""
    raw = _TOKEN.findall((text or "").lower().replace("\u2019", "'"))
    tokens: list[str] = []
    negated: list[bool] = []
    scope = 0
    for token in raw:
        if not token[0].isalnum() or token in CLAUSE_BREAKS:
            scope = 0
            if not token[0].isalnum():
                continue
        tokens.append(token)
        negated.append(scope > 0)
        scope = NEGATION_SCOPE if is_negator(token) else max(scope - 1, 0)
    return Words(tuple(tokens), tuple(stem(t) for t in tokens), tuple(negated))
