"""The owner's greetings: which words (the owner's own or the standard prompt) in which voice.

The Smart Number's greeting and the voicemail greeting are the owner's; they are spoken in the
owner's chosen voice, rate and pitch. Every other prompt keeps the assistant's own voice, so the
questions a caller answers sound the same on every line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from assistant.domain.greeting import welcome_words
from assistant.domain.owner import OwnerProfile
from assistant.prompts import Prompts
from assistant.speech.greeting_voice import GreetingVoice

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Greeting:
    key: str  # the prompt key, or "owner.welcome" / "owner.greeting" for the owner's own words
    text: str
    voice: GreetingVoice

    @property
    def is_standard(self) -> bool:
        """In the standard voice: spoken like any other prompt, sentence by sentence."""
        return self.voice.is_standard


def greeting_voice(voice: str, rate: int, pitch: int) -> GreetingVoice:
    """The stored choice, or the standard voice when it is not one (a voice no longer offered)."""
    try:
        return GreetingVoice(voice, rate, pitch)
    except ValueError as exc:
        log.warning(
            "greeting voice %r rate %r pitch %r: %s; using the standard voice", voice, rate, pitch, exc
        )
        return GreetingVoice()


def voice_of(owner: OwnerProfile) -> GreetingVoice:
    """The voice the owner chose for their greetings."""
    return greeting_voice(owner.greeting_voice, owner.greeting_rate, owner.greeting_pitch)


def welcome(prompts: Prompts, owner_name: str, welcome_text: str | None, voice: GreetingVoice) -> Greeting:
    """What the Smart Number says when it answers, before asking who is calling."""
    if welcome_text:
        return Greeting("owner.welcome", welcome_words(welcome_text, owner_name), voice)
    return Greeting("screening.greeting", prompts.text("screening.greeting", owner=owner_name), voice)


def voicemail_greeting(
    prompts: Prompts, owner_name: str, greeting_text: str | None, voice: GreetingVoice
) -> Greeting:
    """What a caller hears before the beep."""
    if greeting_text:
        return Greeting("owner.greeting", greeting_text, voice)
    return Greeting("voicemail.greeting", prompts.text("voicemail.greeting", owner=owner_name), voice)
