"""Prompt texts: the sentences that can be synthesized before the first call."""

from __future__ import annotations

from assistant.prompts import Prompts
from assistant.speech.tts import split_sentences


def test_the_fixed_lead_of_a_prompt_with_fields_is_a_sentence_of_its_own() -> None:
    prompts = Prompts(
        {"a.heard": "I heard: {text}.", "a.bye": "Thank you. Goodbye.", "a.who": "Call from {who}."}
    )
    assert sorted(prompts.fixed_sentences(split_sentences)) == ["Goodbye.", "I heard:", "Thank you."]
    assert split_sentences(prompts.text("a.heard", text="the contract")) == ["I heard:", "the contract."]


def test_times_and_ratios_are_not_cut() -> None:
    assert split_sentences("Call me at 10:30 tomorrow.") == ["Call me at 10:30 tomorrow."]
