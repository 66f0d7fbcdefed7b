"""The queues page in real headless Chromium against the running service: the member flips the presence
switch of one queue, it is saved at once (the other queue is unchanged) and still so after a reload.
Screenshots go to test-artifacts/portal/."""

from __future__ import annotations

import asyncio
import time

import pytest

from assistant.store.db import open_store
from assistant.store.queues import Queues
from assistant.store.users import Users
from tests.portal.test_portal_browser import poll, shot
from tests.portal.test_profile_browser import log_in

pytestmark = pytest.mark.e2e

PASSWORD = "password of the queues page test"


def member_of_two_queues(settings, email: str, numbers: tuple[str, str]) -> int:
    """An account of its own, a member (present) of two new queues; returns the account's id."""
    store = open_store(settings.effective_database_url)
    try:
        account = Users(store).create(email, PASSWORD, "Queue Tester")
        queues = Queues(store)
        for number, name in zip(numbers, ("Support", "Sales"), strict=True):
            queues.create(number, name)
            queues.add_member(number, email)
        return account.id
    finally:
        store.close()


def presence(settings, user_id: int) -> dict[str, bool]:
    store = open_store(settings.effective_database_url)
    try:
        return {membership.name: membership.present for membership in Queues(store).memberships(user_id)}
    finally:
        store.close()


async def test_the_presence_switch_of_one_queue_saves_at_once_and_leaves_the_other(
    service, settings, browser_page
) -> None:
    page = browser_page
    base = service.api
    stamp = time.monotonic_ns() % 10
    numbers = (f"+155503{80 + stamp}", f"+155503{90 + stamp}")
    email = f"queues-{time.monotonic_ns()}@example.com"
    user_id = await asyncio.to_thread(member_of_two_queues, settings, email, numbers)

    await log_in(page, base, email, PASSWORD)
    await page.get_by_role("link", name="Queues", exact=True).click()
    await page.wait_for_url(f"{base}/portal/queues")
    support = page.get_by_role("switch", name="Support")
    sales = page.get_by_role("switch", name="Sales")
    assert await support.is_checked() and await sales.is_checked()
    await shot(page, "queues-both-present")

    await support.click()
    state = page.locator("li.queue", has=support).locator(".presence-state")
    assert await poll(state.inner_text, lambda text: text.startswith("Not active")), await state.inner_text()
    assert await poll(
        lambda: asyncio.to_thread(presence, settings, user_id),
        lambda now: now == {"Support": False, "Sales": True},
    ), await asyncio.to_thread(presence, settings, user_id)
    await shot(page, "queues-support-off")

    await page.reload()
    assert not await page.get_by_role("switch", name="Support").is_checked()
    assert await page.get_by_role("switch", name="Sales").is_checked()

    await page.get_by_role("switch", name="Support").click()
    assert await poll(
        lambda: asyncio.to_thread(presence, settings, user_id),
        lambda now: now == {"Support": True, "Sales": True},
    )
