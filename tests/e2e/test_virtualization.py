"""Extension virtualization on real calls: a lab softphone (baresip on base extension 202) dials *30101
and the secret code, is accepted, and the Smart Number's calls for the owner's desk extension 101 ring
it instead of 101's phone, until *30 from the base returns 101 and its own phone rings again. A wrong
code is denied and changes nothing.
"""

from __future__ import annotations

import asyncio

import pytest

from assistant.pbx import softphones
from assistant.simcall import PhoneScript, Step
from tests.e2e import test_softphone
from tests.e2e.conftest import connected
from tests.e2e.test_softphone import CALLER_LINE, answer_and_accept, transcribe_file, words

pytestmark = pytest.mark.e2e

DESK = "101"
DESK_RINGS_AS = "ext101"  # how the lab's simulated phones know 101's own phone
BASE = "202"
CODE = "4711"

owner_voice = test_softphone.owner_voice  # the softphone's fixtures, for this module too
make_softphone = test_softphone.make_softphone


@pytest.fixture
async def virtual_desk(service, phones, caller_number):
    """The owner's desk extension 101 rings alone, has a secret code, and this test's caller is a VIP."""
    (await connected(phones)).reset()
    changes = {
        "mobile": None,
        "extensions": [DESK],
        "screening": True,
        "do_not_disturb": False,
        "vip_numbers": [caller_number],
        "blocked_numbers": [],
        "ring_timeout_s": 30,
    }
    before = service.http.get("/settings").json()
    service.update_settings(**changes)
    reply = service.http.put(f"/virtualization/{DESK}/code", json={"code": CODE})
    assert reply.status_code == 200, reply.text
    yield
    service.http.delete(f"/virtualization/{DESK}/code")  # returns it home too
    service.update_settings(**{key: before[key] for key in changes})


def desk_place(service) -> str | None:
    (desk,) = service.http.get("/virtualization").json()["extensions"]
    return desk["virtualized_on"]


async def call_center(asterisk, phone, dialed: str, digits: str = "", hang_up_after_s: float | None = None):
    """The softphone dials the Virtualization Center, keys `digits` during the question, waits for the end."""
    account = next(a for a in softphones.accounts(asterisk) if a.extension == BASE)
    await phone.dial(f"sip:{dialed}@{account.host}:{account.port}")
    await phone.wait_for("CALL_ESTABLISHED", timeout_s=30)
    if digits:
        await asyncio.sleep(3)  # the question is being asked: a key press interrupts it
        await phone.send_digits(digits)
    if hang_up_after_s is not None:
        await asyncio.sleep(hang_up_after_s)
        await phone.hang_up()
    await phone.wait_for("CALL_CLOSED", timeout_s=60)


async def vip_call_taken_on(phone, caller, settings, caller_number) -> dict:
    """A VIP calls the Smart Number; the softphone rings, presses 1 at the whisper and talks."""
    owner = asyncio.create_task(answer_and_accept(phone, asyncio.get_running_loop().time()))
    steps = [
        Step(say=CALLER_LINE, after_hearing="this is alex"),
        Step(say=CALLER_LINE, delay_s=3),
        Step(delay_s=3, hang_up_after=True),
    ]
    result = await caller.call(settings.smart_number, steps, caller_number=caller_number, max_call_s=90)
    await owner
    return {"heard": words(h.text for h in result.heard)}


async def test_the_base_takes_the_extension_with_its_code_until_star_30_returns_it(
    service,
    caller,
    phones,
    settings,
    asterisk,
    make_softphone,
    virtual_desk,
    caller_number,
):
    phone = await make_softphone(BASE)
    assert await phone.registration() == "OK", phone.log_tail()

    await call_center(asterisk, phone, f"*30{DESK}", f"{CODE}#")
    assert desk_place(service) == BASE, service.log_tail()

    taken = await vip_call_taken_on(phone, caller, settings, caller_number)
    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    (leg,) = service.call(row["id"])["legs"]
    assert leg["called_line"] == f"PJSIP/{BASE}" and leg["answered_at"], leg  # 202's phone, for 101
    assert "this is alex" in taken["heard"], taken
    assert DESK_RINGS_AS not in phones.rang  # 101's own phone did not ring

    await call_center(asterisk, phone, "*30")
    assert desk_place(service) is None

    phones.script(DESK_RINGS_AS, PhoneScript(answer_after_s=None))
    again = f"+1202666{caller_number[-4:]}"  # a second VIP caller, for a row of its own
    service.update_settings(vip_numbers=[again])
    await caller.call(
        settings.smart_number, [Step(delay_s=12, hang_up_after=True)], caller_number=again, max_call_s=30
    )
    second = await asyncio.to_thread(service.call_from, again, 30)
    assert [leg["called_line"] for leg in service.call(second["id"])["legs"]] == [f"PJSIP/{DESK}"]
    assert phones.rang.get(DESK_RINGS_AS) == 1

    await phone.stop()  # its recordings are whole once baresip has closed them
    accepted, _, returned = [
        words(await asyncio.to_thread(transcribe_file, caller, path)) for path in phone.heard_files()
    ]
    # The ears have heard "Accepted." as "accept it", and once heard nothing of the sentences after it
    # (the call went on for the whole prompt before the service hung up): either part will do.
    assert "accept" in accepted or "now rings on this phone" in accepted, accepted
    assert "back on its own phone" in returned, returned
    events = service.http.get("/virtualization").json()["events"]
    assert [(e["event"], e["base"], e["by"]) for e in events[:2]] == [
        ("returned", BASE, f"phone {BASE}"),
        ("virtualized", BASE, f"phone {BASE}"),
    ]


async def test_a_wrong_code_is_denied_and_nothing_changes(
    service,
    caller,
    asterisk,
    make_softphone,
    virtual_desk,
):
    phone = await make_softphone(BASE)
    assert await phone.registration() == "OK", phone.log_tail()

    await call_center(asterisk, phone, f"*30{DESK}", "9999#", hang_up_after_s=6)

    assert desk_place(service) is None
    newest = service.http.get("/virtualization").json()["events"][0]
    assert (newest["event"], newest["base"], newest["detail"]) == ("denied", BASE, "wrong code")
    await phone.stop()
    (heard_file,) = phone.heard_files()
    heard = words(await asyncio.to_thread(transcribe_file, caller, heard_file))
    assert "not right" in heard, heard


async def test_the_extensions_own_phone_brings_it_back_and_is_no_base(
    service, caller, asterisk, make_softphone, virtual_desk
):
    phone = await make_softphone(BASE)
    assert await phone.registration() == "OK", phone.log_tail()
    await call_center(asterisk, phone, f"*30{DESK}", f"{CODE}#")
    assert desk_place(service) == BASE

    home = await caller.call(f"*30{DESK}", [], caller_number=DESK, max_call_s=30)

    assert "back on this phone" in words(h.text for h in home.heard), home.heard
    assert desk_place(service) is None
    refused = await caller.call(f"*30{BASE}", [], caller_number=DESK, max_call_s=30)
    assert "does not allow virtualization" in words(h.text for h in refused.heard), refused.heard
    newest = service.http.get("/virtualization").json()["events"][0]
    assert (newest["event"], newest["by"]) == ("returned", f"phone {DESK}")
