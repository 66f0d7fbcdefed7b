"""The owner's choice of voice for the greetings, and what it means to the synthesizers.

Rate and pitch are levels 0 to 9 (the Bizphone scale); 5 is the assistant's standard sound. Each
rate step is a constant factor in speaking speed (0.61x at 0, 1.49x at 9); each pitch step is one
semitone (-5 at 0, +4 at 9), shifted after synthesis so the tempo stays.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = range(0, 10)
STANDARD_LEVEL = 5
RATE_STEPS_PER_DOUBLING = 7  # seven steps up speak twice as fast
CENTS_PER_PITCH_STEP = 100


@dataclass(frozen=True)
class VoiceChoice:
    """A voice the owner may choose: the engine and, for espeak-ng, its voice and variant."""

    label: str
    engine: str  # "piper" or "espeak"
    espeak_voice: str = ""


STANDARD_VOICE = "joe"
VOICES: dict[str, VoiceChoice] = {
    "joe": VoiceChoice("Joe: natural, male (the assistant's own voice)", "piper"),
    "espeak-female": VoiceChoice("eSpeak: synthetic, female", "espeak", "en-us+f3"),
    "espeak-male": VoiceChoice("eSpeak: synthetic, male", "espeak", "en-us+m3"),
}


@dataclass(frozen=True)
class GreetingVoice:
    """Voice, rate (0 slowest to 9 fastest) and pitch (0 lowest to 9 highest) of a greeting."""

    voice: str = STANDARD_VOICE
    rate: int = STANDARD_LEVEL
    pitch: int = STANDARD_LEVEL

    def __post_init__(self) -> None:
        if self.voice not in VOICES:
            raise ValueError(f"unknown voice {self.voice!r}: choose from {', '.join(VOICES)}")
        for name in ("rate", "pitch"):
            if getattr(self, name) not in LEVELS:
                raise ValueError(f"{name} must be 0 to 9, not {getattr(self, name)!r}")

    @property
    def is_standard(self) -> bool:
        """The assistant's own voice as every other prompt speaks."""
        return self == GreetingVoice()

    @property
    def choice(self) -> VoiceChoice:
        return VOICES[self.voice]

    @property
    def speed(self) -> float:
        """Speaking speed relative to the engine's normal pace (1.0 at rate 5)."""
        return speed_for_rate(self.rate)

    @property
    def pitch_cents(self) -> int:
        """Pitch shift after synthesis, in cents (0 at pitch 5)."""
        return cents_for_pitch(self.pitch)


def speed_for_rate(rate: int) -> float:
    """Rate level 0-9 as a speed factor: 1.0 at 5, each step 2^(1/7) faster."""
    return round(2.0 ** ((rate - STANDARD_LEVEL) / RATE_STEPS_PER_DOUBLING), 4)


def cents_for_pitch(pitch: int) -> int:
    """Pitch level 0-9 as a shift in cents: 0 at 5, a semitone a step."""
    return (pitch - STANDARD_LEVEL) * CENTS_PER_PITCH_STEP
