"""The desk phones page in real headless Chromium against the running service: the owner sees that
their extension rings on another desk's phone, sets its secret code, and brings it back with
"Return to my desk phone". Screenshots go to test-artifacts/portal/."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from assistant.store.db import open_store
from assistant.store.users import Users
from assistant.store.virtualization import Virtualizations
from tests.portal.test_portal_browser import poll, shot
from tests.portal.test_profile_browser import log_in

pytestmark = pytest.mark.e2e

PASSWORD = "password of the desk page test"
EXTENSION = "104"  # an extension of this account alone
BASE = "203"


def new_account(settings, email: str) -> str:
    """An account of its own; returns an API token for it."""
    store = open_store(settings.effective_database_url)
    try:
        users = Users(store)
        account = users.create(email, PASSWORD, "Desk Tester")
        return users.issue_token(account.id, "tests")[0]
    finally:
        store.close()


def with_store(settings, action):
    store = open_store(settings.effective_database_url)
    try:
        return action(Virtualizations(store))
    finally:
        store.close()


async def test_the_owner_sets_the_code_and_returns_the_extension_to_the_desk_phone(
    service, settings, browser_page
) -> None:
    page = browser_page
    base = service.api
    email = f"desk-{time.monotonic_ns()}@example.com"
    token = await asyncio.to_thread(new_account, settings, email)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}) as api:
        assert (await api.patch("/settings", json={"extensions": [EXTENSION]})).status_code == 200

    await log_in(page, base, email, PASSWORD)
    await page.get_by_role("link", name="Desk phones", exact=True).click()
    await page.wait_for_url(f"{base}/portal/desk")
    await page.get_by_label("Set a secret code").fill("12")
    await page.get_by_role("button", name="Save code").click()
    assert "4 to 8 digits" in await page.locator(f"#code-{EXTENSION}-error").inner_text()
    await page.get_by_label("Set a secret code").fill("4711")
    await page.get_by_role("button", name="Save code").click()
    assert "secret code is saved" in await page.locator("p.notice").inner_text()
    assert await asyncio.to_thread(with_store, settings, lambda v: v.try_code(EXTENSION, "4711").ok)

    await asyncio.to_thread(with_store, settings, lambda v: v.virtualize(EXTENSION, BASE, f"phone {BASE}"))
    await page.reload()
    assert f"ringing on the phone of extension {BASE}" in await page.locator(".where").inner_text()
    await shot(page, "desk-virtualized")
    await page.get_by_role("button", name="Return to my desk phone").click()

    await page.wait_for_url(f"{base}/portal/desk?notice=returned")
    assert "back on your desk phone" in await page.locator("p.notice").inner_text()
    assert "On its own phone" in await page.locator(".where").inner_text()
    assert await poll(
        lambda: asyncio.to_thread(with_store, settings, lambda v: v.placements()),
        lambda placed: EXTENSION not in placed,
    )
    await shot(page, "desk-returned")
