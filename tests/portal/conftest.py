"""Fixtures of the portal tests: headless Chromium (Debian's package, driven by Playwright) and the
test owner account of the lab service (whose Smart Number is the lab's)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "portal"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium's own connections get refused in this sandbox.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def lab_owner(owner_token: str) -> dict[str, str]:
    """The owner of the lab's Smart Number in the service's database (created by tests/conftest.py)."""
    from tests.conftest import OWNER_EMAIL, OWNER_PASSWORD

    return {"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "token": owner_token}


@pytest.fixture
def chromium_profile() -> str:
    """A fresh Chromium profile folder (and the artifacts folder), or a skip without Chromium."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium package is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix="portal-chromium-")


@pytest.fixture
async def browser_page(chromium_profile: str) -> AsyncIterator:
    """A page in a fresh headless Chromium profile; its screenshots go to test-artifacts/portal/."""
    playwright_api = pytest.importorskip("playwright.async_api")
    profile = chromium_profile
    async with playwright_api.async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            await context.close()
            shutil.rmtree(profile, ignore_errors=True)
