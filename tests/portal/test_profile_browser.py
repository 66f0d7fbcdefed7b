"""The portal's own settings in real headless Chromium against the running service: the owner's
picture in the header, changing the password (errors beside the fields, other logins ended), deleting
a contact from its edit window, and the badge and browser notification of a real missed call.
Screenshots go to test-artifacts/portal/."""

from __future__ import annotations

import asyncio
import struct
import time
import zlib

import httpx
import pytest

from assistant.simcall import Step
from assistant.store.db import open_store
from assistant.store.users import Users
from tests.portal.test_portal_browser import poll, shot

pytestmark = pytest.mark.e2e

PASSWORD = "first password of the profile test"
NEW_PASSWORD = "second password of the profile test"
# Records each notification the page shows (the browser's own, still shown) so the test can read it.
NOTIFICATION_SPY = """
(() => {
  const Original = window.Notification;
  if (!Original) return;
  window.__notifications = [];
  class Recorded extends Original {
    constructor(title, options) {
      window.__notifications.push({ title, body: (options && options.body) || "" });
      super(title, options);
    }
  }
  window.Notification = Recorded;
})();
"""


def png(width: int, height: int, grey: int = 0x80) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + bytes([grey]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def new_account(settings, email: str) -> None:
    """An account of its own in the service's database (the lab owner's password stays as it is)."""
    store = open_store(settings.effective_database_url)
    try:
        Users(store).create(email, PASSWORD, "Profile Tester")
    finally:
        store.close()


async def log_in(page, base: str, email: str, password: str) -> None:
    await page.goto(f"{base}/portal/login")
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{base}/portal/calls")


async def test_profile_picture_password_and_delete_from_the_edit_window(
    service, settings, browser_page, tmp_path
) -> None:
    page = browser_page
    base = service.api
    email = f"profile-{time.monotonic_ns()}@example.com"
    await asyncio.to_thread(new_account, settings, email)
    api = httpx.AsyncClient(base_url=base, timeout=10)
    token = (await api.post("/auth/token", json={"email": email, "password": PASSWORD})).json()[
        "access_token"
    ]
    api.headers["Authorization"] = f"Bearer {token}"
    await log_in(page, base, email, PASSWORD)

    # Upload a picture: it shows on the profile page and in the header of every page.
    await page.get_by_role("navigation").get_by_role("link", name="Profile").click()
    picture = tmp_path / "me.png"
    picture.write_bytes(png(40, 40))
    await page.get_by_label("Upload a picture").set_input_files(picture)
    await page.get_by_role("button", name="Save picture").click()
    await page.get_by_role("status").filter(has_text="Your picture is saved.").wait_for()
    header_picture = page.locator("#owner-avatar")
    assert await header_picture.evaluate("img => img.complete && img.naturalWidth") == 40
    await shot(page, "10-profile-picture")
    # Replace it with a bigger one: the header loads the new picture.
    picture.write_bytes(png(64, 64, grey=0x20))
    await page.get_by_label("Replace the picture").set_input_files(picture)
    await page.get_by_role("button", name="Save picture").click()
    await page.get_by_role("status").filter(has_text="Your picture is saved.").wait_for()
    assert await page.locator("#profile-avatar").evaluate("img => img.complete && img.naturalWidth") == 64
    # A file that is not a picture is refused beside the field.
    not_picture = tmp_path / "notes.png"
    not_picture.write_text("not an image")
    await page.get_by_label("Replace the picture").set_input_files(not_picture)
    await page.get_by_role("button", name="Save picture").click()
    await page.locator("#avatar-error").filter(has_text="must be a PNG, JPEG, GIF or WebP").wait_for()

    # Delete a contact from its edit window: dismissing the question keeps it, accepting deletes it.
    contact = (await api.post("/contacts", json={"name": "Delete Me", "phone": "+12025550177"})).json()
    await page.get_by_role("navigation").get_by_role("link", name="Contacts").click()
    await page.get_by_role("link", name="Edit Delete Me").click()
    questions: list[str] = []

    async def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        await (dialog.accept() if accept else dialog.dismiss())

    page.once("dialog", lambda dialog: asyncio.ensure_future(answer(dialog, False)))
    await page.get_by_role("button", name="Delete contact").click()
    assert await poll(lambda: asyncio.sleep(0, questions), lambda q: len(q) == 1)
    assert questions == ["Delete Delete Me? This cannot be undone."]
    assert (await api.get(f"/contacts/{contact['id']}")).status_code == 200
    page.once("dialog", lambda dialog: asyncio.ensure_future(answer(dialog, True)))
    await page.get_by_role("button", name="Delete contact").click()
    await page.get_by_role("status").filter(has_text="Deleted Delete Me.").wait_for()
    assert (await api.get(f"/contacts/{contact['id']}")).status_code == 404

    # Change the password: a wrong current password and a short new one are shown beside the fields.
    await page.get_by_role("navigation").get_by_role("link", name="Profile").click()
    await page.get_by_label("Current password").fill("not my password at all")
    await page.get_by_label("New password").fill("short")
    await page.get_by_role("button", name="Change password").click()
    await page.locator("#new_password-error").filter(has_text="Must have 10 to 256 characters").wait_for()
    await page.get_by_label("Current password").fill("not my password at all")
    await page.get_by_label("New password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Change password").click()
    await (
        page.locator("#current_password-error")
        .filter(has_text="This is not your current password")
        .wait_for()
    )
    await shot(page, "11-profile-password-error")
    await page.get_by_label("Current password").fill(PASSWORD)
    await page.get_by_label("New password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Change password").click()
    await page.get_by_role("status").filter(has_text="Your password is changed.").wait_for()
    # This browser stays logged in; the API token made with the old password is ended.
    await page.get_by_role("navigation").get_by_role("link", name="Contacts").click()
    assert page.url == f"{base}/portal/contacts"
    assert (await api.get("/profile")).status_code == 401
    login = await api.post("/auth/token", json={"email": email, "password": NEW_PASSWORD})
    assert login.status_code == 201
    await api.aclose()

    # Remove the picture again: the header shows none.
    await page.get_by_role("navigation").get_by_role("link", name="Profile").click()
    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await page.get_by_role("button", name="Remove picture").click()
    await page.get_by_role("status").filter(has_text="Your picture is removed.").wait_for()
    assert await page.locator("#owner-avatar").count() == 0


async def test_a_missed_call_is_counted_and_notified_until_the_call_log_is_seen(
    service, caller, settings, lab_owner, caller_number, browser_page
) -> None:
    page = browser_page
    base = service.api
    await page.context.grant_permissions(["notifications"], origin=base)
    await page.add_init_script(NOTIFICATION_SPY)
    await log_in(page, base, lab_owner["email"], lab_owner["password"])
    badge = page.locator("#missed-calls-badge")
    assert await badge.is_hidden()  # the call log was just shown

    await page.get_by_role("navigation").get_by_role("link", name="Profile").click()
    await page.get_by_label("Show a browser notification when a call is missed").check()
    await page.get_by_role("button", name="Save notifications").click()
    await page.get_by_role("status").filter(has_text="Call notifications are on.").wait_for()
    await page.get_by_role("navigation").get_by_role("link", name="Contacts").click()

    # A real call into the Smart Number that the owner does not take.
    result = await caller.call(
        settings.smart_number, [Step(say="hello")], caller_number=caller_number, hangup_after_s=6.0
    )
    assert result.answered
    row = await asyncio.to_thread(service.call_from, caller_number, 30.0)
    assert row["kind"] in ("missed", "voicemail")

    # The open page learns of it by itself: the badge beside Calls, and a browser notification.
    assert await poll(lambda: badge.is_visible(), bool, timeout_s=40.0), "no missed-call badge"
    assert (await badge.locator(".count").inner_text()) == "1"

    # The notification follows the badge: the page first asks the call log who called.
    async def notices_shown() -> list[dict]:
        return await page.evaluate("() => window.__notifications")

    assert await poll(notices_shown, bool, timeout_s=10.0), "no missed-call notification"
    notices = await notices_shown()
    assert [n["title"] for n in notices] == ["Missed call"]
    assert notices[0]["body"] == f"Last: {row['display_name']}"
    await shot(page, "12-missed-call-badge")

    # Looking at the call log clears the badge, here and on the next pages.
    await page.get_by_role("navigation").get_by_role("link", name="Calls").click()
    await page.locator(f'tr[data-call-id="{row["id"]}"]').wait_for()
    assert await badge.is_hidden()
    await page.get_by_role("navigation").get_by_role("link", name="Contacts").click()
    assert await badge.is_hidden()

    # Other scripts (the WebPhone's ringing) notify through the same setting.
    shown = await page.evaluate("() => !!window.showCallNotification('Incoming call', '+12025550100')")
    assert shown and (await page.evaluate("() => window.__notifications"))[-1]["title"] == "Incoming call"

    # Turning notifications off again (as the other tests expect the lab owner) silences them.
    await page.get_by_role("navigation").get_by_role("link", name="Profile").click()
    await page.get_by_label("Show a browser notification when a call is missed").uncheck()
    await page.get_by_role("button", name="Save notifications").click()
    await page.get_by_role("status").filter(has_text="Call notifications are off.").wait_for()
    assert not await page.evaluate("() => !!window.showCallNotification('Incoming call', '+12025550100')")
    assert await page.evaluate("() => window.__notifications.length") == 0
