"""When the words heard so far are a whole answer, so that a short pause ends the turn."""

from __future__ import annotations

import pytest

from assistant.speech.expect import Digits
from assistant.speech.turn_end import choice_complete, digits_complete, sentence_complete


@pytest.mark.parametrize(
    "text",
    ["This is Maria Garcia.", "It's about my invoice!", "Can you call me back?", "Yes.", 'He said "now."'],
)
def test_a_closed_sentence_is_complete(text: str) -> None:
    assert sentence_complete(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I'm calling about",  # no full stop
        "I'm calling about the...",
        "I'm calling because.",  # Whisper closes a sentence the caller has not finished
        "My number is.",
        "It's about the contract and.",
        "Um.",
    ],
)
def test_an_open_sentence_is_not(text: str) -> None:
    assert not sentence_complete(text)


def test_a_phrase_is_complete_unless_a_longer_phrase_of_another_choice_starts_with_it() -> None:
    complete = choice_complete(
        {"no": ("no", "no thanks"), "message": ("take a message",), "later": ("take a", "take a break")}
    )
    assert complete("no") and complete("NO") and complete("no thanks")  # "no" either way
    assert complete("take a message") and complete("take a break")
    assert not complete("take a")  # the caller may be saying "take a message"
    assert not complete("yes") and not complete("")


def test_digits_are_complete_when_all_were_said() -> None:
    complete = digits_complete(4, Digits.from_speech)
    assert complete("1 2 3 4.") and complete("one two three four") and complete("12345")
    assert not complete("1 2 3.") and not complete("hello")
