"""Whisper tiny.en dictation on caller fixtures, through the interface and the plain-text wrapper."""

from __future__ import annotations

import numpy as np
import pytest
from asr_audio import ASR_CASES, cases, read_wav, run_stream

from assistant.speech.asr.base import DictationEngine
from assistant.speech.asr.whisper import WhisperDictation
from assistant.speech.asr.whisper_engine import WhisperEngine
from assistant.speech.wer import corpus_wer


@pytest.fixture(scope="module")
def engine() -> WhisperEngine:
    return WhisperEngine(threads=2)


def test_transcribes_callers_with_low_wer(engine: WhisperEngine) -> None:
    references = cases(ASR_CASES)
    pairs = []
    for wav in ["case01.wav", "case02.wav", "case15.wav"]:
        result = engine.transcribe(read_wav(ASR_CASES.parent / wav))
        assert 0.0 < result.confidence <= 1.0
        pairs.append((references[wav], result.text))
    assert corpus_wer(pairs) <= 0.1, pairs


def test_stream_decodes_at_final(engine: WhisperEngine) -> None:
    assert isinstance(engine, DictationEngine)
    partials, result = run_stream(engine.stream(), read_wav(ASR_CASES.parent / "case05.wav"))
    assert partials == []
    assert result.text.lower().rstrip(".") == "put them through"


def test_too_little_audio_is_nothing(engine: WhisperEngine) -> None:
    result = engine.transcribe(np.zeros(800, dtype=np.int16))
    assert result.text == "" and result.confidence == 0.0


def test_plain_text_wrapper_takes_float_audio() -> None:
    dictation = WhisperDictation(None, 1)
    audio = read_wav(ASR_CASES.parent / "case03.wav").astype(np.float32) / 32768.0
    assert dictation.transcribe(audio).lower().rstrip(".") == "yes"
