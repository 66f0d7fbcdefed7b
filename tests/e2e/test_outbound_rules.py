"""The owner's rules for calls out, on real calls from desk phone 101: the monthly limit (a call is
not placed once it is reached; a call in progress ends when the minutes run out) and the passcode
asked before a call to a passcode destination (right: placed; wrong twice: never dialed).

Earlier billed calls are seeded as finished outbound calls in the service's own database.
"""

from __future__ import annotations

import asyncio
import math
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from assistant.domain.outbound_rules import month_bounds
from assistant.simcall import PhoneScript, Step
from assistant.store.calls import CallLog
from assistant.store.db import open_store
from assistant.store.owners import OwnerDirectory
from tests.e2e.conftest import connected

pytestmark = pytest.mark.e2e

DESK = "101"
DANA = "+15557770991"  # a lab phone: an outside number
PASSCODE = "4711"
LIMIT_CUE = "monthly calling limit"
LEFT_FOR_THE_CALL_S = 12.0


def words(heard) -> str:
    return re.sub(r"[^a-z0-9 ]", "", " ".join(h.text for h in heard).lower())


def newest_call_id(service) -> int:
    return max((row["id"] for row in service.calls()), default=0)


def seed_billed_call(settings, talk_s: float) -> None:
    """A finished call the owner placed earlier this month, with `talk_s` of billable talk."""
    store = open_store(settings.effective_database_url)
    try:
        owner = OwnerDirectory(store).owner_for_line(settings.speech_test_line)
        assert owner is not None
        now = datetime.now(UTC)
        month_start, _ = month_bounds(now, owner.time_zone)
        answered = max(month_start, now - timedelta(seconds=talk_s + 60))
        log = CallLog(store)
        channel = f"seeded-{uuid.uuid4().hex[:8]}"
        log.record_start(
            channel, "outbound", "+15550100", None, "+12025550100", answered, owner_id=owner.owner_id
        )
        log.record_answer(channel, answered)
        log.record_end(channel, answered + timedelta(seconds=talk_s), "completed", "16")
    finally:
        store.close()


def used_s(service) -> float:
    reply = service.http.get("/settings/usage")
    reply.raise_for_status()
    return reply.json()["used_s"]


@pytest.fixture
async def owner(service, phones):
    (await connected(phones)).reset()
    yield service.update_settings(extensions=[DESK])
    service.update_settings(monthly_limit_minutes=None, passcode_destinations=[], outbound_passcode=None)


def dana_answers(phones, stay_s: float = 10) -> None:
    talking = [Step(say="Hello, this is Dana.", delay_s=1.0), Step(say="Hello, this is Dana.", delay_s=3)]
    phones.script(DANA, PhoneScript(answer_after_s=1, steps=talking, stay_s=stay_s))


async def test_a_reached_monthly_limit_refuses_the_call_with_a_prompt(
    service, caller, phones, settings, owner
):
    seed_billed_call(settings, talk_s=61)
    service.update_settings(monthly_limit_minutes=1)
    dana_answers(phones)
    before = newest_call_id(service)

    result = await caller.call(DANA, [Step(say="Hello?", delay_s=8)], caller_number=DESK, max_call_s=30)

    assert LIMIT_CUE in words(result.heard), words(result.heard)
    assert result.ended_by == "assistant"
    assert not phones.rang.get(DANA)  # never dialed
    assert not [r for r in service.calls() if r["id"] > before and r["number"] == DANA]


async def test_a_call_in_progress_ends_when_the_months_minutes_run_out(
    service, caller, phones, settings, owner
):
    used = used_s(service)
    limit_minutes = math.ceil((used + LEFT_FOR_THE_CALL_S + 1) / 60)
    seed_billed_call(settings, talk_s=limit_minutes * 60 - used - LEFT_FOR_THE_CALL_S)
    service.update_settings(monthly_limit_minutes=limit_minutes)
    assert abs(limit_minutes * 60 - used_s(service) - LEFT_FOR_THE_CALL_S) < 0.5
    dana_answers(phones, stay_s=40)
    before = newest_call_id(service)
    desk_steps = [Step(say="Hi Dana, it is Alex from the office.", after_hearing="this is dana")]

    result = await caller.call(DANA, desk_steps, caller_number=DESK, max_call_s=60)
    (dana_call,) = await phones.answered_calls(DANA)

    heard = words(result.heard)
    assert "this is dana" in heard and LIMIT_CUE in heard, heard
    assert heard.index("this is dana") < heard.index(LIMIT_CUE)
    assert result.ended_by == "assistant" and dana_call.ended_by == "far end"
    placed = await asyncio.to_thread(service.outbound_call_to, DANA, after_id=before)
    assert LEFT_FOR_THE_CALL_S - 1 <= placed["talk_s"] <= LEFT_FOR_THE_CALL_S + 4, placed
    assert any(e.get("event") == "cut" and e.get("reason") == "monthly-limit" for e in placed["events"])


async def test_the_right_passcode_places_a_call_to_a_passcode_destination(service, caller, phones, owner):
    service.update_settings(passcode_destinations=["+1555777"], outbound_passcode=PASSCODE)
    dana_answers(phones)
    before = newest_call_id(service)
    desk_steps = [
        Step(dtmf=PASSCODE + "#", after_hearing="passcode for this destination"),
        Step(say="Hi Dana, it is Alex from the office.", after_hearing="this is dana", hang_up_after=True),
    ]

    result = await caller.call(DANA, desk_steps, caller_number=DESK, max_call_s=60)
    (dana_call,) = await phones.answered_calls(DANA)

    assert "passcode for this destination" in words(result.heard), words(result.heard)
    assert dana_call.answered and "alex from the office" in words(dana_call.heard), words(dana_call.heard)
    placed = await asyncio.to_thread(service.outbound_call_to, DANA, after_id=before)
    assert placed["outcome"] == "completed" and placed["answered_at"]


async def test_a_wrong_passcode_twice_never_dials(service, caller, phones, owner):
    service.update_settings(passcode_destinations=["+1555777"], outbound_passcode=PASSCODE)
    dana_answers(phones)
    before = newest_call_id(service)
    desk_steps = [
        Step(dtmf="1234#", after_hearing="passcode for this destination"),
        Step(dtmf="9999#", after_hearing="passcode for this destination"),
        Step(say="Hello?", delay_s=8),
    ]

    result = await caller.call(DANA, desk_steps, caller_number=DESK, max_call_s=45)

    heard = words(result.heard)
    assert "passcode is not right" in heard and "the call was not placed" in heard, heard
    assert result.ended_by == "assistant"
    assert not phones.rang.get(DANA)
    assert not [r for r in service.calls() if r["id"] > before and r["number"] == DANA]
