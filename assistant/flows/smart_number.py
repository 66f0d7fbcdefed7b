"""The Smart Number: what a caller hears when dialing the owner's public number."""

from __future__ import annotations

from assistant.call import Call


async def smart_number(call: Call, *, owner: str) -> None:
    """Greet the caller on behalf of the owner, then say goodbye."""
    await call.answer()
    if call.resumed:
        await call.say("smart_number.resumed")
    await call.say("smart_number.greeting", owner=owner)
    await call.say("smart_number.goodbye")
    await call.hangup()
