"""Synthetic speakers and a telephone channel, for evaluation sets that are more than one voice.

A `Speaker` turns text into 16 kHz int16 speech: Piper's joe voice with its speed, variation and
pitch changed, or an espeak-ng voice (accents and variants, with its own speed and pitch). A
`PhoneLine` carries that speech the way a call does: band-limited to 300-3400 Hz, narrowed to
8 kHz G.711 mu-law and back, with background noise at a signal-to-noise ratio and a gain.

The speakers come in two disjoint panels: `dev`, to listen to while building, and `heldout`, whose
figures are reported and never tuned on. A generator picks speakers and lines from a seeded
random generator, so a set is reproducible from its seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from assistant.speech.espeak import NORMAL_WORDS_PER_MINUTE, espeak_speak
from assistant.speech.g711 import telephone_line
from assistant.speech.pitch import shift_pitch

RATE_HZ = 16000
PAUSE_S = 0.35


@dataclass(frozen=True)
class Speaker:
    """One synthetic voice.

    Attributes:
        name: a short label written into the cases.
        engine: ``piper`` or ``espeak``.
        voice: the espeak-ng voice with its variant (``en-us+m3``); unused for Piper.
        speed: 1.0 is the engine's normal pace; 1.2 is 20 % faster.
        pitch_cents: a pitch shift after synthesis (sox), 100 cents to a semitone.
        variation: Piper's noise scale (how much the delivery varies); unused for espeak.
    """

    name: str
    engine: str
    voice: str = ""
    speed: float = 1.0
    pitch_cents: int = 0
    variation: float = 0.667

    def speak(self, text: str) -> np.ndarray:
        """`text` spoken, trimmed of the engine's own silence, as 16 kHz int16."""
        speech = _piper(text, self.speed, self.variation) if self.engine == "piper" else self._espeak(text)
        if self.pitch_cents:
            speech = shift_pitch(speech, self.pitch_cents, RATE_HZ)
        return trim_silence(speech)

    def _espeak(self, text: str) -> np.ndarray:
        return espeak_speak(text, self.voice, RATE_HZ, int(round(NORMAL_WORDS_PER_MINUTE * self.speed)))


PANELS: dict[str, tuple[Speaker, ...]] = {
    "dev": (
        Speaker("piper-joe", "piper"),
        Speaker("piper-joe-slow-low", "piper", speed=0.85, pitch_cents=-250, variation=0.5),
        Speaker("piper-joe-fast-high", "piper", speed=1.15, pitch_cents=300, variation=0.8),
        Speaker("espeak-us-m3", "espeak", "en-us+m3", speed=0.95),
        Speaker("espeak-gb-f2", "espeak", "en-gb+f2", speed=1.0),
        Speaker("espeak-scotland-m1", "espeak", "en-gb-scotland+m1", speed=0.9),
    ),
    "heldout": (
        Speaker("piper-joe-brisk-low", "piper", speed=1.1, pitch_cents=-150, variation=0.9),
        Speaker("piper-joe-slow-high", "piper", speed=0.9, pitch_cents=450, variation=0.6),
        Speaker("espeak-us-f4", "espeak", "en-us+f4", speed=1.05),
        Speaker("espeak-nyc-m7", "espeak", "en-us-nyc+m7", speed=1.0),
        Speaker("espeak-rp-m5", "espeak", "en-gb-x-rp+m5", speed=0.9),
        Speaker("espeak-caribbean-f3", "espeak", "en-029+f3", speed=0.95),
    ),
}


@dataclass(frozen=True)
class PhoneLine:
    """A telephone channel: background noise at `snr_db` (None for none) and a gain in dB."""

    snr_db: float | None = 25.0
    gain_db: float = 0.0

    def carry(self, speech: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """`speech` with a pause on each side, as heard at the far end of this line (16 kHz int16)."""
        pause = np.zeros(int(PAUSE_S * RATE_HZ), dtype=np.float32)
        audio = np.concatenate([pause, speech.astype(np.float32), pause]) * 10 ** (self.gain_db / 20)
        audio = _band_limit(audio)
        if self.snr_db is not None:
            voiced = speech.astype(np.float32)
            speech_rms = float(np.sqrt(np.mean(voiced**2))) if voiced.size else 0.0
            noise = _coloured_noise(audio.size, rng)
            audio += noise * speech_rms * 10 ** (self.gain_db / 20) / 10 ** (self.snr_db / 20)
        return telephone_line(_to_int16(audio / 32768.0))


def random_line(rng: np.random.Generator) -> PhoneLine:
    """A line as calls arrive: mostly clean to moderately noisy, some quiet or loud."""
    snr = float(rng.choice([35.0, 30.0, 25.0, 20.0, 15.0]))
    return PhoneLine(snr_db=snr, gain_db=float(rng.uniform(-9.0, 3.0)))


def speakers(panel: str) -> tuple[Speaker, ...]:
    """The speakers of a panel (``dev`` or ``heldout``)."""
    try:
        return PANELS[panel]
    except KeyError:
        raise ValueError(f"unknown speaker panel {panel!r}: choose from {sorted(PANELS)}") from None


@cache
def _piper_voice(speed: float, variation: float):
    from assistant.speech.tts import Synthesizer, VoiceSettings

    return Synthesizer(VoiceSettings(length_scale=round(1.0 / speed, 3), noise_scale=variation))


def _piper(text: str, speed: float, variation: float) -> np.ndarray:
    return _piper_voice(speed, variation).synthesize(text, RATE_HZ)


def _band_limit(audio: np.ndarray) -> np.ndarray:
    spectrum = np.fft.rfft(audio)
    frequencies = np.fft.rfftfreq(audio.size, 1.0 / RATE_HZ)
    spectrum[(frequencies < 300.0) | (frequencies > 3400.0)] = 0.0
    return np.fft.irfft(spectrum, n=audio.size).astype(np.float32)


def _coloured_noise(length: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS noise leaning to low frequencies (an office, a car), with a faint mains hum."""
    white = rng.normal(0.0, 1.0, length)
    spectrum = np.fft.rfft(white)
    frequencies = np.fft.rfftfreq(length, 1.0 / RATE_HZ)
    spectrum /= np.sqrt(np.maximum(frequencies, 50.0) / 50.0)
    noise = np.fft.irfft(spectrum, n=length)
    noise += 0.1 * np.sin(2 * np.pi * 60.0 * np.arange(length) / RATE_HZ + rng.uniform(0, 2 * np.pi))
    return (noise / (np.sqrt(np.mean(noise**2)) or 1.0)).astype(np.float32)


def trim_silence(speech: np.ndarray, threshold: int = 200) -> np.ndarray:
    """The synthesizer's own leading and trailing silence cut (a line adds its pauses back)."""
    loud = np.flatnonzero(np.abs(speech.astype(np.int32)) > threshold)
    if loud.size == 0:
        return speech
    margin = int(0.05 * RATE_HZ)
    return speech[max(loud[0] - margin, 0) : loud[-1] + margin]


def _to_int16(audio: np.ndarray) -> np.ndarray:
    return np.clip(np.round(np.asarray(audio, dtype=np.float32) * 32768.0), -32768, 32767).astype(np.int16)
