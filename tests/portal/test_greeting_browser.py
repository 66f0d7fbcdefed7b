"""The settings page's greeting preview in real headless Chromium against the running service: the
owner types a greeting, picks a voice and a rate, and hears it before saving (the page's player
holds the rendered greeting); words that cannot be spoken are refused in the page's status line."""

from __future__ import annotations

import pytest

from tests.portal.test_portal_browser import poll, shot

pytestmark = pytest.mark.e2e

# The player let go of the last preview, so its duration is the next one's.
EMPTY_PLAYER = (
    "(() => { const a = document.getElementById('greeting-audio'); a.removeAttribute('src'); a.load(); })()"
)
WORDS = "Thank you for calling the chambers of {owner}. Please stay on the line."


async def previewed_seconds(page) -> float:
    """Press Preview and return how long the greeting the player got lasts."""
    await page.evaluate(EMPTY_PLAYER)
    await page.get_by_role("button", name="Preview the greeting").click()
    await page.get_by_role("status").filter(has_text="the greeting").filter(has_text="lay").wait_for()

    async def duration() -> float:
        value = await page.evaluate("document.getElementById('greeting-audio').duration")
        return value if isinstance(value, int | float) else 0.0

    assert await poll(duration, lambda seconds: seconds > 0, timeout_s=30)
    return await duration()


async def test_owner_previews_the_greeting_before_saving(service, lab_owner, browser_page) -> None:
    page = browser_page
    base = service.api
    await page.goto(f"{base}/portal/login?next=/portal/settings")
    await page.get_by_label("E-mail").fill(lab_owner["email"])
    await page.get_by_label("Password").fill(lab_owner["password"])
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base}/portal/settings")

    await page.get_by_label("What the Smart Number says when it answers").fill(WORDS)
    await page.get_by_label("Voice of your greetings").select_option("espeak-female")
    await page.get_by_label("Rate: 0 slowest, 9 fastest").fill("1")
    slow = await previewed_seconds(page)
    await page.get_by_label("Rate: 0 slowest, 9 fastest").fill("8")
    fast = await previewed_seconds(page)
    await shot(page, "greeting-preview")
    assert 2.0 < fast < 0.8 * slow, (fast, slow)

    await page.get_by_label("What the Smart Number says when it answers").fill("Hello {caller}")
    await page.get_by_role("button", name="Preview the greeting").click()
    await page.get_by_role("status").filter(has_text="braces").wait_for()
    saved = service.http.get("/settings").json()
    assert saved["welcome_text"] is None and saved["greeting_voice"] == "joe"  # nothing was saved
