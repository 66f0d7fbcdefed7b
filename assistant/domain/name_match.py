"""Who the owner meant: a recognizer's n-best names re-ranked against the phonebook, and what to do.

:class:`NameMatcher` scores every person of the book against what was heard. A name heard is
compared with each spoken form of each person (:meth:`Phonebook.spoken_forms`) two ways, and
the two similarities averaged:

* spelling: rapidfuzz's ``ratio`` of the folded texts ("jon smyth" vs "john smith": 0.84);
* sound: the same ratio of their phonetic keys (:func:`phonetic_key`, a small Metaphone-like
  key: "jon smyth" and "john smith" are both ``JN SM0``: 1.0).

So a near-homophone of the name heard stays close behind it even when the recognizer's n-best
does not contain it (recognizers constrained by a grammar rarely give more than one distinct
name). Each n-best entry counts with its confidence relative to the best entry's, and a
person's score is their best over the entries: 1.0 for an exact match of the best entry.

:func:`decide` turns the ranking and the recognizer's confidence into "sure" (dial), "confirm"
(ask "Did you mean John Smith or Jon Smyth?", offering at most three) or "none" (ask again).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from assistant.domain.phonebook import Person, Phonebook, fold

# Thresholds, set on the fixtures' eval (audio-fixtures/namedial): see `decide`.
MIN_CONFIDENCE = 0.5
MIN_SCORE = 0.6
SURE_CONFIDENCE = 0.75
SURE_SCORE = 0.95
CLOSE_MARGIN = 0.12
MIN_SURE_WORDS = 2
MAX_OFFERED = 3
RANKED_KEPT = 5
SHORTLIST = 40
SPELLING_WEIGHT = 0.5

_INITIAL = (("kn", "n"), ("gn", "n"), ("pn", "n"), ("ps", "s"), ("wr", "r"), ("wh", "w"), ("x", "s"))
_RULES = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"sch", "sk"),
        (r"t?ch|sh|(?<=.)ti(?=[ao])", "X"),
        (r"ph", "f"),
        (r"th", "0"),
        (r"ck", "k"),
        (r"gh(?![aeiou])", ""),
        (r"dg(?=[eiy])", "j"),
        (r"c(?=[eiy])", "s"),
        (r"[cq]", "k"),
        (r"g(?=[eiy])", "j"),
        (r"g", "k"),
        (r"x", "ks"),
        (r"z", "s"),
        (r"v", "f"),
        (r"(?<=.)y", "a"),
        (r"[wh](?![aeiou])|(?<=[aeiou])w", ""),
        (r"(?<=[aeiou])h", ""),
    )
]


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """A Metaphone-like key of one folded word: consonant sounds, first vowel kept as "A"."""
    word = re.sub(r"[^a-z]", "", word)
    if not word:
        return ""
    for prefix, replacement in _INITIAL:
        if word.startswith(prefix):
            word = replacement + word[len(prefix) :]
            break
    for pattern, replacement in _RULES:
        word = pattern.sub(replacement, word)
    if not word:  # "h", "w": letters with no sound of their own
        return ""
    key = word[0].upper() if word[0] not in "aeiou" else "A"
    for char in word[1:]:
        if char in "aeiou":
            continue
        char = char.upper()
        if char != key[-1]:
            key += char
    return key


def phonetic_key(text: str) -> str:
    """The phonetic keys of the words of `text`, space-separated ("Jon Smyth" -> "JN SM0")."""
    return " ".join(key for key in (word_key(word) for word in fold(text).split()) if key)


def similarity(heard: str, form: str) -> float:
    """0..1: how alike two names are, by spelling and by sound (see the module docstring)."""
    heard_folded, form_folded = fold(heard), fold(form)
    spelling = fuzz.ratio(heard_folded, form_folded) / 100.0
    sound = fuzz.ratio(phonetic_key(heard_folded), phonetic_key(form_folded)) / 100.0
    return SPELLING_WEIGHT * spelling + (1.0 - SPELLING_WEIGHT) * sound


@dataclass(frozen=True)
class Candidate:
    """A person the owner may have meant, how well they fit (0..1), and the form that fit best."""

    person: Person
    score: float
    form: str = ""


@dataclass(frozen=True)
class Match:
    """What to do with a name.

    Attributes:
        kind: "sure" (dial `candidates[0]`), "confirm" (offer `candidates`), "none" (ask again).
        candidates: the people to dial or offer, best first (one when sure, at most three).
        ranked: the best few of the whole ranking, whatever the kind (for logs and evals).
        confidence: the recognizer's confidence in what it heard.
    """

    kind: str
    candidates: tuple[Candidate, ...] = ()
    ranked: tuple[Candidate, ...] = ()
    confidence: float = 0.0

    @property
    def person(self) -> Person | None:
        """The person to dial when sure, else None."""
        return self.candidates[0].person if self.kind == "sure" and self.candidates else None


class NameMatcher:
    """The phonebook indexed for scoring heard names (built once per phonebook).

    Args:
        phonebook: the owner's phonebook.
    """

    def __init__(self, phonebook: Phonebook) -> None:
        self.phonebook = phonebook
        forms = phonebook.spoken_forms()
        self._people = [form.person for form in forms]
        self._forms = [form.text for form in forms]
        self._folded = [fold(form.text) for form in forms]
        self._keys = [phonetic_key(text) for text in self._folded]
        self._order = {id(person): index for index, person in enumerate(phonebook.people)}
        self._form_indexes: dict[int, list[int]] = {}
        for index, person in enumerate(self._people):
            self._form_indexes.setdefault(id(person), []).append(index)

    def _heard(self, nbest: Sequence[tuple[str, float]]) -> list[tuple[str, str, float]]:
        """(folded text, phonetic key, weight relative to the best entry) of each name heard."""
        heard = [(fold(text), confidence) for text, confidence in nbest if fold(text)]
        if not heard:
            return []
        top_confidence = max(confidence for _, confidence in heard)
        return [
            (text, phonetic_key(text), confidence / top_confidence if top_confidence > 0 else 1.0)
            for text, confidence in heard
        ]

    def _fit(self, text: str, key: str, weight: float, index: int) -> float:
        spelling = fuzz.ratio(text, self._folded[index]) / 100.0
        sound = fuzz.ratio(key, self._keys[index]) / 100.0
        return weight * (SPELLING_WEIGHT * spelling + (1.0 - SPELLING_WEIGHT) * sound)

    def rank(self, nbest: Sequence[tuple[str, float]], limit: int = RANKED_KEPT) -> list[Candidate]:
        """People ranked by how well they fit the names heard.

        Args:
            nbest: names heard (just the name: "maria garcia"), with the recognizer's
                confidence, best first.
            limit: how many candidates to return.

        Returns:
            Up to `limit` candidates, best first; ties in phonebook order.
        """
        heard = self._heard(nbest)
        if not heard or not self._forms:
            return []
        best: dict[int, Candidate] = {}
        for text, key, weight in heard:
            shortlist = {
                index
                for _, _, index in process.extract(text, self._folded, scorer=fuzz.ratio, limit=SHORTLIST)
            }
            shortlist |= {
                index for _, _, index in process.extract(key, self._keys, scorer=fuzz.ratio, limit=SHORTLIST)
            }
            for index in shortlist:
                score = self._fit(text, key, weight, index)
                person = self._people[index]
                held = best.get(id(person))
                if held is None or score > held.score:
                    best[id(person)] = Candidate(person, round(score, 4), self._forms[index])
        ranked = sorted(best.values(), key=lambda c: (-c.score, self._order.get(id(c.person), 0)))
        return ranked[:limit]

    def score(self, nbest: Sequence[tuple[str, float]], people: Sequence[Person]) -> list[Candidate]:
        """How well each of `people` fits the names heard, scored as :meth:`rank` scores them.

        Args:
            nbest: names heard with the recognizer's confidence, best first (as for :meth:`rank`).
            people: people of the phonebook (others get no candidate).

        Returns:
            One candidate per person of the book, in the order given.
        """
        heard = self._heard(nbest)
        scored = []
        for person in people:
            indexes = self._form_indexes.get(id(person), [])
            fits = [(self._fit(text, key, weight, i), i) for text, key, weight in heard for i in indexes]
            if fits:
                score, index = max(fits, key=lambda fit: fit[0])
                scored.append(Candidate(person, round(score, 4), self._forms[index]))
        return scored


def decide(candidates: Sequence[Candidate], confidence: float) -> Match:
    """Dial, confirm or ask again.

    Args:
        candidates: the ranking of :meth:`NameMatcher.rank`, best first.
        confidence: the recognizer's confidence in the name it heard, 0..1.

    Returns:
        "none" when there is no candidate, the confidence is below ``MIN_CONFIDENCE`` or the
        best score below ``MIN_SCORE``. Otherwise the close candidates are the best one, those
        within ``CLOSE_MARGIN`` of it, and those whose form sounds the same (same phonetic key:
        "Karl Maier" and "Carl Meyer"), at most ``MAX_OFFERED``. "sure" when the best is the
        only close one, fits (score at least ``SURE_SCORE``), was heard with a confidence of at
        least ``SURE_CONFIDENCE``, and was said in at least ``MIN_SURE_WORDS`` words; else
        "confirm", offering the close candidates.

    On the fixtures' phone-line eval, names said in one word (a first name or a nickname
    alone: "call Sue") were recognized as the wrong person about half the time, and with full
    confidence; hence a one-word name is always confirmed.
    """
    ranked = tuple(candidates[:RANKED_KEPT])
    if not ranked or confidence < MIN_CONFIDENCE or ranked[0].score < MIN_SCORE:
        return Match("none", (), ranked, confidence)
    top = ranked[0]
    top_key = phonetic_key(top.form)
    close = tuple(
        c
        for c in ranked
        if c is top or c.score >= top.score - CLOSE_MARGIN or (top_key and phonetic_key(c.form) == top_key)
    )[:MAX_OFFERED]
    sure = (
        len(close) == 1
        and top.score >= SURE_SCORE
        and confidence >= SURE_CONFIDENCE
        and len(top.form.split()) >= MIN_SURE_WORDS
    )
    return Match("sure" if sure else "confirm", close, ranked, confidence)
