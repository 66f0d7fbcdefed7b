"""Voice activity and end-of-utterance detection on 20 ms frames of 16 kHz audio (no I/O).

Speech starts when most of the last few frames are voiced; the utterance ends after a run
of unvoiced frames as long as the configured trailing silence. A short pre-roll before the
start is kept so the recognizer hears the first syllable.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import webrtcvad

FRAME_MS = 20
RATE_HZ = 16000


@dataclass(frozen=True)
class EndpointSettings:
    """Tuning for telephone speech; the defaults suit a caller answering a question."""

    vad_aggressiveness: int = 2
    start_window_frames: int = 8
    start_voiced_frames: int = 5
    end_silence_ms: int = 700
    # A shorter quiet that ends the utterance when what was heard is already a whole answer
    # (listening.py decides that); None: only `end_silence_ms` ends it.
    complete_silence_ms: int | None = None
    preroll_ms: int = 300
    max_utterance_s: float = 20.0
    min_level_dbfs: float = -55.0


class Endpointer:
    """Feed frames with `push`; it says when speech started and when the utterance ended."""

    def __init__(self, settings: EndpointSettings = EndpointSettings()) -> None:
        self.settings = settings
        self._vad = webrtcvad.Vad(settings.vad_aggressiveness)
        self._recent: deque[bool] = deque(maxlen=settings.start_window_frames)
        self._preroll: deque[np.ndarray] = deque(maxlen=max(1, settings.preroll_ms // FRAME_MS))
        self._end_frames = max(1, settings.end_silence_ms // FRAME_MS)
        self._max_frames = int(settings.max_utterance_s * 1000 / FRAME_MS)
        self.started = False
        self.ended = False
        self.frames_seen = 0
        self.speech_frames: list[np.ndarray] = []
        self._silent_run = 0
        self.start_frame: int | None = None
        self.onset_frame: int | None = None  # 0-based index of the first voiced frame of the speech
        self.last_voiced_frame: int | None = None

    def is_voiced(self, frame: np.ndarray) -> bool:
        level = 10 * np.log10(np.mean(frame.astype(np.float32) ** 2) / 32768.0**2 + 1e-12)
        if level < self.settings.min_level_dbfs:
            return False
        return self._vad.is_speech(frame.astype("<i2").tobytes(), RATE_HZ)

    def push(self, frame: np.ndarray) -> str | None:
        """Take one 20 ms frame; return "start" or "end" when that happens, else None.

        After "start", `speech_frames` holds the utterance (pre-roll included) as it grows.
        """
        if self.ended:
            return None
        self.frames_seen += 1
        voiced = self.is_voiced(frame)
        if not self.started:
            self._preroll.append(frame)
            self._recent.append(voiced)
            if sum(self._recent) >= self.settings.start_voiced_frames:
                self.started = True
                self.start_frame = self.frames_seen - len(self._preroll)
                self.onset_frame = self.frames_seen - len(self._recent) + list(self._recent).index(True)
                self.speech_frames = list(self._preroll)
                self.last_voiced_frame = self.frames_seen
                return "start"
            return None
        self.speech_frames.append(frame)
        if voiced:
            self._silent_run = 0
            self.last_voiced_frame = self.frames_seen
        else:
            self._silent_run += 1
        if self._silent_run >= self._end_frames or len(self.speech_frames) >= self._max_frames:
            self.ended = True
            return "end"
        return None

    @property
    def trailing_silence_s(self) -> float:
        return self._silent_run * FRAME_MS / 1000

    @property
    def quiet_ms(self) -> int:
        """How long the audio has been unvoiced since the last voiced frame."""
        return self._silent_run * FRAME_MS
