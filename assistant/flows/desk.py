"""A call the owner dials from a desk phone: out under the owner's caller ID, and logged like the
calls placed from the assistant line (an outbound conversation with the talk time from the answer)."""

from __future__ import annotations

import logging

from assistant.call import Call
from assistant.domain.caller_id import outbound_caller_id
from assistant.domain.owner import OwnerProfile
from assistant.domain.routing import dial_target
from assistant.flows.assistant_line import OUTBOUND_RING_S, answered_unless_caller_leaves
from assistant.flows.outbound_checks import UsedThisMonth, clear_outbound, time_is_up

log = logging.getLogger(__name__)


async def desk_call(
    call: Call,
    owner: OwnerProfile | None,
    number: str,
    name: str | None = None,
    *,
    requested_caller_id: str | None = None,
    owned_numbers: tuple[str, ...] = (),
    used_s: UsedThisMonth,
) -> None:
    """Ring `number` while the desk phone hears ringing; put them together when it answers.

    `requested_caller_id` (the WebPhone's choice) is shown if it is among `owned_numbers`. The
    monthly limit and the destination's passcode are checked first (`used_s`: this month's use);
    a call still going when the month's minutes run out is ended with a notice to the owner.
    """
    if owner is None or not number:
        log.warning("desk call %s to %r: no owner has this extension", call.info.id, number)
        await call.hangup()
        return
    clearance = await clear_outbound(call, owner, number, used_s)
    if not clearance.placed:
        await call.hangup()
        return
    leg = await call.dial(
        dial_target(number),
        "outbound",
        caller_id=outbound_caller_id(owner, number, requested_caller_id, owned_numbers),
        timeout_s=OUTBOUND_RING_S,
    )
    if leg is None:
        await call.hangup()
        return
    leg.callee = (number, name or number)
    await call.ringback()
    try:
        answered = await answered_unless_caller_leaves(call, leg)
    finally:
        await call.stop_ringback()
    if not answered:
        call.log_event("outbound-not-answered", number=number, cause=leg.hangup_cause)
        await call.hangup()
        return
    if call.answered_at is None:
        await call.answer(listen=False)  # put straight through: nothing to listen to
    leg.accepted_at = leg.answered_at
    left = await call.connect(leg, keep_caller=True, max_s=clearance.talk_limit_s)
    if left == "caller":
        return
    if left == "time-up":
        await time_is_up(call, leg)
    await call.hangup()
