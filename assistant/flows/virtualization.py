"""The Virtualization Center: ``*30`` + an extension moves it onto this phone, after its secret
code; ``*30`` alone from a base, or ``*30`` + the extension from its own phone, returns it.

The rules are assistant.domain.virtualization; every change and every denial is logged in the
virtualization events.
"""

from __future__ import annotations

import asyncio
import logging

from assistant.call import Call, Digits
from assistant.domain.virtualization import (
    CODE_TRIES_PER_CALL,
    MAX_CODE_DIGITS,
    Request,
    refusal,
    request_of,
)
from assistant.store.virtualization import Virtualizations

log = logging.getLogger(__name__)


def spoken(extension: str) -> str:
    """An extension said digit by digit ("1 0 1"), not as a quantity."""
    return " ".join(extension)


async def virtualization_center(
    call: Call, places: Virtualizations, phone: str, extension: str, bases: frozenset[str]
) -> None:
    """One call to ``*30`` (+ ``extension``) from the phone of extension ``phone``."""
    await call.answer()
    request = request_of(phone, extension)
    by = f"phone {phone}"
    if request is Request.RETURN_FROM_BASE:
        returned = await asyncio.to_thread(places.hosted_on, phone)
        if returned is not None:
            await asyncio.to_thread(places.return_home, returned, by)
            log.info("extension %s returned home from base %s", returned, phone)
            await call.say("virtualization.returned_from_base", extension=spoken(returned))
        else:
            await call.say("virtualization.nothing_here")
    elif request is Request.RETURN_HOME:
        base = await asyncio.to_thread(places.return_home, extension, by)
        log.info("extension %s returned home from %s", extension, base)
        key = "virtualization.returned_home" if base else "virtualization.already_home"
        await call.say(key, extension=spoken(extension))
    else:
        await virtualize(call, places, phone, extension, phone in bases)
    await call.hangup()


async def virtualize(call: Call, places: Virtualizations, base: str, extension: str, allowed: bool) -> None:
    """Ask for the secret code and move ``extension`` onto ``base``, or deny it."""
    by = f"phone {base}"
    refused = refusal(
        phone_allows=allowed,
        has_code=await asyncio.to_thread(places.has_code, extension),
        locked=await asyncio.to_thread(places.locked_for_s, extension) > 0,
    )
    if refused is not None:
        log.info("virtualization of %s onto %s denied: %s", extension, base, refused)
        await asyncio.to_thread(places.record, extension, base, "denied", by, refused)
        await call.say(f"virtualization.{refused.replace('-', '_')}", extension=spoken(extension))
        return
    for _ in range(CODE_TRIES_PER_CALL):
        answer = await call.ask(
            "virtualization.ask_code",
            Digits(max_digits=MAX_CODE_DIGITS),
            reprompts=1,
            extension=spoken(extension),
        )
        if not answer.digits:
            break
        check = await asyncio.to_thread(places.try_code, extension, answer.digits)
        if check.ok:
            change = await asyncio.to_thread(places.virtualize, extension, base, by)
            log.info("extension %s virtualized onto %s (%s)", extension, base, change)
            await call.say("virtualization.accepted", extension=spoken(extension))
            if change.sent_home is not None:
                await call.say("virtualization.sent_home", extension=spoken(change.sent_home))
            return
        await asyncio.to_thread(places.record, extension, base, "denied", by, "wrong code")
        if check.locked_for_s > 0:
            await asyncio.to_thread(
                places.record, extension, base, "locked", by, f"{check.failures} wrong codes"
            )
            await call.say("virtualization.locked", extension=spoken(extension))
            return
        await call.say("virtualization.wrong_code")
    await call.say("virtualization.denied", extension=spoken(extension))
