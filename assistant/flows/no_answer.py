"""When the owner's phones rang and nobody took the call: the owner's no-answer action.

"voicemail" takes a message; "forward" puts the caller through to another number (a message
after all when nobody answers there); "hangup" says a polite goodbye; "notice" says the owner
will be told, and mails the owner a missed-call notice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from assistant.call import Call, CallerHungUp
from assistant.domain.owner import OwnerProfile
from assistant.domain.routing import dial_target
from assistant.flows.forwarding import ANSWER_SETTLE_S
from assistant.flows.voicemail import KeepMessage, take_message

NotifyMissed = Callable[[], Awaitable[bool]]
FORWARD_LABEL = "forward"


async def after_no_answer(
    call: Call,
    owner: OwnerProfile,
    keep: KeepMessage,
    notify_missed: NotifyMissed,
    *,
    caller_id: str,
    who: str,
) -> None:
    """Carry out the owner's no-answer action for a caller who is still on the line."""
    action = owner.no_answer_action
    call.log_event("no-answer", action=action)
    if action == "forward" and owner.no_answer_forward_to:
        if await forward(call, owner, owner.no_answer_forward_to, caller_id=caller_id, who=who):
            return
        action = "voicemail"
    if action == "hangup":
        await call.say("no_answer.goodbye", owner=owner.name)
        await call.hangup()
        return
    if action == "notice":
        await notify_missed()
        await call.say("no_answer.noticed", owner=owner.name)
        await call.hangup()
        return
    await call.say("screening.not_available", owner=owner.name)
    await take_message(call, owner, keep)


async def forward(call: Call, owner: OwnerProfile, number: str, *, caller_id: str, who: str) -> bool:
    """Ring `number` for the ring timeout; when it answers, tell who is calling and put the caller
    through. False when nobody answered there."""
    await call.say("no_answer.forwarding", owner=owner.name)
    await call.hold()
    leg = await call.dial(
        dial_target(number), FORWARD_LABEL, caller_id=caller_id, timeout_s=owner.ring_timeout_s
    )
    answered = False
    if leg is not None:
        answered = await _answered_unless_caller_leaves(call, leg)
    if answered:
        answered = await _announce(leg, owner, who)
    await call.unhold()
    if not answered:
        call.log_event("forward-result", outcome="no-answer", number=number)
        return False
    leg.accepted_at = datetime.now(UTC)  # talk time starts as the caller is put through
    call.log_event("forward-result", outcome="answered", number=number)
    call.outcome = "answered"
    await call.connect(leg)
    return True


async def _announce(leg: Call, owner: OwnerProfile, who: str) -> bool:
    """Tell the one who answered that this is a call for the owner; False if they hung up meanwhile."""
    try:
        await asyncio.sleep(ANSWER_SETTLE_S)
        await leg.say("no_answer.forwarded", owner=owner.name, who=who)
    except CallerHungUp:
        return False
    return not leg.gone


async def _answered_unless_caller_leaves(call: Call, leg: Call) -> bool:
    answered = asyncio.ensure_future(leg.wait_answered())
    caller_left = asyncio.ensure_future(call.wait_gone())
    took = False
    try:
        await asyncio.wait({answered, caller_left}, return_when=asyncio.FIRST_COMPLETED)
        if caller_left.done():
            raise CallerHungUp(call.info.id)
        took = answered.result()
        return took
    finally:
        caller_left.cancel()
        answered.cancel()
        if not took and not leg.gone:
            with contextlib.suppress(Exception):
                await leg.hangup()
