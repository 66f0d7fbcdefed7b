"""A desk phone calls out: through the application, under the owner's caller ID, into the call log.

The desk phone is a simulated caller whose SIP From user is the extension (101), so Asterisk takes
the call as coming from that endpoint and sends it to the application; the person called is a
simulated phone, which reports the caller ID it was shown.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from assistant.domain.billing import talk_seconds
from assistant.simcall import PhoneScript, Step
from tests.e2e.conftest import connected, export_rows_for

pytestmark = pytest.mark.e2e

DESK = "101"
DANA = "+15557770991"  # a lab phone: an outside number
LOCAL_FOR_DANA = "+15557779999"  # the owner's local number in Dana's area code (Local ID)


def words(heard) -> str:
    return re.sub(r"[^a-z0-9 ]", "", " ".join(h.text for h in heard).lower())


@pytest.fixture
async def owner(service, phones):
    (await connected(phones)).reset()
    yield service.update_settings(extensions=[DESK], local_numbers=[LOCAL_FOR_DANA], local_id=True)
    service.update_settings(local_id=False, local_numbers=[])


async def test_desk_phone_calls_out_under_the_owners_local_caller_id_and_is_logged(
    service, caller, phones, settings, owner
):
    talking = [Step(say="Hello, this is Dana.", delay_s=1.0), Step(say="Hello, this is Dana.", delay_s=3)]
    phones.script(DANA, PhoneScript(answer_after_s=2, steps=talking, stay_s=10))
    desk_steps = [
        Step(say="Hi Dana, it is Alex from the office.", after_hearing="this is dana"),
        Step(say="Hi Dana, it is Alex from the office.", delay_s=3, hang_up_after=True),
    ]

    result = await caller.call(DANA, desk_steps, caller_number=DESK, max_call_s=60)
    (dana_call,) = await phones.answered_calls(DANA)

    assert result.answered and "this is dana" in words(result.heard), words(result.heard)
    assert "alex from the office" in words(dana_call.heard), words(dana_call.heard)
    assert dana_call.caller_number == LOCAL_FOR_DANA  # Local ID: the owner's number for Dana's area
    placed = await asyncio.to_thread(service.outbound_call_to, DANA)
    assert placed["kind"] == "outbound" and placed["line"] == LOCAL_FOR_DANA
    assert placed["answered_at"] and placed["outcome"] == "completed"
    assert {"event": "placed", "by": f"desk phone {DESK}", "to": DANA} in placed["events"]
    talk = talk_seconds(placed["talk_s"])
    assert 0 < talk <= placed["duration_s"] - 1, placed  # from Dana's answer, not her ringing
    (billed,) = [row for row in export_rows_for(service, DANA) if row["call_id"] == str(placed["id"])]
    assert billed["direction"] == "outbound" and int(billed["talk_seconds"]) == talk
    assert billed["line"] == f"'{LOCAL_FOR_DANA}"
    assert not [row for row in service.calls() if row["caller_number"] == DESK]  # one row: the conversation
