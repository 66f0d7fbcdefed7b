"""Fixtures and helpers for the API tests: a real SQLite store in tmp_path, accounts, tokens, calls.

Test modules import what they use (``from api_fixtures import ...``); pytest picks fixtures up
from the importing module.
"""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api import create_app
from assistant.config import Settings
from assistant.store.calls import CallLog
from assistant.store.db import Store, open_store
from assistant.store.users import Users

T0 = datetime(2025, 3, 3, 15, 0, 0, tzinfo=UTC)  # 10:00 in New York
PASSWORD = "correct horse battery"


async def ari_ok() -> None:
    return None


@dataclass
class Owner:
    """A test account with a bearer token."""

    id: int
    email: str
    smart_number: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", database_url=None)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    store = open_store(settings.effective_database_url)
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def call_log(store: Store) -> CallLog:
    return CallLog(store)


@pytest.fixture
def client(settings: Settings, store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=store, ari_probe=ari_ok), raise_server_exceptions=False) as c:
        yield c


def make_owner(store: Store, email: str, smart_number: str, **kwargs: object) -> Owner:
    users = Users(store)
    account = users.create(email, PASSWORD, email.split("@")[0].title(), smart_number=smart_number, **kwargs)
    token, _ = users.issue_token(account.id, "tests")
    return Owner(account.id, account.email, smart_number, token)


@pytest.fixture
def alice(store: Store) -> Owner:
    return make_owner(store, "alice@example.com", "+15550100", assistant_line="+15550199")


@pytest.fixture
def bob(store: Store) -> Owner:
    return make_owner(store, "bob@example.com", "+15550200")


def portal_login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log the client in through the portal's login form; return the session's CSRF token."""
    page = client.get("/portal/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/portal/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return page_csrf(client.get("/portal/profile").text)


@pytest.fixture
def portal(client: TestClient, alice: Owner) -> TestClient:
    """The client with Alice logged in to the portal."""
    portal_login(client, alice.email)
    return client


def page_csrf(page: str) -> str:
    """The session's CSRF token as a portal page carries it."""
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def settings_form(page: str, **fields: str) -> dict[str, str]:
    """The settings page's form as a browser sends it: the text inputs as shown, screening on,
    rounding up and the CSRF token, with ``fields`` changed."""
    form = dict(re.findall(r'<input id="([^"]+)" name="[^"]+" type="[^"]+" value="([^"]*)"', page))
    form.update({"csrf_token": page_csrf(page), "screening": "on", "billing_rounding": "up"})
    form.update(fields)
    return form


def assert_settings_change_refused(client: TestClient, owner: Owner, change: dict, field: str) -> None:
    """Assert the settings change is a 422 naming ``field`` and that nothing was changed."""
    before = client.get("/settings", headers=owner.headers).json()
    response = client.patch("/settings", headers=owner.headers, json=change)
    assert field in assert_error(response, 422)
    assert field in [error["field"].split(".")[0] for error in response.json()["errors"]]
    assert client.get("/settings", headers=owner.headers).json() == before


def place_call(
    log: CallLog,
    channel: str,
    caller: str,
    line: str,
    at: datetime = T0,
    talk_s: float | None = 30.0,
    ring_s: float = 2.0,
    direction: str = "inbound",
    put_through: bool = True,
    **kwargs: object,
) -> int:
    """Record a whole call: start, answer after ``ring_s`` (unless ``talk_s`` is None), end.

    An inbound conversation with ``talk_s`` is put through to the owner's mobile for ``talk_s``
    (a leg accepted at the answer), unless ``put_through`` is False (the assistant alone talked:
    screening, a voicemail).
    """
    call_id = log.record_start(channel, direction, caller, None, line, at, **kwargs)
    if talk_s is not None:
        answered, ended = at + timedelta(seconds=ring_s), at + timedelta(seconds=ring_s + talk_s)
        log.record_answer(channel, answered)
        if put_through and direction == "inbound" and "parent_id" not in kwargs:
            leg = f"{channel}-mobile"
            log.record_start(leg, "outbound", caller, None, "+15557770001", answered, parent_id=call_id)
            log.record_answer(leg, answered)
            log.record_end(leg, ended, "completed", "16")
        log.record_end(channel, ended, "completed", "16")
    else:
        log.record_end(channel, at + timedelta(seconds=ring_s), "caller-hangup", "16")
    return call_id


def wav_bytes(seconds: float = 0.5, rate: int = 8000) -> bytes:
    """A small real WAV file (silence), as Asterisk would record one."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * int(seconds * rate))
    return buffer.getvalue()


def assert_error(response: httpx.Response, status: int) -> str:
    """Assert a JSON error body with a one-line message; return the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail and "\n" not in detail
    return detail
