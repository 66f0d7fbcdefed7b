"""Speech from espeak-ng: a formant synthesizer with many voices, robotic next to Piper."""

from __future__ import annotations

import io
import subprocess

import numpy as np
import soundfile
import soxr

from assistant.errors import AssistantError

NORMAL_WORDS_PER_MINUTE = 165


def espeak_speak(
    text: str, voice: str, rate_hz: int, words_per_minute: int = NORMAL_WORDS_PER_MINUTE
) -> np.ndarray:
    """`text` spoken by the espeak-ng `voice` (with its variant, ``en-us+f3``), as mono int16 at `rate_hz`."""
    try:
        wav = subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "--stdin", "--stdout"],
            input=text.encode(),  # on stdin: words such as "-h" are not taken for options
            check=True,
            capture_output=True,
        ).stdout
    except FileNotFoundError as exc:
        raise AssistantError(
            "espeak-missing", "espeak-ng is not installed (scripts/setup.sh installs it)"
        ) from exc
    samples, source_rate = soundfile.read(io.BytesIO(wav), dtype="float32")
    audio = soxr.resample(samples, source_rate, rate_hz) if source_rate != rate_hz else samples
    return np.clip(np.round(audio * 32768.0), -32768, 32767).astype(np.int16)
