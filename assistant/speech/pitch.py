"""Pitch shifting of synthesized speech (sox's `pitch` effect: the tempo stays, the voice goes up or down)."""

from __future__ import annotations

import subprocess

import numpy as np

from assistant.errors import AssistantError


def shift_pitch(speech: np.ndarray, cents: int, rate_hz: int) -> np.ndarray:
    """`speech` (mono int16 at `rate_hz`) `cents` higher (negative: lower); 100 cents to a semitone."""
    if not cents or speech.size == 0:
        return speech
    command = ["sox", "-t", "raw", "-r", str(rate_hz), "-e", "signed", "-b", "16", "-c", "1", "-"]
    command += ["-t", "raw", "-", "pitch", str(cents)]
    try:
        raw = subprocess.run(
            command, input=speech.astype("<i2").tobytes(), check=True, capture_output=True
        ).stdout
    except FileNotFoundError as exc:
        raise AssistantError("sox-missing", "sox is not installed (scripts/setup.sh installs it)") from exc
    return np.frombuffer(raw, dtype="<i2").astype(np.int16)
