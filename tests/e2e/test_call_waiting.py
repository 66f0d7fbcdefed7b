"""Call waiting on real calls: while the owner talks to one caller through the assistant, a second
important caller rings the owner's phones only with call waiting on; with it off, they leave a
message without the phones ringing."""

from __future__ import annotations

import asyncio

import pytest

from assistant.simcall import Step
from tests.e2e.conftest import connected, takes_the_call, talking
from tests.e2e.test_smart_number_screening import (
    MESSAGE,
    MOBILE,
    OWNER_MAIL,
    VOICEMAIL_CUE,
    words,
)

pytestmark = pytest.mark.e2e

SECOND_CALLER = "+12025559871"


@pytest.fixture
async def owner(service, mailbox, phones, caller_number):
    """The mobile only; both callers are VIPs, so neither is asked anything first."""
    (await connected(phones)).reset()
    yield service.update_settings(
        mobile=MOBILE,
        extensions=[],
        screening=True,
        do_not_disturb=False,
        vip_numbers=[caller_number, SECOND_CALLER],
        blocked_numbers=[],
        ring_timeout_s=15,
        ring_strategy="together",
        ring_seconds={},
        no_answer_action="voicemail",
        notification_emails=[OWNER_MAIL],
    )
    service.update_settings(call_waiting=True, vip_numbers=[])


async def test_without_call_waiting_a_second_caller_leaves_a_message_while_the_owner_talks(
    service, caller, phones, settings, owner, caller_number
):
    service.update_settings(call_waiting=False)
    # The owner accepts the first call and talks for a while.
    takes_the_call(phones, MOBILE, stay_s=45)
    first = asyncio.create_task(
        caller.call(
            settings.smart_number,
            talking("Hi Alex, it is me.", after_hearing="this is alex"),
            caller_number=caller_number,
            hangup_after_s=60,
            max_call_s=90,
        )
    )
    await _until_put_through(caller)

    second = await caller.call(
        settings.smart_number,
        [Step(say=MESSAGE, after_hearing=VOICEMAIL_CUE)],
        caller_number=SECOND_CALLER,
        max_call_s=45,
    )
    await first

    assert phones.rang[MOBILE] == 1  # the mobile was not rung for the second caller
    heard = words(second.heard)
    assert "leave a message" in heard and "put you through" not in heard, heard
    row = await asyncio.to_thread(service.call_from, SECOND_CALLER, 30)
    assert row["kind"] == "voicemail" and not row["legs"] and row["screening_decision"] == "voicemail", row
    (screened,) = [event for event in row["events"] if event["event"] == "screened"]
    assert screened["route"] == "owner on another call", screened


async def _until_put_through(caller, timeout_s: float = 60.0) -> None:
    """Wait until Asterisk bridges a caller with the owner (the assistant's talk bridge exists)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        bridges = await caller.client.get("/bridges")
        if any(bridge.get("name", "").startswith("talk-") for bridge in bridges):
            return
        await asyncio.sleep(0.5)
    raise AssertionError("the first caller was never put through")
