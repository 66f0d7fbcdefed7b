"""Ringing the owner, stage by stage (every device at once, or one after another by priority), a
whisper on the leg that answers, the caller connected only after the owner accepts. An answer with
no choice (a mobile's voicemail) counts as no answer; once every phone of a stage has declined,
failed or so answered, ringing goes on with the next stage at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from assistant.call import Call, CallerHungUp
from assistant.domain.ring_strategy import Stage
from assistant.grammars import load_choices

log = logging.getLogger(__name__)

WHISPER_REPEATS = 2  # the whisper is said up to three times
ANSWER_SETTLE_S = 0.6  # the first moments after a phone answers are often lost on the way
OFFER_LIMIT_S = 45.0  # a phone that answered before its ring time ran out: how long its whisper may go on


@dataclass
class RingResult:
    """How ringing ended: "accept" (with the leg), "message", "block" or "no-answer"."""

    outcome: str
    leg: Call | None = None
    label: str | None = None


async def ring_owner(
    call: Call,
    stages: tuple[Stage, ...],
    *,
    caller_id: str,
    who: str,
    about: str,
    whisper: str = "forward.whisper",
) -> RingResult:
    """Ring stage after stage (all devices at once, or one at a time) until one accepts or declines.

    `whisper` is the prompt the answering phone hears (with `who` and `about`).
    """
    for stage in stages:
        result = await _ring_stage(call, stage, caller_id=caller_id, who=who, about=about, whisper=whisper)
        if result.outcome != "no-answer":
            break
    else:
        result = RingResult("no-answer")
    call.log_event("ring-result", outcome=result.outcome, leg=result.label)
    return result


async def _ring_stage(
    call: Call, stage: Stage, *, caller_id: str, who: str, about: str, whisper: str
) -> RingResult:
    """Ring the stage's routes for its seconds; a leg that answered in time may finish its whisper."""
    decided: asyncio.Future[RingResult] = asyncio.get_running_loop().create_future()
    legs = [
        leg
        for route in stage.routes
        if (leg := await call.dial(route.target, route.label, caller_id=caller_id, timeout_s=stage.seconds))
    ]
    tasks = [asyncio.create_task(_offer(leg, decided, who=who, about=about, whisper=whisper)) for leg in legs]
    caller_left = asyncio.ensure_future(call.wait_gone())
    # Every phone of the stage declined, failed or answered without a choice: no use ringing on.
    legs_over = asyncio.gather(*tasks, return_exceptions=True)
    try:
        done, _ = await asyncio.wait(
            {decided, caller_left, legs_over}, timeout=stage.seconds, return_when=asyncio.FIRST_COMPLETED
        )
        if not done:
            done = await _answered_legs_finish(legs, tasks, {decided, caller_left})
        if caller_left in done:
            raise CallerHungUp(call.info.id)
        result = decided.result() if decided.done() else RingResult("no-answer")
    finally:
        caller_left.cancel()
        if not decided.done():
            decided.set_result(RingResult("no-answer"))
        winner = decided.result().leg
        for leg, task in zip(legs, tasks, strict=True):
            if leg is not winner and not task.done():
                task.cancel()
            if leg is not winner and not leg.gone:
                with contextlib.suppress(Exception):
                    await leg.hangup()
        await asyncio.gather(*tasks, return_exceptions=True)
    return result


async def _answered_legs_finish(
    legs: list[Call], tasks: list[asyncio.Task], ends: set[asyncio.Future]
) -> set[asyncio.Future]:
    """After the ring time: wait while a leg that answered in time is still whispering (up to a limit)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + OFFER_LIMIT_S
    while (remaining := deadline - loop.time()) > 0:
        offering = {
            task for leg, task in zip(legs, tasks, strict=True) if leg.answered_at and not task.done()
        }
        if not offering:
            break
        await asyncio.wait({*ends, *offering}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
        if any(end.done() for end in ends):
            break
    return {end for end in ends if end.done()}


async def _offer(leg: Call, decided: asyncio.Future, *, who: str, about: str, whisper: str) -> None:
    """One leg: wait for it to answer, whisper, and take the owner's choice."""
    try:
        if not await leg.wait_answered():
            return
        await asyncio.sleep(ANSWER_SETTLE_S)
        if decided.done():
            await leg.say("forward.taken_elsewhere")
            await leg.hangup()
            return
        answer = await leg.ask(
            whisper,
            load_choices("whisper"),
            reprompts=WHISPER_REPEATS,
            no_input_s=4.0,
            who=who,
            about=about,
        )
        if decided.done():
            await leg.say("forward.taken_elsewhere")
            await leg.hangup()
            return
        if not answer.understood:
            await leg.hangup()  # nobody chose: a voicemail box or an auto-answer, not the owner
            return
        if answer.choice == "accept":
            await leg.say("forward.connecting")
            leg.accepted_at = datetime.now(UTC)  # talk time starts as the owner is put through
        else:
            await leg.say("forward.declined" if answer.choice == "message" else "forward.blocked")
            await leg.hangup()
        decided.set_result(RingResult(answer.choice, leg if answer.choice == "accept" else None, leg.line))
    except CallerHungUp:
        return
