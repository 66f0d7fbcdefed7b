"""Whisper dictation as plain text, the interface the simulated caller uses.

The recognizer itself is :class:`assistant.speech.asr.whisper_engine.WhisperEngine`; this
module keeps the text-only ``WhisperDictation`` for code that needs no confidence.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.speech.asr.whisper_engine import SAMPLE_RATE_HZ, WINDOW_S, WhisperEngine, bundled_model_path

EARS_BEAM = 5

__all__ = ["SAMPLE_RATE_HZ", "WhisperDictation", "bundled_model_path"]


class WhisperDictation:
    """Free-speech recognition (what a caller says, what the assistant said): 16 kHz float32 in, text out."""

    name = "whisper-tiny.en"

    def __init__(self, model_path: Path | None = None, threads: int = 2) -> None:
        # Full 30 s windows and a beam of 5: the simulated caller's ears judge what the assistant
        # said, where time hardly counts. Decoding greedily, they now and then stopped after the
        # first sentence of a prompt heard in a real call; on the prompts through a phone line they
        # heard 0.959 of the words with a beam against 0.947 greedily.
        self.engine = WhisperEngine(model_path, threads, min_window_s=WINDOW_S, beam_size=EARS_BEAM)

    def transcribe(self, audio: np.ndarray) -> str:
        """Transcribe mono float32 samples at 16 kHz (blocking; call it from a worker thread)."""
        return self.engine.transcribe(audio).text
