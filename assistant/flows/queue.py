"""A call to a queue: the caller holds while every present member's phones ring together; the member
who accepts (after a whisper naming the queue) takes the call. Nobody present, nobody who can ring,
or nobody accepting in the queue's ring time: a message in the queue's mailbox, or a goodbye."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from assistant.call import Call
from assistant.domain.owner import OwnerProfile
from assistant.domain.phone import spoken_number
from assistant.domain.queues import QueueRing, when_nobody_takes
from assistant.domain.ring_strategy import Stage
from assistant.flows.forwarding import ring_owner
from assistant.flows.voicemail import KeepMessage, take_message

TakenBy = Callable[[int], Awaitable[None]]  # files the call under the member who took it


@dataclass(frozen=True)
class QueueCall:
    """One call's view of its queue."""

    name: str
    ring_s: int
    ring: QueueRing
    mailbox: OwnerProfile | None  # the queue's mailbox, spoken of by the queue's name


async def queue_call(call: Call, queue: QueueCall, keep: KeepMessage, taken_by: TakenBy) -> None:
    """One call to a queue, from answer to hang-up."""
    await call.answer()
    call.log_event(
        "queue", queue=queue.name, ring=queue.ring.reason, members=sorted(set(queue.ring.member_of.values()))
    )
    if queue.ring.nobody:
        await nobody_takes(call, queue, keep)
        return
    await call.say("queue.greeting", queue=queue.name)
    await call.hold()
    who = call.prompts.text("forward.unknown_caller", number=spoken_number(call.caller_number))
    result = await ring_owner(
        call,
        (Stage(queue.ring.routes, queue.ring_s),),
        caller_id=call.caller_number,
        who=who,
        about=call.prompts.text("queue.about", queue=queue.name),
        whisper="queue.whisper",
    )
    await call.unhold()
    if result.outcome == "accept" and result.leg is not None:
        await taken_by(queue.ring.member_of[result.label])
        call.outcome = "answered"
        await call.connect(result.leg)
        return
    await nobody_takes(call, queue, keep)


async def nobody_takes(call: Call, queue: QueueCall, keep: KeepMessage) -> None:
    """The queue's mailbox takes a message; a queue without one says goodbye."""
    if when_nobody_takes(queue.mailbox.owner_id if queue.mailbox else None) == "voicemail":
        await call.say("queue.nobody", queue=queue.name)
        await take_message(call, queue.mailbox, keep)
        return
    await call.say("queue.goodbye", queue=queue.name)
    await call.hangup()
