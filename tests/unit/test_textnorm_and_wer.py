"""Scoring text: normalization (case, punctuation, numbers) and word error rate."""

from __future__ import annotations

import pytest

from assistant.speech.textnorm import cardinal, normalize, ordinal, year
from assistant.speech.wer import corpus_wer, edit_distance, wer, word_errors


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "zero"),
        (3, "three"),
        (13, "thirteen"),
        (21, "twenty one"),
        (100, "one hundred"),
        (305, "three hundred five"),
        (1000, "one thousand"),
        (1_234_567, "one million two hundred thirty four thousand five hundred sixty seven"),
    ],
)
def test_cardinal(number: int, words: str) -> None:
    assert cardinal(number) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [(1, "first"), (2, "second"), (3, "third"), (12, "twelfth"), (21, "twenty first"), (40, "fortieth")],
)
def test_ordinal(number: int, words: str) -> None:
    assert ordinal(number) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1999, "nineteen ninety nine"),
        (2005, "two thousand five"),
        (2024, "twenty twenty four"),
        (1905, "nineteen oh five"),
    ],
)
def test_year(number: int, words: str) -> None:
    assert year(number) == words


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("Hello, World!", "hello world"),
        ("It's  urgent...", "its urgent"),
        ("It\u2019s", "its"),
        ("21", "twenty one"),
        ("twenty-one", "twenty one"),
        ("3", "three"),
        ("the 3rd of May", "the third of may"),
        ("in 2024", "in twenty twenty four"),
        ("call 555-1234", "call five five five one two three four"),
        ("817-442-9016", "eight one seven four four two nine zero one six"),
        ("PIN 0451", "pin zero four five one"),
        ("3.5%", "three point five percent"),
        ("$5", "five dollars"),
        ("1,000 people", "one thousand people"),
        ("at 5 p.m.", "at five pm"),
        ("Dr. Patel", "doctor patel"),
        ("OK", "okay"),
        ("안녕하세요, 네!", "안녕하세요 네"),
        ("", ""),
        ("?!", ""),
    ],
)
def test_normalize(text: str, normalized: str) -> None:
    assert normalize(text) == normalized


def test_normalize_can_keep_apostrophes_for_dictionaries() -> None:
    assert normalize("Don\u2019t call 'Maria'", keep_apostrophes=True) == "don't call maria"


def test_both_ways_of_writing_a_number_normalize_alike() -> None:
    assert normalize("I'll be there at 5 o'clock on the 21st") == normalize(
        "I'll be there at five o'clock on the twenty-first"
    )


def test_edit_distance_counts_substitutions_insertions_and_deletions() -> None:
    assert edit_distance([], []) == 0
    assert edit_distance(["a", "b", "c"], ["a", "b", "c"]) == 0
    assert edit_distance(["a", "b", "c"], ["a", "x", "c"]) == 1
    assert edit_distance(["a", "b", "c"], ["a", "c"]) == 1
    assert edit_distance(["a", "c"], ["a", "b", "c"]) == 1
    assert edit_distance(["a", "b"], []) == 2
    assert edit_distance([], ["a", "b"]) == 2
    assert edit_distance("kitten sitting on the mat".split(), "sitting kitten on a mat".split()) == 3


def test_wer_normalizes_both_sides() -> None:
    assert wer("Call me back at five five five, one two three four.", "call me back at 555-1234") == 0.0
    assert wer("Put them through.", "put him through") == pytest.approx(1 / 3)
    assert wer("yes", "yes yes yes") == 2.0


def test_wer_of_an_empty_reference() -> None:
    assert wer("", "") == 0.0
    assert wer("", "something") == 1.0
    assert word_errors("", "something").edits == 1


def test_corpus_wer_weights_by_reference_length() -> None:
    pairs = [
        (
            "one two three four five six seven eight nine ten",
            "one two three four five six seven eight nine ten",
        ),
        ("yes", "no"),
    ]
    assert corpus_wer(pairs) == pytest.approx(1 / 11)
    assert corpus_wer([]) == 0.0
