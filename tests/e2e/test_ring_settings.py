"""The owner's ring settings on real calls: phones rung one after another by priority, each for its
own seconds, the whisper and the accept on whichever phone answers."""

from __future__ import annotations

import asyncio

import pytest

from assistant.simcall import PhoneScript, Step
from tests.e2e.conftest import connected
from tests.e2e.test_smart_number_screening import (
    CONNECTED_CUE,
    DESK,
    DESK_RINGS_AS,
    MOBILE,
    OWNER_MAIL,
    URGENT_CALLER,
    talking,
    words,
)

pytestmark = pytest.mark.e2e

MOBILE_RINGS_S = 8


@pytest.fixture
async def owner(service, mailbox, phones):
    """Mobile and desk phone rung by priority: the mobile alone first, then the desk phone."""
    (await connected(phones)).reset()
    yield service.update_settings(
        mobile=MOBILE,
        extensions=[DESK],
        screening=True,
        do_not_disturb=False,
        vip_numbers=[],
        blocked_numbers=[],
        ring_timeout_s=25,
        ring_strategy="priority",
        ring_seconds={"mobile": MOBILE_RINGS_S, DESK: 20},
        notification_emails=[OWNER_MAIL],
    )
    service.update_settings(ring_strategy="together", ring_seconds={})  # other modules ring together


async def test_priority_rings_the_mobile_alone_then_the_desk_phone_which_accepts(
    service, caller, phones, settings, owner, caller_number
):
    phones.script(MOBILE, PhoneScript(answer_after_s=None))
    phones.script(
        DESK_RINGS_AS,
        PhoneScript(
            answer_after_s=1,
            steps=[
                Step(dtmf="1", after_hearing="court hearing"),
                *talking("This is the front desk.", after_hearing=CONNECTED_CUE),
            ],
            stay_s=10,
        ),
    )

    result = await caller.call(
        settings.smart_number, URGENT_CALLER, caller_number=caller_number, max_call_s=90
    )
    (mobile_call,) = await phones.answered_calls(MOBILE)
    (desk_call,) = await phones.answered_calls(DESK_RINGS_AS)

    assert not mobile_call.answered and desk_call.answered
    # The mobile rang alone for its own seconds; the desk phone rang only once it had stopped.
    mobile_rang_s = (mobile_call.ended_at - mobile_call.rang_at).total_seconds()
    assert MOBILE_RINGS_S - 1 <= mobile_rang_s <= MOBILE_RINGS_S + 3, mobile_rang_s
    assert mobile_call.ended_at <= desk_call.rang_at, (mobile_call.ended_at, desk_call.rang_at)
    # The whisper and the accept work on the desk phone, and the caller is put through to it.
    whisper = words(desk_call.heard)
    assert "court hearing" in whisper, whisper
    assert "front desk" in words(result.heard), words(result.heard)
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    rung = [event["leg"] for event in row["events"] if event["event"] == "ringing"]
    assert rung == ["mobile", f"extension {DESK}"], rung
    (accepted,) = [leg for leg in row["legs"] if leg["answered_at"]]
    assert DESK in accepted["called_line"], accepted
