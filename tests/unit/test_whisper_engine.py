"""Whisper tiny.en dictation on caller fixtures, through the interface and the plain-text wrapper."""

from __future__ import annotations

import numpy as np
import pytest
from asr_audio import ASR_CASES, cases, read_wav, run_stream

from assistant.speech.asr.base import DictationEngine, quickest, transcribe_recording
from assistant.speech.asr.whisper import WhisperDictation
from assistant.speech.asr.whisper_engine import WhisperEngine, window_frames
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


def test_short_utterances_are_decoded_in_a_shorter_window() -> None:
    assert window_frames(200) == 1000  # 2 s of speech: the 10 s minimum
    assert window_frames(1200) == 1500  # 12 s: the speech and 3 s after it
    assert window_frames(2900) == 3000  # never past Whisper's 30 s
    assert window_frames(200, min_window_s=30.0) == 3000


def test_concurrent_decodes_share_the_model(engine: WhisperEngine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    audio = read_wav(ASR_CASES.parent / "case05.wav")
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda _: engine.transcribe(audio).text, range(4)))
    assert all(text.lower().rstrip(".") == "put them through" for text in texts), texts


def test_a_recording_is_transcribed_whole_with_beam_search(engine: WhisperEngine) -> None:
    references = cases(ASR_CASES)
    wavs = ["case01.wav", "case02.wav", "case15.wav"]
    pairs = [
        (references[wav], transcribe_recording(engine, read_wav(ASR_CASES.parent / wav)).text) for wav in wavs
    ]
    assert corpus_wer(pairs) <= 0.1, pairs


def test_a_recording_longer_than_a_window_is_transcribed_to_its_end(engine: WhisperEngine) -> None:
    references = cases(ASR_CASES)
    wavs = ["case01.wav", "case02.wav", "case15.wav"]
    pause = np.zeros(16000, dtype=np.int16)
    parts = [read_wav(ASR_CASES.parent / wav) for wav in wavs]
    recording = np.concatenate([piece for part in parts * 4 for piece in (part, pause)])
    assert recording.size / 16000 > 30

    result = transcribe_recording(engine, recording)

    reference = " ".join(references[wav] for wav in wavs * 4)
    assert corpus_wer([(reference, result.text)]) <= 0.15, result.text
    assert 0.0 < result.confidence <= 1.0


def test_the_greedy_view_shares_the_model_and_hears_the_same(engine: WhisperEngine) -> None:
    greedy = quickest(engine)
    assert greedy is not engine and greedy.beam_size == 1 and engine.beam_size > 1
    assert greedy._model is engine._model  # one model in memory, whichever decode
    audio = read_wav(ASR_CASES.parent / "case05.wav")
    assert greedy.transcribe(audio).text.lower().rstrip(".") == "put them through"
