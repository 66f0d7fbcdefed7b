"""The Smart Number: greet, find out who is calling and why, ring the owner or take a message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from assistant.call import Call, FreeSpeech
from assistant.domain.caller_id import forwarded_caller_id
from assistant.domain.importance import Decision, decide_importance, is_listed
from assistant.domain.names import name_from_answer
from assistant.domain.owner import Caller, OwnerProfile
from assistant.domain.phone import spoken_number
from assistant.domain.ring_strategy import stages_for_owner
from assistant.domain.routing import Route, plan_call
from assistant.flows.forwarding import ring_owner
from assistant.flows.no_answer import NotifyMissed, after_no_answer
from assistant.flows.voicemail import KeepMessage, take_message
from assistant.grammars import load_choices
from assistant.greetings import voice_of, welcome

BlockNumber = Callable[[str], Awaitable[None]]
OwnerTalking = Callable[[], bool]


@dataclass
class Screening:
    name: str = ""
    reason: str = ""
    reason_confidence: float = 1.0  # the recognizer's, in `reason`


async def smart_number(
    call: Call,
    owner: OwnerProfile,
    caller: Caller,
    routes: tuple[Route, ...],
    keep: KeepMessage,
    block: BlockNumber,
    notify_missed: NotifyMissed,
    owner_talking: OwnerTalking = lambda: False,
) -> None:
    """One call to the owner's public number, from answer to hang-up."""
    await call.answer()
    if call.resumed:
        await call.say("smart_number.resumed")
    blocked = is_listed(caller.number, owner.blocked_numbers)
    vip = is_listed(caller.number, owner.vip_numbers)
    can_ring = plan_call(important=True, blocked=blocked, do_not_disturb=owner.do_not_disturb, routes=routes)
    if can_ring.voicemail_now:  # nobody can be rung: no questions, a message at once
        record(call, Screening(caller.contact_name or ""), Decision(False, can_ring.reason), can_ring.reason)
        await take_message(call, owner, keep)
        return

    heard = Screening(caller.contact_name or "")
    if owner.screening and not vip:
        heard = await screen(call, owner, caller)
        decision = await decide(call, owner, caller, heard)
    else:
        decision = Decision(True, "VIP caller" if vip else "screening off")
    plan = plan_call(
        important=decision.important,
        blocked=False,
        do_not_disturb=False,
        routes=routes,
        owner_on_another_call=not owner.call_waiting and owner_talking(),
    )
    record(call, heard, decision, plan.reason)
    if plan.voicemail_now:
        await take_message(call, owner, keep)
        return

    await call.say("screening.vip_hold" if vip else "screening.hold", owner=owner.name)
    await call.hold()
    caller_id = forwarded_caller_id(owner, caller.number)
    who = who_is_calling(call, caller, heard)
    result = await ring_owner(
        call,
        stages_for_owner(owner.ring_strategy, plan.ring, owner.ring_seconds, round(owner.ring_timeout_s)),
        caller_id=caller_id,
        who=who,
        about=what_about(call, heard),
    )
    await call.unhold()
    if result.outcome == "accept":
        call.outcome = "answered"
        await call.connect(result.leg)
        return
    if result.outcome == "no-answer":
        await after_no_answer(call, owner, keep, notify_missed, caller_id=caller_id, who=who)
        return
    if result.outcome == "block":
        await block(caller.number)
    await call.say("screening.not_available", owner=owner.name)
    await take_message(call, owner, keep)


async def screen(call: Call, owner: OwnerProfile, caller: Caller) -> Screening:
    """Greet and ask who is calling and why."""
    await call.say_greeting(welcome(call.prompts, owner.name, owner.welcome_text, voice_of(owner)))
    name = await call.ask("screening.ask_name", FreeSpeech(), reprompts=1)
    reason = await call.ask("screening.ask_reason", FreeSpeech(), reprompts=1)
    return Screening(name_from_answer(name.text) or caller.contact_name or "", reason.text, reason.confidence)


async def decide(call: Call, owner: OwnerProfile, caller: Caller, heard: Screening) -> Decision:
    """Importance from what was said and who is calling; when that is unsure, the caller's own answer."""
    decision = decide_importance(
        heard.reason,
        caller_number=caller.number,
        vip_numbers=owner.vip_numbers,
        contact_important=caller.important_contact,
        importance_words=owner.importance_words,
        heard_confidence=heard.reason_confidence,
    )
    if not decision.ask:
        return decision
    urgent = await call.ask("screening.ask_urgent", load_choices("urgent"), reprompts=0)
    if urgent.choice == "urgent":
        return Decision(
            True, "caller said it is urgent" if urgent.kind == "speech" else "caller pressed 1: urgent"
        )
    if urgent.choice == "not_urgent":
        return Decision(False, "caller said not urgent" if urgent.kind == "speech" else "caller pressed 2")
    return decision


def record(call: Call, heard: Screening, decision: Decision, route: str) -> None:
    call.screening = {
        "name": heard.name,
        "reason": heard.reason,
        "important": decision.important,
        "decision": decision.reason,
        "route": route,
    }
    call.log_event("screened", **call.screening)


def who_is_calling(call: Call, caller: Caller, heard: Screening) -> str:
    known = heard.name or caller.contact_name
    if known:
        return known
    return call.prompts.text("forward.unknown_caller", number=spoken_number(caller.number))


def what_about(call: Call, heard: Screening) -> str:
    if heard.reason:
        return call.prompts.text("forward.about_reason", reason=heard.reason)
    return call.prompts.text("forward.about_nothing")
