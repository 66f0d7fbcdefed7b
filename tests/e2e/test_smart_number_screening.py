"""The Smart Number end to end: screening, ringing the owner's phones with a whisper, voicemail to email.

Real calls through the lab Asterisk, spoken caller audio, simulated phones for the owner's mobile and
desk extension (answering, pressing keys, speaking), and a real SMTP server on loopback.
"""

from __future__ import annotations

import asyncio
import re
import signal
from email.message import Message

import pytest

from assistant.domain.billing import talk_seconds
from assistant.simcall import PhoneScript, Step
from tests.e2e.conftest import CONNECTED_CUE, connected, event_time, export_rows_for, takes_the_call, talking

pytestmark = pytest.mark.e2e

MOBILE = "+15557770001"
DESK = "101"
DESK_RINGS_AS = "ext101"
OFFLINE_DESK = "102"
OWNER_MAIL = "alex@example.com"


@pytest.fixture
async def owner(service, mailbox, phones):
    """The owner's settings for each test: mobile and desk phone, screening on, mail to the owner."""
    (await connected(phones)).reset()
    return service.update_settings(
        mobile=MOBILE,
        extensions=[DESK],
        screening=True,
        do_not_disturb=False,
        vip_numbers=[],
        blocked_numbers=[],
        ring_timeout_s=25,
        notification_emails=[OWNER_MAIL],
        voicemail_min_s=2,
    )


def words(heard) -> str:
    return re.sub(r"[^a-z0-9 ]", "", " ".join(h.text for h in heard).lower())


def body_of(message: Message) -> str:
    return next(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )


def attachment_of(message: Message) -> bytes:
    return next(
        part.get_payload(decode=True) for part in message.walk() if part.get_content_type() == "audio/wav"
    )


URGENT_CALLER = [
    Step(say="This is Maria Garcia."),
    Step(say="It is urgent, about the court hearing tomorrow."),
]
# Urgent without any listed importance word: the urgency classifier has to hear it.
URGENT_WITHOUT_THE_WORDS = "My father collapsed and the ambulance is taking him to the hospital."
MESSAGE = "Please call me back about the contract renewal. Thank you."
URGENT_QUESTION = "is it urgent"
VOICEMAIL_CUE = "after the tone"  # in the assistant's voicemail greeting and in Asterisk's fallback one


async def test_important_caller_is_put_through_when_the_mobile_accepts(
    service, caller, phones, settings, owner, caller_number
):
    phones.script(
        MOBILE,
        PhoneScript(
            answer_after_s=1,
            # The owner accepts once the whisper has said who is calling and why.
            steps=[
                Step(dtmf="1", after_hearing="court hearing"),
                *talking("Hello, this is Alex.", after_hearing=CONNECTED_CUE),
            ],
            stay_s=20,
        ),
    )
    # The caller is on hold music until the owner accepts; it answers once it has heard the owner.
    # Both sides say their line a few times, so a word lost while the bridge forms does not decide it.
    steps = [*URGENT_CALLER, *talking("Hi Alex, thanks for taking my call.", after_hearing="this is alex")]

    result = await caller.call(settings.smart_number, steps, caller_number=caller_number, max_call_s=75)
    (mobile_call,) = await phones.answered_calls(MOBILE)

    whisper = words(mobile_call.heard)
    # The phone's recognizer now and then hears "from Maria" as "from Ria", or "press one" as "press won".
    assert "garcia" in whisper and "court hearing" in whisper, whisper
    assert "hello this is alex" in words(result.heard), words(result.heard)
    assert "thanks for taking my call" in words(mobile_call.heard), words(mobile_call.heard)
    assert mobile_call.caller_number == caller_number  # the mobile shows who is calling
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    assert row["screening_decision"] == "ring" and row["kind"] == "inbound"
    assert "hearing" in (row["transcript"] or "").lower()
    # Billed: the accepted leg's talk time only, from the moment the owner was put through.
    call = service.call(row["id"])
    (accepted,) = [leg for leg in call["legs"] if leg["answered_at"]]
    (billed,) = export_rows_for(service, caller_number)
    talk = int(billed["talk_seconds"])
    assert talk == talk_seconds(accepted["talk_s"]) == talk_seconds(call["conversation_talk_s"]) > 0
    bridged = (event_time(call, "disconnected") - event_time(call, "connected")).total_seconds()
    assert abs(talk - bridged) <= 2, (talk, bridged)
    assert talk < call["duration_s"] - 10, (talk, call["duration_s"])  # greeting, screening, hold: not billed


async def test_urgent_caller_who_never_says_urgent_is_put_through(
    service, caller, phones, settings, owner, caller_number
):
    takes_the_call(phones, MOBILE)
    steps = [
        Step(say="This is Maria Garcia."),
        Step(say=URGENT_WITHOUT_THE_WORDS),
        *talking("Alex, thank you for picking up.", after_hearing="this is alex"),
    ]

    result = await caller.call(settings.smart_number, steps, caller_number=caller_number, max_call_s=75)
    (mobile_call,) = await phones.answered_calls(MOBILE)

    heard = words(result.heard)
    assert URGENT_QUESTION not in heard and "hello this is alex" in heard, heard
    assert "thank you for picking up" in words(mobile_call.heard), words(mobile_call.heard)
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    assert row["screening_decision"] == "ring"
    transcript = (row["transcript"] or "").lower()
    assert "collapsed" in transcript or "ambulance" in transcript, transcript
    assert not any(word in transcript for word in ("urgent", "emergency", "important")), transcript


async def test_caller_who_gives_no_reason_is_asked_if_it_is_urgent_and_says_yes(
    service, caller, phones, settings, owner, caller_number
):
    takes_the_call(phones, MOBILE)
    # Silent when asked what the call is about: nothing to decide on, so the one question comes.
    steps = [
        Step(say="This is Maria Garcia."),
        Step(say="Yes, it is.", after_hearing="for no"),
        *talking("Alex, thank you for picking up.", after_hearing="this is alex"),
    ]

    result = await caller.call(settings.smart_number, steps, caller_number=caller_number, max_call_s=90)

    heard = words(result.heard)
    assert URGENT_QUESTION in heard and "hello this is alex" in heard, heard
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    assert row["screening_decision"] == "ring"


async def test_mobile_that_answers_but_never_accepts_sends_the_caller_to_voicemail(
    service, caller, phones, settings, owner, mailbox, caller_number
):
    phones.script(MOBILE, PhoneScript(answer_after_s=1, steps=[], stay_s=40))  # like a mobile's own voicemail
    mails_before = len(mailbox.messages)
    steps = [*URGENT_CALLER, Step(say=MESSAGE, after_hearing=VOICEMAIL_CUE)]

    result = await caller.call(settings.smart_number, steps, caller_number=caller_number, max_call_s=90)

    text = words(result.heard)
    assert "leave a message" in text and "message has been saved" in text, text
    mail = (await asyncio.to_thread(mailbox.wait_for, mails_before + 1))[-1]
    assert "contract" in body_of(mail).lower()
    assert "[Important]" in mail["Subject"] and caller_number in mail["Subject"]
    # The mobile answered but the owner never accepted: no talk time, nothing billed.
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    assert row["kind"] == "voicemail" and row["legs"], row
    assert not any(leg["answered_at"] for leg in row["legs"]) and row["conversation_talk_s"] is None
    assert export_rows_for(service, caller_number) == []


async def test_desk_phone_and_mobile_ring_together_and_the_first_to_accept_wins(
    service, caller, phones, settings, owner, caller_number
):
    phones.script(MOBILE, PhoneScript(answer_after_s=None))
    takes_the_call(phones, DESK_RINGS_AS, says="This is the front desk.", stay_s=10)

    result = await caller.call(
        settings.smart_number,
        URGENT_CALLER,
        caller_number=caller_number,
        max_call_s=70,
    )
    (mobile_call,) = await phones.answered_calls(MOBILE)

    assert phones.rang[MOBILE] == 1 and phones.rang[DESK_RINGS_AS] == 1
    assert not mobile_call.answered  # stopped ringing when the desk phone took the call
    assert "front desk" in words(result.heard)


async def test_unimportant_caller_leaves_a_message_that_is_mailed(
    service, caller, phones, settings, owner, mailbox, caller_number
):
    phones.script(MOBILE, PhoneScript(answer_after_s=1, steps=[Step(dtmf="1")]))
    mails_before = len(mailbox.messages)
    steps = [
        Step(say="This is Sam Lee."),
        Step(say="Just a quick question about your invoice."),
        Step(say=MESSAGE, after_hearing=VOICEMAIL_CUE),
    ]

    result = await caller.call(settings.smart_number, steps, caller_number=caller_number, max_call_s=90)

    assert MOBILE not in phones.rang
    # A plainly routine reason goes to voicemail without asking whether it is urgent.
    assert URGENT_QUESTION not in words(result.heard) and "message has been saved" in words(result.heard)
    mail = (await asyncio.to_thread(mailbox.wait_for, mails_before + 1))[-1]
    body = body_of(mail).lower()
    assert "call me back" in body and "reason given: just a quick question" in body, body
    assert "Sam Lee" in mail["Subject"] and "[Important]" not in mail["Subject"]
    assert attachment_of(mail)[:4] == b"RIFF"
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    assert row["kind"] == "voicemail" and row["screening_decision"] == "voicemail"


async def test_vip_is_rung_without_questions(service, caller, phones, settings, owner, caller_number):
    service.update_settings(vip_numbers=[caller_number])
    takes_the_call(phones, MOBILE, stay_s=8)

    result = await caller.call(settings.smart_number, [], caller_number=caller_number, max_call_s=60)

    text = words(result.heard)
    assert "your name" not in text and "put you through" in text, text
    assert "this is alex" in text


@pytest.mark.parametrize("setup", ["do-not-disturb", "no-route"])
async def test_voicemail_answers_at_once_when_nothing_can_ring(
    service, caller, phones, settings, owner, caller_number, setup
):
    if setup == "do-not-disturb":
        service.update_settings(do_not_disturb=True)
    else:
        service.update_settings(mobile=None, extensions=[OFFLINE_DESK])

    result = await caller.call(settings.smart_number, [], caller_number=caller_number, hangup_after_s=12)

    text = words(result.heard)
    assert "leave a message" in text and "your name" not in text, text
    assert MOBILE not in phones.rang


async def test_caller_hanging_up_while_recording_keeps_the_message(
    service, caller, phones, settings, owner, mailbox, caller_number
):
    service.update_settings(do_not_disturb=True)
    mails_before = len(mailbox.messages)

    await caller.call(
        settings.smart_number,
        [Step(say=MESSAGE, after_hearing=VOICEMAIL_CUE, hang_up_after=True)],
        caller_number=caller_number,
        max_call_s=30,
    )

    mail = (await asyncio.to_thread(mailbox.wait_for, mails_before + 1))[-1]
    assert "contract" in body_of(mail).lower()
    # A voicemail-only call: the call log shows how long it lasted, the export bills none of it.
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    assert row["kind"] == "voicemail" and row["duration_s"] > 5 and row["conversation_talk_s"] is None
    assert export_rows_for(service, caller_number) == []
    (listed,) = export_rows_for(service, caller_number, include_unanswered="true")
    assert (listed["talk_seconds"], listed["units"]) == ("0", "0")


async def test_owner_pressing_3_blocks_the_number(service, caller, phones, settings, owner, caller_number):
    phones.script(MOBILE, PhoneScript(answer_after_s=1, steps=[Step(dtmf="3")], stay_s=5))
    await caller.call(
        settings.smart_number, URGENT_CALLER, caller_number=caller_number, hangup_after_s=None, max_call_s=60
    )
    assert phones.rang[MOBILE] == 1

    phones.script(MOBILE, PhoneScript(answer_after_s=1, steps=[Step(dtmf="1")]))
    result = await caller.call(settings.smart_number, [], caller_number=caller_number, hangup_after_s=10)

    assert phones.rang[MOBILE] == 1  # not rung again
    assert "leave a message" in words(result.heard)
    assert caller_number in service.http.get("/settings").json()["blocked_numbers"]


async def test_mail_waits_while_smtp_is_down_and_arrives_once(
    service, caller, phones, settings, owner, mailbox, caller_number
):
    service.update_settings(do_not_disturb=True)
    mailbox.stop()
    before = len(mailbox.messages)
    leave_message = [Step(say=MESSAGE, after_hearing=VOICEMAIL_CUE)]
    await caller.call(settings.smart_number, leave_message, caller_number=caller_number, max_call_s=40)
    await asyncio.sleep(8)
    assert len(mailbox.messages) == before

    mailbox.start()
    mails = await asyncio.to_thread(mailbox.wait_for, before + 1, 90)
    await asyncio.sleep(5)

    mine = [m for m in mailbox.messages if caller_number in m["Subject"]]
    assert len(mine) == 1 and len(mails) == before + 1
    assert attachment_of(mine[0])[:4] == b"RIFF" and "contract" in body_of(mine[0]).lower()


async def test_message_taken_while_the_app_is_down_is_imported_and_mailed(
    service, caller, settings, owner, mailbox, caller_number
):
    before = len(mailbox.messages)
    await asyncio.to_thread(service.stop, signal.SIGTERM)
    try:
        leave_message = [Step(say=MESSAGE, after_hearing=VOICEMAIL_CUE)]
        result = await caller.call(
            settings.smart_number, leave_message, caller_number=caller_number, max_call_s=30
        )
        assert "leave your message" in words(result.heard) or "after the tone" in words(result.heard)
    finally:
        await asyncio.to_thread(service.start)

    mail = (await asyncio.to_thread(mailbox.wait_for, before + 1, 90))[-1]
    assert caller_number in mail["Subject"] and "contract" in body_of(mail).lower()
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    assert row["kind"] == "voicemail"
