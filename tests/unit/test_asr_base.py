"""The recognition interface: grammar results checked against the allowed phrases, caching, buffering."""

from __future__ import annotations

import numpy as np

from assistant.speech.asr.base import (
    BufferedStream,
    Grammar,
    GrammarCache,
    Hypothesis,
    as_float32,
    as_int16,
)

PHRASES = ["yes", "no", "call Maria Garcia", "press 1", "it's urgent"]


def grammar(unsayable: list[str] | None = None) -> Grammar:
    return Grammar("test", PHRASES, unsayable or [])


def test_an_allowed_phrase_comes_back_as_written_with_its_confidence() -> None:
    assert grammar().match("call maria garcia", 0.9) == Hypothesis("call Maria Garcia", 0.9)
    assert grammar().match("press one", 0.8) == Hypothesis("press 1", 0.8)
    assert grammar().match("its urgent", 0.7) == Hypothesis("it's urgent", 0.7)


def test_a_near_miss_maps_to_the_closest_phrase_with_lower_confidence() -> None:
    result = grammar().match("call maria garsia", 0.9)
    assert result.text == "call Maria Garcia"
    assert 0.5 < result.confidence < 0.9


def test_anything_else_is_no_match() -> None:
    for text in ["no no", "call mom", "yes please put me through to the manager", "", "[unk]"]:
        result = grammar().match(text, 1.0)
        assert result.text == "" and result.confidence == 0.0, text


def test_a_rejected_result_keeps_what_was_heard_as_an_alternative() -> None:
    assert grammar().match("call mom", 0.6).alternatives == [("call mom", 0.6)]


def test_unsayable_phrases_are_not_matched() -> None:
    limited = grammar(unsayable=["press 1"])
    assert limited.match("press one", 1.0).text == ""
    assert limited.recognizable == ["yes", "no", "call Maria Garcia", "it's urgent"]


def test_n_best_lists_keep_the_best_match_and_other_phrases_as_alternatives() -> None:
    result = grammar().match_all([("call mom", 0.9), ("yes", 0.8), ("no", 0.5), ("yes", 0.4)])
    assert result == Hypothesis("yes", 0.8, [("no", 0.5)])
    assert grammar().match_all([("call mom", 0.9)]).text == ""


def test_grammars_are_cached_by_phrase_set() -> None:
    cache = GrammarCache()
    compiled = []

    def compile_(phrases: list[str]) -> Grammar:
        compiled.append(phrases)
        return Grammar("g", phrases)

    first = cache.get_or_compile(["yes", "no"], lambda: compile_(["yes", "no"]))
    again = cache.get_or_compile(["no", "yes"], lambda: compile_(["no", "yes"]))
    other = cache.get_or_compile(["yes"], lambda: compile_(["yes"]))
    assert first is again and other is not first
    assert len(compiled) == 2


def test_buffered_stream_decodes_everything_at_final() -> None:
    seen = []

    def transcribe(audio: np.ndarray) -> Hypothesis:
        seen.append(audio)
        return Hypothesis("done", 1.0)

    stream = BufferedStream(transcribe)
    assert stream.feed(np.ones(320, dtype=np.int16)) is None
    assert stream.feed(np.full(160, 0.5, dtype=np.float32)) is None
    assert stream.final().text == "done"
    assert seen[0].dtype == np.int16 and seen[0].size == 480 and seen[0][-1] == 16384


def test_sample_conversions() -> None:
    assert as_int16(np.array([1.0, -1.0, 0.0], dtype=np.float32)).tolist() == [32767, -32768, 0]
    assert as_float32(np.array([16384, -32768], dtype=np.int16)).tolist() == [0.5, -1.0]
