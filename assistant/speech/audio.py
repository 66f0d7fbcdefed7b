"""Audio helpers: reading files into 16 kHz float32, and cutting speech into utterances by energy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile
import soxr

RATE_HZ = 16000
FRAME_S = 0.02


def load_16k(path: Path) -> np.ndarray:
    """A sound file (any rate; channels mixed down) as mono float32 at 16 kHz."""
    audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    return soxr.resample(mono, rate, RATE_HZ) if rate != RATE_HZ else mono


def utterances(
    audio: np.ndarray,
    *,
    rate: int = RATE_HZ,
    threshold_dbfs: float = -40.0,
    min_silence_s: float = 0.7,
    min_speech_s: float = 0.2,
) -> list[tuple[float, float]]:
    """Start and end times (seconds) of stretches of sound separated by at least `min_silence_s` of quiet."""
    frame = int(rate * FRAME_S)
    count = len(audio) // frame
    if count == 0:
        return []
    frames = audio[: count * frame].reshape(count, frame)
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    loud = level > threshold_dbfs
    spans: list[tuple[float, float]] = []
    start = None
    quiet = 0
    gap = int(min_silence_s / FRAME_S)
    for index, is_loud in enumerate(loud):
        if is_loud:
            if start is None:
                start = index
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet >= gap:
                spans.append((start, index - quiet + 1))
                start, quiet = None, 0
    if start is not None:
        spans.append((start, count - quiet))
    return [(a * FRAME_S, b * FRAME_S) for a, b in spans if (b - a) * FRAME_S >= min_speech_s]
