"""Shared helpers for the speech recognition tests: the fixture files and feeding a stream."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile

FIXTURES = Path(__file__).resolve().parents[2] / "audio-fixtures"
ASR_CASES = FIXTURES / "asr" / "cases.jsonl"
COMMANDS = FIXTURES / "commands"
KOREAN = COMMANDS / "ko"
CHUNK = 320  # 20 ms at 16 kHz


def read_wav(path: Path) -> np.ndarray:
    audio, rate = soundfile.read(str(path), dtype="int16")
    assert rate == 16000 and audio.ndim == 1, path
    return audio


def cases(cases_file: Path) -> dict[str, str]:
    """Audio file name -> reference text."""
    entries = [json.loads(line) for line in cases_file.read_text(encoding="utf-8").splitlines() if line]
    return {entry["audio"]: entry["text"] for entry in entries}


def run_stream(stream, audio: np.ndarray) -> tuple[list[str], object]:
    """Feed `audio` in 20 ms chunks; return the distinct partial texts seen and the final hypothesis."""
    partials: list[str] = []
    for start in range(0, audio.size, CHUNK):
        partial = stream.feed(audio[start : start + CHUNK])
        if partial and (not partials or partials[-1] != partial):
            partials.append(partial)
    return partials, stream.final()
