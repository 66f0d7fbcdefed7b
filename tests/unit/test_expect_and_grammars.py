"""Matching recognized text to choices, digits from speech, and loading grammar files."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import AssistantError
from assistant.grammars import load_choices
from assistant.speech.expect import Digits


def test_yes_no_grammar_loads_with_keys():
    choices = load_choices("yes_no")
    assert choices.keys == {"1": "yes", "2": "no"}
    assert "that's right" in choices.phrases()


@pytest.mark.parametrize(
    ("heard", "choice"),
    [
        ("yes", "yes"),
        ("Yes.", "yes"),
        ("That's right!", "yes"),
        ("nope", "no"),
        ("no thanks", "no"),
        ("yess", "yes"),
        ("maybe later", None),
        ("", None),
    ],
)
def test_choice_for_heard_text(heard, choice):
    assert load_choices("yes_no").choice_for(heard) == choice


@pytest.mark.parametrize(
    ("heard", "digits"),
    [
        ("one two three four", "1234"),
        ("1 2 3 4", "1234"),
        ("five oh five", "505"),
        ("hello", ""),
    ],
)
def test_digits_from_speech(heard, digits):
    assert Digits.from_speech(heard) == digits


def test_invalid_grammar_names_the_problem(tmp_path: Path):
    (tmp_path / "bad.toml").write_text('[choices.yes]\nphrases = ["Yes!"]\n')
    with pytest.raises(AssistantError) as caught:
        load_choices("bad", tmp_path)
    assert caught.value.code == "grammar-invalid" and "Yes!" in str(caught.value)


def test_duplicate_key_is_refused(tmp_path: Path):
    (tmp_path / "dup.toml").write_text(
        '[choices.a]\nphrases = ["a"]\nkey = "1"\n[choices.b]\nphrases = ["b"]\nkey = "1"\n'
    )
    with pytest.raises(AssistantError, match="taken"):
        load_choices("dup", tmp_path)
