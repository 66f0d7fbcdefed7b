"""The owner's no-answer action on real calls: when the mobile rang and nobody took the call, the
caller is forwarded to another number, told goodbye, or told goodbye while the owner is mailed a
missed-call notice (to the loopback SMTP server)."""

from __future__ import annotations

import asyncio

import pytest

from assistant.simcall import PhoneScript
from tests.e2e.conftest import connected
from tests.e2e.test_smart_number_screening import MOBILE, OWNER_MAIL, body_of, talking, words

pytestmark = pytest.mark.e2e

COLLEAGUE = "+15557770201"  # a lab phone the owner forwards unanswered calls to
RING_S = 8


@pytest.fixture
async def owner(service, mailbox, phones, caller_number):
    """Only the mobile rings, briefly; the caller is a VIP, so no screening questions first."""
    (await connected(phones)).reset()
    yield service.update_settings(
        mobile=MOBILE,
        extensions=[],
        screening=True,
        do_not_disturb=False,
        vip_numbers=[caller_number],
        blocked_numbers=[],
        ring_timeout_s=RING_S,
        ring_strategy="together",
        ring_seconds={},
        notification_emails=[OWNER_MAIL],
    )
    service.update_settings(no_answer_action="voicemail", no_answer_forward_to=None, vip_numbers=[])


async def test_forward_puts_the_caller_through_to_the_other_number(
    service, caller, phones, settings, owner, caller_number
):
    service.update_settings(no_answer_action="forward", no_answer_forward_to=COLLEAGUE)
    phones.script(MOBILE, PhoneScript(answer_after_s=None))
    phones.script(
        COLLEAGUE,
        # The colleague speaks once told whose call it is.
        PhoneScript(
            answer_after_s=1,
            steps=talking("Hello, this is Jordan at the office.", after_hearing="call for alex"),
            stay_s=10,
        ),
    )
    steps = talking("Hi Jordan, thanks for picking up.", after_hearing="this is jordan")

    result = await caller.call(settings.smart_number, steps, caller_number=caller_number, max_call_s=60)
    (mobile_call,) = await phones.answered_calls(MOBILE)
    (colleague_call,) = await phones.answered_calls(COLLEAGUE)

    assert not mobile_call.answered and colleague_call.answered
    assert mobile_call.ended_at <= colleague_call.rang_at  # forwarded only after the mobile stopped ringing
    assert colleague_call.caller_number == caller_number
    assert "call for alex morgan" in words(colleague_call.heard), words(colleague_call.heard)
    heard = words(result.heard)
    assert "forward your call" in heard and "this is jordan" in heard, heard
    assert "thanks for picking up" in words(colleague_call.heard), words(colleague_call.heard)
    assert "leave a message" not in heard
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    assert [e["action"] for e in row["events"] if e["event"] == "no-answer"] == ["forward"]
    (answered,) = [leg for leg in row["legs"] if leg["answered_at"]]
    assert COLLEAGUE in answered["called_line"], answered


async def test_forward_that_nobody_answers_takes_a_message(
    service, caller, phones, settings, owner, caller_number
):
    service.update_settings(no_answer_action="forward", no_answer_forward_to=COLLEAGUE)
    phones.script(MOBILE, PhoneScript(answer_after_s=None))
    phones.script(COLLEAGUE, PhoneScript(answer_after_s=None))

    result = await caller.call(
        settings.smart_number, [], caller_number=caller_number, max_call_s=60, hangup_after_s=40
    )

    assert phones.rang[MOBILE] == 1 and phones.rang[COLLEAGUE] == 1
    heard = words(result.heard)
    assert "forward your call" in heard and "after the tone" in heard, heard


async def test_hangup_says_a_polite_goodbye(service, caller, phones, settings, owner, mailbox, caller_number):
    service.update_settings(no_answer_action="hangup")
    phones.script(MOBILE, PhoneScript(answer_after_s=None))
    mails_before = len(mailbox.messages)

    result = await caller.call(settings.smart_number, [], caller_number=caller_number, max_call_s=45)

    assert phones.rang[MOBILE] == 1
    heard = words(result.heard)
    assert "call again later" in heard and "goodbye" in heard, heard
    assert "after the tone" not in heard and "let alex" not in heard
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    assert row["kind"] == "missed" and row["outcome"] == "completed", row  # the assistant hung up
    await asyncio.sleep(3)
    assert not [m for m in mailbox.messages[mails_before:] if caller_number in m["Subject"]]


async def test_notice_mails_the_owner_the_callers_number(
    service, caller, phones, settings, owner, mailbox, caller_number
):
    service.update_settings(no_answer_action="notice")
    phones.script(MOBILE, PhoneScript(answer_after_s=None))
    mails_before = len(mailbox.messages)

    result = await caller.call(settings.smart_number, [], caller_number=caller_number, max_call_s=45)

    heard = words(result.heard)
    assert "know that you called" in heard and "goodbye" in heard, heard
    assert "after the tone" not in heard
    mails = await asyncio.to_thread(mailbox.wait_for, mails_before + 1)
    (mail,) = [m for m in mails[mails_before:] if caller_number in m["Subject"]]
    assert mail["Subject"].startswith("[Important] Missed call from") and mail["To"] == OWNER_MAIL
    assert caller_number in body_of(mail) and "left no message" in body_of(mail)
    assert not [part for part in mail.walk() if part.get_content_type() == "audio/wav"]
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    assert row["kind"] == "missed", row
