"""Queues on real calls: a call to a queue rings its present members' phones (the simulated mobile of the
test's owner) and the member who presses 1 takes it; with the member's presence off in one queue that
queue's calls do not ring them and go to the queue's mailbox, while another queue still rings them."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from assistant.simcall import Step
from tests.conftest import OWNER_EMAIL, run_cli
from tests.e2e.conftest import connected, takes_the_call, talking
from tests.e2e.test_smart_number_screening import MOBILE, OWNER_MAIL, words

pytestmark = pytest.mark.e2e

FRONT_DESK = "+15550301"
BILLING = "+15550302"
RING_S = 15
MESSAGE = "Please call me back about my order number twelve. Thank you."
_second_numbers = itertools.count(1000)


@pytest.fixture(scope="module")
def queue_ids(service, lab_env) -> dict[str, int]:
    """Two queues with the owner as their one member; the front desk's messages go to the owner."""
    for number, name in ((FRONT_DESK, "Front desk"), (BILLING, "Billing")):
        run_cli(
            lab_env, "queue", "create", "--number", number, "--name", name,
            "--ring-seconds", str(RING_S), "--mailbox", OWNER_EMAIL,
        )  # fmt: skip
        run_cli(lab_env, "queue", "add-member", "--number", number, "--email", OWNER_EMAIL)
    return {queue["number"]: queue["id"] for queue in service.http.get("/queues").json()["items"]}


def set_presence(service, queue_id: int, present: bool) -> None:
    reply = service.http.put(f"/queues/{queue_id}/presence", json={"present": present})
    assert reply.status_code == 200 and reply.json()["present"] is present, reply.text


@pytest.fixture
async def member(service, mailbox, phones, queue_ids):
    """The owner as a queue member: the mobile rings (and takes the call), present in both queues."""
    (await connected(phones)).reset()
    service.update_settings(
        mobile=MOBILE,
        extensions=[],
        do_not_disturb=False,
        notification_emails=[OWNER_MAIL],
        voicemail_min_s=2,
    )
    for queue_id in queue_ids.values():
        set_presence(service, queue_id, True)
    takes_the_call(phones, MOBILE)
    return queue_ids


@pytest.fixture
def second_caller_number() -> str:
    return f"+1202556{next(_second_numbers):04d}"


async def test_a_present_member_takes_the_queue_call_and_it_is_in_their_call_log(
    service, caller, phones, member, caller_number
):
    steps = talking("Hi Alex, I have a question about my invoice.", after_hearing="this is alex")

    result = await caller.call(FRONT_DESK, steps, caller_number=caller_number, max_call_s=60)
    (mobile_call,) = await phones.answered_calls(MOBILE)

    heard = words(result.heard)
    assert "front desk" in heard and "hello this is alex" in heard, heard
    whisper = words(mobile_call.heard)
    assert "queue" in whisper or "front desk" in whisper, whisper
    assert "question about my invoice" in whisper, whisper
    assert mobile_call.caller_number == caller_number
    row = await asyncio.to_thread(service.call_from, caller_number, 30)  # in the member's own call log
    assert row["kind"] == "inbound", row
    (queue_event,) = [event for event in row["events"] if event["event"] == "queue"]
    assert queue_event["queue"] == "Front desk" and queue_event["ring"] == "ring present members"


async def test_presence_off_in_one_queue_sends_its_calls_to_the_mailbox_and_another_queue_still_rings(
    service, caller, phones, member, caller_number, second_caller_number
):
    set_presence(service, member[FRONT_DESK], False)
    message = [Step(say=MESSAGE, after_hearing="after the tone")]

    away = await caller.call(FRONT_DESK, message, caller_number=caller_number, max_call_s=60)

    assert phones.rang.get(MOBILE, 0) == 0  # the front desk did not ring the member who is away
    heard = words(away.heard)
    assert "nobody from" in heard and "leave a message" in heard and "message has been saved" in heard, heard
    row = await asyncio.to_thread(service.call_from, caller_number, 30)  # the mailbox is the owner's
    assert row["kind"] == "voicemail" and not row["legs"], row

    steps = talking("Hi Alex, a billing question.", after_hearing="this is alex")
    present = await caller.call(BILLING, steps, caller_number=second_caller_number, max_call_s=60)

    (mobile_call,) = await phones.answered_calls(MOBILE)
    assert mobile_call.caller_number == second_caller_number
    assert "hello this is alex" in words(present.heard), words(present.heard)
    assert (await asyncio.to_thread(service.call_from, second_caller_number, 30))["kind"] == "inbound"
