"""`call.ask` in real calls: spoken answers, keypad answers, barge-in, silence and hang-up.

The speech test line asks a yes/no question, asks for a sentence, asks for four digits, and says
back what it understood; the simulated caller's ears (ASR) check what it said.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from assistant.simcall import CallResult, Step

pytestmark = pytest.mark.e2e


def heard(result: CallResult) -> str:
    return re.sub(r"[^a-z0-9 ]", "", " ".join(h.text for h in result.heard).lower())


def turns(row: dict) -> list[dict]:
    return [event for event in row["events"] if event["event"] == "turn"]


def said(row: dict) -> list[str]:
    """What the service spoke on the call, as it logged it (the caller's ears can mishear it)."""
    return [event["text"] for event in row["events"] if event["event"] == "said"]


async def test_spoken_answers_are_understood(service, caller, settings, caller_number):
    steps = [
        Step(say="yes"),
        Step(say="I am calling about the contract for the new office."),
        Step(dtmf="1234"),
    ]

    result = await caller.call(settings.speech_test_line, steps, caller_number=caller_number, max_call_s=90)

    text = heard(result)
    assert "you chose yes" in text, text
    assert "contract" in text and "office" in text, text
    row = await asyncio.to_thread(service.call_from, caller_number)
    yes_no, sentence, digits = turns(row)
    assert (yes_no["decision"], yes_no["choice"]) == ("speech", "yes")
    assert sentence["decision"] == "speech" and "contract" in sentence["heard"].lower()
    assert (digits["decision"], digits["digits"]) == ("dtmf", "1234")
    assert row["outcome"] == "completed"


async def test_keypad_answers_the_question(service, caller, settings, caller_number):
    steps = [Step(dtmf="2")]

    result = await caller.call(
        settings.speech_test_line, steps, caller_number=caller_number, hangup_after_s=None, max_call_s=20
    )

    row = await asyncio.to_thread(service.call_from, caller_number, 60)
    assert turns(row)[0]["decision"] == "dtmf" and turns(row)[0]["choice"] == "no"
    assert "You chose no." in said(row)
    assert "say a sentence" in heard(result), heard(result)


async def test_speaking_over_the_prompt_stops_it(service, caller, settings, caller_number):
    steps = [Step(say="no", interrupt_after_s=2.5)]

    result = await caller.call(settings.speech_test_line, steps, caller_number=caller_number, max_call_s=20)

    row = await asyncio.to_thread(service.call_from, caller_number, 60)
    first = turns(row)[0]
    assert first["barged_in"] and first["choice"] == "no"
    assert "You chose no." in said(row)
    assert "say a sentence" in heard(result), heard(result)
    full_prompt_s = 5.0
    assert first["prompt_s"] < full_prompt_s, first


async def test_silence_is_reprompted(service, caller, settings, caller_number):
    result = await caller.call(settings.speech_test_line, [], caller_number=caller_number, hangup_after_s=22)

    assert "didnt hear anything" in heard(result), heard(result)
    row = await asyncio.to_thread(service.call_from, caller_number)
    assert [turn["decision"] for turn in turns(row)][:2] == ["no-input", "no-input"]
    assert row["outcome"] == "caller-hangup"


async def test_caller_hanging_up_during_a_question_ends_the_call_cleanly(
    service, caller, settings, caller_number
):
    await caller.call(settings.speech_test_line, [], caller_number=caller_number, hangup_after_s=3)

    row = await asyncio.to_thread(service.call_from, caller_number)
    assert row["outcome"] == "caller-hangup"
    assert "flow failed" not in service.log_tail(400)
