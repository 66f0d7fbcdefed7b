"""Is this call important enough to ring the owner? A pure decision over what is known of the caller.

Signals, strongest first: a blocked number (never), a VIP number, a phonebook contact marked
important, the caller pressing the "urgent" key, explicit phrases ("it's urgent"), and the owner's
importance words found in what the caller said (fuzzy, so ASR slips like "hearin" still count).
A negated mention ("not urgent", "no rush") does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

DEFAULT_IMPORTANCE_WORDS = (
    "urgent",
    "emergency",
    "important",
    "court",
    "hearing",
    "deadline",
    "asap",
    "injunction",
    "subpoena",
    "arrest",
    "filing",
    "trial",
    "police",
)
EXPLICIT_PHRASES = (
    "it's urgent",
    "it is urgent",
    "this is urgent",
    "very urgent",
    "an emergency",
    "it's an emergency",
    "very important",
    "it's important",
    "really important",
    "as soon as possible",
    "right away",
    "life or death",
)
NEGATIONS = ("not", "no", "isn't", "nothing", "non", "without")
CALM_PHRASES = (
    "no rush",
    "no hurry",
    "whenever you can",
    "not urgent",
    "nothing urgent",
    "not important",
    "when you have time",
    "at your convenience",
)
WORD_MATCH_SCORE = 86


@dataclass(frozen=True)
class Decision:
    important: bool
    reason: str


def normalize_number(number: str) -> str:
    digits = re.sub(r"[^\d+]", "", number or "")
    return digits


def is_listed(number: str, numbers: tuple[str, ...]) -> bool:
    """Whether `number` is among `numbers`, ignoring formatting (spaces, dashes, brackets)."""
    wanted = normalize_number(number)
    return bool(wanted) and wanted in {normalize_number(n) for n in numbers}


def decide_importance(
    transcript: str,
    *,
    caller_number: str = "",
    vip_numbers: tuple[str, ...] = (),
    blocked_numbers: tuple[str, ...] = (),
    contact_important: bool = False,
    pressed_urgent: bool = False,
    importance_words: tuple[str, ...] = DEFAULT_IMPORTANCE_WORDS,
) -> Decision:
    """Decide importance; the reason names the signal that decided it."""
    if is_listed(caller_number, blocked_numbers):
        return Decision(False, "blocked number")
    if is_listed(caller_number, vip_numbers):
        return Decision(True, "VIP caller")
    if contact_important:
        return Decision(True, "important contact")
    if pressed_urgent:
        return Decision(True, "caller pressed the urgent key")
    text = " " + re.sub(r"[^a-z' ]", " ", (transcript or "").lower()) + " "
    text = re.sub(r"\s+", " ", text)
    for phrase in CALM_PHRASES:
        if f" {phrase} " in text:
            calm = phrase
            break
    else:
        calm = None
    for phrase in EXPLICIT_PHRASES:
        if f" {phrase} " in text:
            return Decision(True, f'said "{phrase}"')
    words = text.split()
    for index, word in enumerate(words):
        for keyword in importance_words:
            if _matches(word, keyword.lower()) and not _negated(words, index):
                if calm and keyword.lower() in calm:
                    continue
                return Decision(True, f'said "{keyword}"')
    if calm:
        return Decision(False, f'said "{calm}"')
    return Decision(False, "no sign of importance" if words else "nothing said")


def _matches(word: str, keyword: str) -> bool:
    if word == keyword:
        return True
    if len(keyword) < 5 or len(word) < 4:
        return False
    return fuzz.ratio(word, keyword) >= WORD_MATCH_SCORE


def _negated(words: list[str], index: int) -> bool:
    return any(word in NEGATIONS for word in words[max(0, index - 2) : index])
