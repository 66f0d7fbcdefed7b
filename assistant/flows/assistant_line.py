"""The assistant line: the owner phones in, proves who they are, and says what to do.

"Call Maria Garcia", "call Maria on mobile", "call 2 0 2 5 5 5 …", "play my messages", "help",
"goodbye" — or the keys the help menu announces. Names come from the owner's phonebook; when the
recognizer is not sure, or several people sound alike, the assistant asks back before dialing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from assistant.call import Call, CallerHungUp, Choices, Digits, Phrases
from assistant.domain.caller_id import outbound_caller_id
from assistant.domain.owner import OwnerProfile
from assistant.domain.phone import spoken_number
from assistant.domain.phonebook import Person, Phonebook
from assistant.domain.routing import dial_target, why_not_answered
from assistant.domain.spoken_time import spoken_when
from assistant.flows.outbound_checks import clear_outbound, time_is_up
from assistant.grammars import load_choices
from assistant.speech.asr.base import Hypothesis

log = logging.getLogger(__name__)

PIN_TRIES_PER_CALL = 3
MAX_PIN_DIGITS = 8
IDLE_TURNS = 3  # questions in a row with no usable answer before the assistant says goodbye
OUTBOUND_RING_S = 30.0
MAX_SPELLED_CHOICES = 3  # offered by position: "the first one" … "the third one", keys 1-3


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    failures: int = 0
    locked_for_s: float = 0.0
    just_locked: bool = False


@dataclass(frozen=True)
class PhoneMessage:
    """A voicemail as the phone menu reads it."""

    id: int
    caller_number: str
    caller_name: str | None
    at: datetime
    transcript: str | None
    audio: Path | None


class Office(Protocol):
    """What the assistant line needs from the owner's records, in the owner's terms."""

    owner: OwnerProfile

    async def is_registered(self, number: str) -> bool: ...
    async def locked_for_s(self, number: str) -> float: ...
    async def try_pin(self, number: str, pin: str) -> PinCheck: ...
    async def phonebook(self) -> Phonebook: ...
    async def commands(self) -> object: ...  # the command recognizer built from the phonebook
    async def messages(self) -> list[PhoneMessage]: ...
    async def mark_heard(self, message: PhoneMessage) -> None: ...
    async def delete(self, message: PhoneMessage) -> None: ...
    async def outbound_used_s(self) -> float: ...  # billable outbound talk this month


async def assistant_line(call: Call, office: Office | None) -> None:
    """One call from the owner to their assistant, from answer to goodbye."""
    await call.answer()
    if office is None:
        await call.say("line.not_set_up")
        await call.hangup()
        return
    if not await identify(call, office):
        await call.hangup()
        return
    await take_commands(call, office)


async def identify(call: Call, office: Office) -> bool:
    """A registered phone is the owner; anyone else gives the PIN, and too many wrong ones lock them out."""
    number = call.caller_number
    if await office.locked_for_s(number) > 0:
        call.log_event("line-locked", number=number)
        await call.say("line.locked")
        return False
    if await office.is_registered(number):
        call.log_event("identified", by="caller id")
        return True
    for _ in range(PIN_TRIES_PER_CALL):
        answer = await call.ask("line.ask_pin", Digits(max_digits=MAX_PIN_DIGITS), reprompts=1)
        if not answer.digits:
            await call.say("line.goodbye")
            return False
        check = await office.try_pin(number, answer.digits)
        if check.ok:
            call.log_event("identified", by="pin")
            return True
        call.log_event("wrong-pin", failures=check.failures)
        if check.locked_for_s > 0:
            call.log_event("line-locked", number=number, failures=check.failures, for_s=check.locked_for_s)
            await call.say("line.locked")
            return False
        await call.say("line.wrong_pin")
    await call.say("line.goodbye")
    return False


async def take_commands(call: Call, office: Office) -> None:
    """Ask what to do until the owner says goodbye (or stops answering)."""
    idle = 0
    prompt = "line.welcome"
    while idle < IDLE_TURNS:
        recognizer = await office.commands()
        expect = Phrases(recognizer.grammar, recognizer.commands.keys, recognizer.stream)
        answer = await call.ask(prompt, expect, reprompts=0, owner=first_name(office.owner.name))
        prompt = "line.anything_else"
        if answer.kind == "dtmf":
            done = await by_key(call, office, recognizer, answer.choice)
        elif answer.kind == "speech":
            command = recognizer.interpret(Hypothesis(answer.text, answer.confidence, answer.alternatives))
            call.log_event("command", action=command.action, heard=command.text)
            done = await by_voice(call, office, recognizer, command)
        else:
            done = None
        if done is None:
            idle += 1
            prompt = "line.what_next_again"
            continue
        idle = 0
        if done == "goodbye":
            break
    await call.say("line.goodbye")
    await call.hangup()


async def by_voice(call: Call, office: Office, recognizer, command) -> str | None:
    """Carry out a spoken command; the action done, or None when it was not understood."""
    action = command.action
    if action == "call-name":
        person = await confirm_person(call, recognizer, command.match)
        if person is not None:
            await call_person(call, office, person, command.label)
    elif action == "call-number":
        spoken = spoken_number(command.number)
        if not command.ask_first or await said_yes(call, "line.confirm_number", number=spoken):
            await place_call(call, office, command.number, spoken)
    elif action in ("messages", "help"):
        await by_key(call, office, recognizer, action)
    elif action != "goodbye":
        return None
    return action


async def by_key(call: Call, office: Office, recognizer, action: str | None) -> str | None:
    """Carry out the action of a key (the keypad spells names and keys numbers in)."""
    if action == "help":
        await call.say("line.help")
    elif action == "messages":
        await play_messages(call, office)
    elif action == "call-name":
        person = await spell_name(call, office, recognizer)
        if person is not None:
            await call_person(call, office, person, None)
    elif action == "call-number":
        number = await call.ask("line.enter_number", Digits(max_digits=15), reprompts=1)
        if number.digits:
            await place_call(call, office, number.digits, spoken_number(number.digits))
    elif action != "goodbye":
        return None
    return action


# --- choosing who to call -----------------------------------------------------------------------
async def confirm_person(call: Call, recognizer, match) -> Person | None:
    """The person meant: taken as heard when sure, else confirmed ("Did you mean … or …?")."""
    people = [candidate.person for candidate in match.candidates] if match else []
    if not people:
        await call.say("line.no_one_matches")
        return None
    if match.kind == "sure":
        return people[0]
    return await choose_among(call, recognizer, people)


async def choose_among(call: Call, recognizer, people: list[Person]) -> Person | None:
    """Ask which of `people` is meant (one: yes or no; several: "the second one", a name, or a key)."""
    expect = Choices(
        options={"reply": tuple(recognizer.confirmation_phrases(people))},
        keys=dict.fromkeys("0123456789", "reply"),
    )
    if len(people) == 1:
        answer = await call.ask("line.confirm_one", expect, reprompts=1, name=people[0].name)
    else:
        answer = await call.ask("line.confirm_many", expect, reprompts=1, names=list_of_names(people))
    if not answer.understood:
        return None
    key = answer.digits if answer.kind == "dtmf" else None
    chosen = recognizer.choose(people, reply=answer.text, key=key)
    call.log_event("chosen", person=chosen.name if chosen else None)
    return chosen


async def said_yes(call: Call, prompt: str, **values: str) -> bool:
    answer = await call.ask(prompt, load_choices("yes_no"), reprompts=1, **values)
    return answer.choice == "yes"


async def spell_name(call: Call, office: Office, recognizer) -> Person | None:
    """Dial by name: the first letters of the first or last name on the keypad, then pick from the matches."""
    spelled = await call.ask("line.spell", Digits(max_digits=10), reprompts=1)
    if not spelled.digits:
        return None
    matches = (await office.phonebook()).by_keypad(spelled.digits)[:MAX_SPELLED_CHOICES]
    if not matches:
        await call.say("line.no_one_matches")
        return None
    return await choose_among(call, recognizer, matches)


# --- calling out --------------------------------------------------------------------------------
async def call_person(call: Call, office: Office, person: Person, label: str | None) -> None:
    entry = person.entry_for(label)
    if entry is None:
        entry = person.entry_for(None)
        await call.say("line.no_such_number", name=person.name, label=label)
    await place_call(call, office, entry.number, person.name)


async def place_call(call: Call, office: Office, number: str, name: str) -> None:
    """Call `number` under the owner's caller ID (Local ID, default, Smart Number) and put the owner
    through when it answers.

    Busy, no answer or a failed call is told to the owner, who is back at the assistant; so is
    the owner when the person called hangs up first. The monthly limit and the destination's
    passcode are checked first; when the month's minutes run out, the call ends and the owner is told.
    """
    clearance = await clear_outbound(call, office.owner, number, office.outbound_used_s)
    if not clearance.placed:
        return
    await call.say("line.calling", name=name)
    leg = await call.dial(
        dial_target(number),
        "outbound",
        caller_id=outbound_caller_id(office.owner, number),
        timeout_s=OUTBOUND_RING_S,
    )
    if leg is None:
        await call.say("line.call_failed", name=name)
        return
    leg.callee = (number, name)
    await call.ringback()
    try:
        answered = await answered_unless_caller_leaves(call, leg)
    finally:
        await call.stop_ringback()
    if not answered:
        reason = why_not_answered(leg.hangup_cause)
        call.log_event("outbound-not-answered", number=number, reason=reason)
        await call.say(f"line.callee_{reason.replace('-', '_')}", name=name)
        return
    leg.accepted_at = datetime.now(UTC)
    left = await call.connect(leg, keep_caller=True, max_s=clearance.talk_limit_s)
    if left == "caller":
        raise CallerHungUp(call.info.id)
    if left == "time-up":
        await time_is_up(call, leg)
        return
    await call.say("line.call_ended")


async def answered_unless_caller_leaves(call: Call, leg: Call) -> bool:
    """Whether `leg` answered; when the owner hangs up while it rings, it is hung up too."""
    ringing = asyncio.ensure_future(leg.wait_answered())
    caller_left = asyncio.ensure_future(call.wait_gone())
    try:
        await asyncio.wait({ringing, caller_left}, return_when=asyncio.FIRST_COMPLETED)
        if caller_left.done():
            raise CallerHungUp(call.info.id)
        return ringing.result()
    finally:
        for task in (ringing, caller_left):
            task.cancel()
        if caller_left.done() and not leg.gone:
            with contextlib.suppress(Exception):
                await leg.hangup()


# --- messages -----------------------------------------------------------------------------------
async def play_messages(call: Call, office: Office) -> None:
    """Newest first: who, when, what they said; then next, repeat, delete, call back, or back to the menu."""
    messages = await office.messages()
    if not messages:
        await call.say("line.no_messages")
        return
    await call.say("line.message_count" if len(messages) > 1 else "line.one_message", count=len(messages))
    menu = load_choices("message_menu")
    index = 0
    while index < len(messages):
        message = messages[index]
        await read_message(call, office, message, index + 1)
        answer = await call.ask("line.message_menu", menu, reprompts=1)
        choice = answer.choice
        if choice == "repeat":
            continue
        if choice == "play":
            if message.audio is not None:
                await call.play_recording(message.audio)
            continue
        if choice == "delete":
            await office.delete(message)
            call.log_event("message-deleted", message=message.id)
            await call.say("line.message_deleted")
        elif choice == "call_back":
            await place_call(call, office, message.caller_number, caller_of(message))
            return
        elif choice in ("main_menu", None):
            return
        index += 1
    await call.say("line.no_more_messages")


async def read_message(call: Call, office: Office, message: PhoneMessage, position: int) -> None:
    when = spoken_when(message.at, datetime.now(UTC), office.owner.time_zone)
    await call.say("line.message_header", position=position, caller=caller_of(message), when=when)
    if message.transcript:
        await call.say("line.message_transcript", text=message.transcript)
    elif message.audio is not None:
        await call.play_recording(message.audio)
    await office.mark_heard(message)


# --- wording ------------------------------------------------------------------------------------
def caller_of(message: PhoneMessage) -> str:
    return message.caller_name or spoken_number(message.caller_number)


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def list_of_names(people: list[Person]) -> str:
    names = [person.name for person in people]
    return ", ".join(names[:-1]) + ", or " + names[-1] if len(names) > 1 else names[0]
