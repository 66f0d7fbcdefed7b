"""Taking a message: greeting, beep, recording; the recording is handed to the keeper to store and mail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from assistant.call import Call, CallerHungUp, Recording
from assistant.domain.owner import OwnerProfile
from assistant.greetings import voice_of, voicemail_greeting

KeepMessage = Callable[[Recording], Awaitable[bool]]


async def take_message(call: Call, owner: OwnerProfile, keep: KeepMessage) -> bool:
    """Record a message for `owner`; True when one was kept (long enough)."""
    call.outcome = "voicemail"
    try:
        await call.say_greeting(voicemail_greeting(call.prompts, owner.name, owner.greeting, voice_of(owner)))
    except CallerHungUp:
        return False
    recording = await call.record_message(max_s=owner.voicemail_max_s)
    kept = recording is not None and await keep(recording)
    if not call.gone:
        await call.say("voicemail.saved" if kept else "voicemail.too_short")
        await call.hangup()
    return kept
