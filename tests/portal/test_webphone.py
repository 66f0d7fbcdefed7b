"""The WebPhone in real headless Chromium: the phone page registers to the lab Asterisk over a
secure websocket (WebRTC, DTLS-SRTP), the Smart Number rings it, the owner answers in the page and
presses 1 on its keypad during the whisper; and the page dials out from its dial pad under a caller
ID chosen in the page, logged as an outbound conversation.

Chromium's microphone is a file (synthesized speech): what it says must reach the other party,
who transcribes it; what the other party says must reach the page (its received audio energy).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from assistant.simcall import PhoneScript, Step
from tests.e2e import conftest as e2e
from tests.portal.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS
from tests.portal.test_profile_browser import NOTIFICATION_SPY

pytestmark = pytest.mark.e2e

OWNER_LINE = "Hello, this is Alex on the web phone."
CALLER_LINE = "Hi Alex, thanks for taking my call."
CALLEE_LINE = "Hello, this is Dana speaking."
CALLEE = "+15557770993"  # a lab phone: an outside number
LOCAL_NUMBER = "+12125550142"  # one of the owner's numbers, chosen as caller ID in the page
MIC_RATE_HZ = 16000
FIRST_WORDS_AFTER_S = 11.0  # the owner keeps quiet while the whisper plays and 1 is pressed
PRESS_ACCEPT_AFTER_S = 5.0
PRESS_AGAIN_AFTER_S = 5.0
SPEECH_ENERGY = 0.01  # received audio energy (Chromium's totalAudioEnergy) of a few words; silence is ~0


def words(texts) -> str:
    return re.sub(r"[^a-z0-9 ]", "", " ".join(texts).lower())


@pytest.fixture(scope="module")
async def microphone(caller, tmp_path_factory) -> Path:
    """Chromium's fake microphone: quiet, then the owner's line again and again (16 kHz mono WAV)."""
    line = np.fromfile(await caller.voice.ensure_async(OWNER_LINE), dtype="<i2").astype(np.float32) / 32768
    pause = np.zeros(int(2.5 * MIC_RATE_HZ), dtype=np.float32)
    audio = np.concatenate([np.zeros(int(FIRST_WORDS_AFTER_S * MIC_RATE_HZ)), *([line, pause] * 15)])
    path = tmp_path_factory.mktemp("webphone") / "owner.wav"
    soundfile.write(path, audio, MIC_RATE_HZ, subtype="PCM_16")
    return path


@pytest.fixture
async def phone_page(chromium_profile: str, microphone: Path) -> AsyncIterator:
    """A page in headless Chromium whose microphone is the file; the lab's certificate is self-signed."""
    playwright_api = pytest.importorskip("playwright.async_api")
    flags = [
        *CHROMIUM_FLAGS,
        "--ignore-certificate-errors",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone}",
    ]
    async with playwright_api.async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            chromium_profile,
            executable_path=CHROMIUM,
            headless=True,
            args=flags,
            viewport={"width": 1000, "height": 900},
        )
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            page.set_default_timeout(20_000)
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            yield page
        finally:
            (ARTIFACTS / "webphone-console.log").write_text("\n".join(console))
            await context.close()
            shutil.rmtree(chromium_profile, ignore_errors=True)


console: list[str] = []


@pytest.fixture
def owner_uses_the_webphone(service, caller_number):
    """Only the WebPhone rings (it is enabled from the page), this test's caller is a VIP; restored after."""
    changes = {
        "mobile": None,
        "extensions": [],
        "screening": True,
        "do_not_disturb": False,
        "vip_numbers": [caller_number],
        "blocked_numbers": [],
        "ring_timeout_s": 30,
        "local_numbers": [LOCAL_NUMBER],
        "local_id": False,
    }
    before = service.http.get("/settings").json()
    service.update_settings(**changes)
    yield
    service.update_settings(**{key: before[key] for key in changes})


@pytest.fixture
def call_notifications(service):
    """The owner's browser notifications of calls are on for the test."""
    assert service.http.patch("/profile", json={"call_notifications": True}).status_code == 200
    yield
    service.http.patch("/profile", json={"call_notifications": False})


async def shot(page, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def open_phone(page, service, lab_owner) -> None:
    """Log in, open the phone page, make this browser the WebPhone, and wait until it is online."""
    await page.goto(f"{service.api}/portal/phone")
    await page.get_by_label("E-mail").fill(lab_owner["email"])
    await page.get_by_label("Password").fill(lab_owner["password"])
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{service.api}/portal/phone")
    await page.get_by_role("button", name="Use this browser as my phone").click()
    status = page.locator("#phone-status")
    deadline = time.monotonic() + 20
    while (text := await status.inner_text()) != "Online":
        assert time.monotonic() < deadline, f"the page did not come online: {text}; {console[-10:]}"
        await asyncio.sleep(0.2)


async def heard_energy(page) -> float:
    return float(await page.locator("#incoming-level").get_attribute("data-heard-energy") or 0)


async def test_the_smart_number_rings_the_browser_and_the_owner_takes_the_call_there(
    service,
    caller,
    settings,
    lab_owner,
    caller_number,
    phone_page,
    owner_uses_the_webphone,
    call_notifications,
):
    page = phone_page
    # Granting permissions denies the others: the microphone is granted with the notifications.
    await page.context.grant_permissions(["notifications", "microphone"], origin=service.api)
    await page.add_init_script(NOTIFICATION_SPY)
    await open_phone(page, service, lab_owner)
    assert "200" in service.http.get("/settings").json()["extensions"]
    await shot(page, "webphone-01-online")
    # Do Not Disturb is the owner's own setting (the Smart Number then rings nobody): on, and off again.
    status = page.locator("#phone-status")
    await page.get_by_label("Do Not Disturb").check()
    await status.filter(has_text="Do Not Disturb").wait_for()
    assert service.http.get("/settings").json()["do_not_disturb"] is True
    await page.get_by_label("Do Not Disturb").uncheck()
    await status.filter(has_text="Online").wait_for()
    assert service.http.get("/settings").json()["do_not_disturb"] is False
    steps = [
        Step(say=CALLER_LINE, after_hearing="this is alex"),
        Step(say=CALLER_LINE, delay_s=3),
        Step(say=CALLER_LINE, delay_s=3),
        Step(delay_s=3, hang_up_after=True),
    ]
    call = asyncio.create_task(
        caller.call(settings.smart_number, steps, caller_number=caller_number, max_call_s=90)
    )

    await page.locator("#incoming").wait_for(state="visible", timeout=60_000)
    assert caller_number in await page.locator("#incoming-from").inner_text()
    notices = await page.evaluate("() => window.__notifications")
    assert [n for n in notices if n["title"] == "Incoming call" and caller_number in n["body"]], notices
    await shot(page, "webphone-02-incoming")
    await page.get_by_role("button", name="Answer").click()
    await page.locator("#call-state").filter(has_text="connected").wait_for()
    await asyncio.sleep(PRESS_ACCEPT_AFTER_S)
    keypad = page.get_by_role("group", name="Keypad")
    await keypad.get_by_role("button", name="1", exact=True).click()
    await asyncio.sleep(PRESS_AGAIN_AFTER_S)
    await keypad.get_by_role("button", name="1", exact=True).click()  # the whisper may have gone on
    await asyncio.sleep(1.0)
    energy_before_the_caller_talks = await heard_energy(page)
    await shot(page, "webphone-03-talking")
    result = await call
    energy_at_the_end = await heard_energy(page)
    await page.locator("#call-state").filter(has_text="ended").wait_for()

    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    what_happened = (words(h.text for h in result.heard), service.call(row["id"]), console[-10:])
    assert "this is alex" in words(h.text for h in result.heard), what_happened  # the browser's microphone
    assert energy_at_the_end - energy_before_the_caller_talks > SPEECH_ENERGY, (
        energy_before_the_caller_talks,
        energy_at_the_end,
        what_happened,
    )
    assert row["screening_decision"] == "ring" and row["screening_reason"] == "VIP caller", row
    (leg,) = service.call(row["id"])["legs"]
    assert leg["called_line"] == "PJSIP/200" and leg["answered_at"] and leg["outcome"] == "completed", leg


async def test_the_dial_pad_calls_out_under_the_chosen_caller_id_and_it_is_logged(
    service,
    caller,
    phones,
    lab_owner,
    phone_page,
    owner_uses_the_webphone,
):
    (await e2e.connected(phones)).reset()
    talking = [Step(say=CALLEE_LINE, delay_s=1.0), *[Step(say=CALLEE_LINE, delay_s=3) for _ in range(3)]]
    phones.script(CALLEE, PhoneScript(answer_after_s=2, steps=talking, stay_s=8))
    page = phone_page
    await open_phone(page, service, lab_owner)
    await page.get_by_label("Your caller ID displays as:").select_option(LOCAL_NUMBER)
    keypad = page.get_by_role("group", name="Keypad")
    for key in CALLEE.removeprefix("+"):
        await keypad.get_by_role("button", name=key, exact=True).click()
    number = page.get_by_label("Phone number")
    assert await number.input_value() == CALLEE.removeprefix("+")
    await number.fill(CALLEE)
    await page.get_by_role("button", name="Call", exact=True).click()
    await page.locator("#call-state").filter(has_text="connected").wait_for(timeout=30_000)
    await shot(page, "webphone-04-calling-out")
    (answered,) = await phones.answered_calls(CALLEE)
    energy = await heard_energy(page)
    await page.locator("#call-state").filter(has_text="ended").wait_for(timeout=30_000)

    assert answered.caller_number == LOCAL_NUMBER  # the caller ID chosen in the page
    assert "this is alex" in words(h.text for h in answered.heard), words(h.text for h in answered.heard)
    assert energy > SPEECH_ENERGY, energy  # Dana's voice reached the page
    placed = await asyncio.to_thread(service.outbound_call_to, CALLEE)
    assert placed["kind"] == "outbound" and placed["line"] == LOCAL_NUMBER, placed
    assert placed["answered_at"] and placed["outcome"] == "completed", placed
    assert [e for e in placed["events"] if e["event"] == "placed" and e["by"] == "webphone"], placed
    assert placed["talk_s"] and float(placed["talk_s"]) > 0, placed


async def test_double_clicking_a_contact_calls_them_from_the_phone_page(
    service, caller, phones, lab_owner, phone_page, owner_uses_the_webphone
):
    (await e2e.connected(phones)).reset()
    phones.script(CALLEE, PhoneScript(answer_after_s=1, steps=[Step(say=CALLEE_LINE, delay_s=1.0)], stay_s=3))
    earlier = max([r["id"] for r in service.calls() if r["direction"] == "outbound"], default=0)
    reply = service.http.post("/contacts", json={"name": "Dana Webphone", "phone": CALLEE})
    assert reply.status_code in (201, 409), reply.text  # 409: an earlier run's contact
    page = phone_page
    await open_phone(page, service, lab_owner)
    await page.get_by_role("navigation").get_by_role("link", name="Contacts").click()
    await page.get_by_role("row").filter(has_text="Dana Webphone").get_by_role("cell", name=CALLEE).dblclick()

    await page.wait_for_url(f"{service.api}/portal/phone")
    await page.locator("#call-state").filter(has_text="connected").wait_for(timeout=30_000)
    assert await page.get_by_label("Phone number").input_value() == CALLEE
    (answered,) = await phones.answered_calls(CALLEE)
    assert answered.answered, answered
    placed = await asyncio.to_thread(service.outbound_call_to, CALLEE, 15.0, earlier)
    assert {"event": "placed", "by": "webphone", "to": "Dana Webphone"} in placed["events"], placed


async def test_a_declined_call_stops_ringing_the_browser_and_the_caller_may_leave_a_message(
    service, caller, settings, lab_owner, caller_number, phone_page, owner_uses_the_webphone
):
    page = phone_page
    await open_phone(page, service, lab_owner)
    service.update_settings(ring_timeout_s=60)  # the caller hangs up long before it runs out
    call = asyncio.create_task(
        caller.call(
            settings.smart_number,
            [Step(say="Hi, it is me again.", after_hearing="leave a message", hang_up_after=True)],
            caller_number=caller_number,
            max_call_s=45,
        )
    )

    await page.locator("#incoming").wait_for(state="visible", timeout=60_000)
    await page.get_by_role("button", name="Decline").click()
    await page.locator("#incoming").wait_for(state="hidden")
    await page.locator("#call-state").filter(has_text="ended").wait_for()
    result = await call
    # The only phone of the stage declined: the caller is offered voicemail at once, not rung on.
    assert "leave a message" in words(h.text for h in result.heard), result.heard

    row = await asyncio.to_thread(service.call_from, caller_number, 30)
    (leg,) = service.call(row["id"])["legs"]
    assert leg["called_line"] == "PJSIP/200" and leg["answered_at"] is None, leg
    assert leg["outcome"] != "completed" and row["conversation_talk_s"] is None, (leg, row)
