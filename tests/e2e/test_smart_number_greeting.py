"""Real calls into the Smart Number through the lab Asterisk: the greeting, the call log, restarts."""

from __future__ import annotations

import asyncio
import re
import signal
from datetime import datetime

import pytest

from assistant.pbx import lab
from assistant.simcall import CallResult, Step

pytestmark = pytest.mark.e2e


def heard_text(result: CallResult) -> str:
    return re.sub(r"[^a-z ]", "", " ".join(h.text for h in result.heard).lower())


def assert_greeting(result: CallResult) -> None:
    text = heard_text(result)
    assert "office" in text and "alex morgan" in text, text
    assert "automated assistant" in text, text


async def test_caller_hears_the_greeting_and_the_call_is_logged(service, caller, settings, caller_number):
    result = await caller.call(settings.smart_number, [Step(say="hello")], caller_number=caller_number)

    assert result.answered and result.ended_by == "assistant"
    assert_greeting(result)
    row = await asyncio.to_thread(service.call_from, caller_number)
    assert row["direction"] == "inbound"
    assert row["called_line"] == settings.smart_number
    assert row["outcome"] == "completed"
    assert row["answered_at"] is not None
    assert abs(row["duration_s"] - result.duration_s) < 2.0, (row["duration_s"], result.duration_s)
    started = datetime.fromisoformat(row["started_at"])
    ended = datetime.fromisoformat(row["ended_at"])
    assert abs((ended - started).total_seconds() - row["duration_s"]) < 0.01
    said = [event["prompt"] for event in row["events"] if event["event"] == "said"]
    assert said == ["smart_number.greeting", "smart_number.goodbye"]


async def test_caller_who_hangs_up_after_one_second_is_logged(service, caller, settings, caller_number):
    result = await caller.call(settings.smart_number, [], caller_number=caller_number, hangup_after_s=1.0)

    assert result.answered and result.ended_by == "caller"
    row = await asyncio.to_thread(service.call_from, caller_number)
    assert row["outcome"] == "caller-hangup"
    assert 0.5 < row["duration_s"] < 3.0, row["duration_s"]
    assert not [event for event in row["events"] if event["event"] == "said"]


async def test_concurrent_callers_are_each_answered_and_logged(service, caller, settings):
    numbers = [f"+1303555{index:04d}" for index in range(4)]
    results = await asyncio.gather(
        *(caller.call(settings.smart_number, [], caller_number=number) for number in numbers)
    )
    for result in results:
        assert_greeting(result)
    rows = [await asyncio.to_thread(service.call_from, number) for number in numbers]
    assert {row["channel_id"] for row in rows}.__len__() == len(numbers)
    assert all(row["outcome"] == "completed" for row in rows)


async def test_service_reconnects_after_asterisk_restarts(service, caller, settings, caller_number):
    await asyncio.to_thread(lab.stop, settings)
    await asyncio.to_thread(lab.start, settings)
    await asyncio.to_thread(service.wait_healthy)

    await caller.wait_connected()
    result = await caller.call(settings.smart_number, [], caller_number=caller_number)

    assert_greeting(result)
    assert "connected to ARI" in service.log_tail(200)


async def test_call_in_progress_is_resumed_when_the_service_restarts(
    service, caller, settings, caller_number
):
    call = asyncio.create_task(caller.call(settings.smart_number, [], caller_number=caller_number))
    await asyncio.sleep(2.5)
    await asyncio.to_thread(service.stop, signal.SIGKILL)
    await asyncio.to_thread(service.start)

    result = await call

    assert "lost track of our call" in heard_text(result)
    assert_greeting(result)
    row = await asyncio.to_thread(service.call_from, caller_number)
    assert row["outcome"] == "completed"
