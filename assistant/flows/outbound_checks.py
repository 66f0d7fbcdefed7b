"""Before a call out (desk phone, WebPhone, assistant line): the monthly limit and the destination's
passcode (rules in assistant.domain.outbound_rules). A refused call is never dialed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from assistant.call import Call, Digits
from assistant.domain.credentials import verify_password
from assistant.domain.outbound_rules import (
    PASSCODE_DIGITS_RANGE,
    PASSCODE_TRIES,
    limit_reached,
    needs_passcode,
    remaining_s,
)
from assistant.domain.owner import OwnerProfile
from assistant.domain.phone import normalize_or_raw

log = logging.getLogger(__name__)

#: Seconds of billable outbound talk the owner has used this month.
UsedThisMonth = Callable[[], Awaitable[float]]


@dataclass(frozen=True)
class Clearance:
    """Whether the call may be placed, and for how many seconds of talk at most (None: no limit)."""

    placed: bool
    talk_limit_s: float | None = None


REFUSED = Clearance(False)


async def clear_outbound(call: Call, owner: OwnerProfile, number: str, used_s: UsedThisMonth) -> Clearance:
    """Check the monthly limit, then ask for the passcode when `number` is under a passcode destination.

    The owner hears why a call is refused. A desk phone is answered only when there is something to say.
    """
    talk_limit_s = None
    if owner.monthly_limit_minutes is not None:
        used = await used_s()
        if limit_reached(owner.monthly_limit_minutes, used):
            call.log_event("outbound-refused", reason="monthly-limit", number=number, used_s=round(used))
            await _answer(call, listen=False)
            await call.say("outbound.limit_reached")
            return REFUSED
        talk_limit_s = remaining_s(owner.monthly_limit_minutes, used)
    destination = normalize_or_raw(number, owner.default_country)
    if needs_passcode(destination, owner.passcode_destinations) and not await passcode_keyed(call, owner):
        call.log_event("outbound-refused", reason="passcode", number=number)
        return REFUSED
    return Clearance(True, talk_limit_s)


async def passcode_keyed(call: Call, owner: OwnerProfile) -> bool:
    """Ask for the passcode: a wrong one gets one retry, then the call is refused."""
    await _answer(call, listen=True)
    for attempt in range(1, PASSCODE_TRIES + 1):
        answer = await call.ask(
            "outbound.ask_passcode", Digits(max_digits=PASSCODE_DIGITS_RANGE[1]), reprompts=1
        )
        if not answer.digits:
            break
        if owner.outbound_passcode_hash and await asyncio.to_thread(
            verify_password, answer.digits, owner.outbound_passcode_hash
        ):
            call.log_event("passcode-accepted")
            return True
        call.log_event("wrong-passcode", attempt=attempt)
        if attempt < PASSCODE_TRIES:
            await call.say("outbound.wrong_passcode")
    await call.say("outbound.passcode_refused")
    return False


async def time_is_up(call: Call, leg: Call) -> None:
    """The month's minutes ran out during the call: the person called is gone; tell the owner."""
    leg.log_event("cut", reason="monthly-limit")
    call.log_event("outbound-cut", reason="monthly-limit")
    await call.say("outbound.limit_cut")


async def _answer(call: Call, *, listen: bool) -> None:
    if call.answered_at is None:
        await call.answer(listen=listen)
