"""The portal in real headless Chromium against the running service: log in (keyboard only), add a
contact, see a call placed by the test suite appear in history with that contact's name, download the
billing CSV, and play a voicemail (which marks it read). Screenshots go to test-artifacts/portal/."""

from __future__ import annotations

import asyncio
import csv
import io
import math
import struct
import time
import wave
from pathlib import Path

import httpx
import pytest

from assistant.simcall import Step
from assistant.store.db import open_store
from assistant.store.voicemails import VoicemailStore
from tests.portal.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

CONTACT_NAME = "Portal Test Caller"


def tone_wav(path: Path, seconds: float = 2.0, rate: int = 8000) -> None:
    """Write an audible 440 Hz tone as a 16-bit mono WAV (what Asterisk records)."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
        for n in range(int(seconds * rate))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)


def wait_for_call(api: str, token: str, number: str, timeout_s: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        reply = httpx.get(
            f"{api}/calls", params={"limit": 50}, headers={"Authorization": f"Bearer {token}"}, timeout=5
        )
        reply.raise_for_status()
        rows = [row for row in reply.json()["items"] if row["number"] == number and row["ended_at"]]
        if rows:
            return rows[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no finished call from {number} in the owner's call log")
        time.sleep(0.3)


def leave_voicemail(settings, call_id: int, caller_number: str) -> int:
    """Put a voicemail (a real WAV in the service's spool) on the call, as the voicemail flow would."""
    spool = settings.voicemail_dir
    spool.mkdir(parents=True, exist_ok=True)
    audio = spool / f"portal-test-{call_id}.wav"
    tone_wav(audio)
    store = open_store(settings.effective_database_url)
    try:
        return VoicemailStore(store, spool).add(
            None, call_id, str(audio), 2.0, caller_number, "Please call back."
        )
    finally:
        store.close()


async def poll(read, done, timeout_s: float = 15.0) -> bool:
    """Await ``read()`` until ``done(value)``; False on time-out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if done(await read()):
            return True
        await asyncio.sleep(0.1)
    return False


async def shot(page, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def test_owner_journey_in_chromium(
    service, caller, settings, lab_owner, caller_number, browser_page
) -> None:
    page = browser_page
    base = service.api

    # Log in with the keyboard only: the e-mail field has focus, Tab to the password, Enter submits.
    await page.goto(f"{base}/portal/calls")
    assert "/portal/login" in page.url
    await page.get_by_label("E-mail").wait_for()
    await page.keyboard.type(lab_owner["email"])
    await page.keyboard.press("Tab")
    await page.keyboard.type(lab_owner["password"])
    await shot(page, "01-login")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base}/portal/calls")

    # Add the caller to the phonebook, typed as a person would (national format).
    await page.get_by_role("navigation").get_by_role("link", name="Contacts").click()
    await page.get_by_role("link", name="Add contact").click()
    await page.get_by_role("textbox", name="Name", exact=True).fill(CONTACT_NAME)
    national = f"({caller_number[2:5]}) {caller_number[5:8]}-{caller_number[8:]}"
    await page.get_by_label("Phone number").fill(national)
    await page.get_by_label("Important").check()
    await shot(page, "02-add-contact")
    await page.get_by_role("button", name="Save").click()
    await page.get_by_role("status").filter(has_text=f"Added {CONTACT_NAME}").wait_for()
    assert await page.get_by_role("cell", name=caller_number).count() == 1
    await shot(page, "03-contacts")

    # The test suite places a real call from that number into the Smart Number.
    result = await caller.call(
        settings.smart_number, [Step(say="hello")], caller_number=caller_number, hangup_after_s=8.0
    )
    assert result.answered
    api = httpx.AsyncClient(base_url=base, timeout=10)
    login = await api.post(
        "/auth/token", json={"email": lab_owner["email"], "password": lab_owner["password"]}
    )
    token = login.json()["access_token"]
    api.headers["Authorization"] = f"Bearer {token}"
    row = await asyncio.to_thread(wait_for_call, base, token, caller_number)
    # The owner never talked with this caller: the log shows how long the call lasted, nothing billable.
    assert row["display_name"] == CONTACT_NAME and row["kind"] in ("missed", "voicemail")
    assert row["duration_s"] > 0 and row["conversation_talk_s"] is None

    await page.get_by_role("navigation").get_by_role("link", name="Calls").click()
    call_row = page.locator(f'tr[data-call-id="{row["id"]}"]')
    await call_row.wait_for()
    assert CONTACT_NAME in await call_row.inner_text()
    await shot(page, "04-history")

    # Download the billing CSV with the button of the calls page.
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download").click()
    download = await download_info.value
    saved = ARTIFACTS / "calls-export.csv"
    await download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text())))
    assert rows[0][:6] == ["call_id", "date", "time", "direction", "contact", "number"]
    # The owner never talked with this caller: nothing of the call is billed.
    assert not [r for r in rows if r[0] == str(row["id"])]
    assert rows[-1][0] == "TOTAL"

    # A voicemail on that call: play it in the browser.
    vm_id = await asyncio.to_thread(leave_voicemail, settings, row["id"], caller_number)
    await page.get_by_role("navigation").get_by_role("link", name="Voicemail").click()
    article = page.locator(f"#vm-{vm_id}")
    await article.wait_for()
    assert CONTACT_NAME in await article.inner_text() and "Please call back." in await article.inner_text()
    player = article.locator("audio")
    await player.evaluate("a => a.play()")
    # (polled with evaluate: the portal's Content-Security-Policy forbids wait_for_function's eval)
    assert await poll(lambda: player.evaluate("a => a.currentTime"), lambda t: t > 0.3), "it did not play"
    assert await poll(lambda: article.get_attribute("class"), lambda c: "unread" not in c), "not marked read"
    await shot(page, "05-voicemail-playing")
    assert (await api.get(f"/voicemails/{vm_id}")).json()["read_at"] is not None
    await api.aclose()

    # Log out: the pages ask for a login again.
    await page.get_by_role("button", name="Log out").click()
    await page.wait_for_url(f"{base}/portal/login")
    await page.goto(f"{base}/portal/voicemails")
    assert "/portal/login" in page.url
