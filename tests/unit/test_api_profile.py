"""The owner's own account: changing the password (API and portal page)."""

from __future__ import annotations

import re

import pytest
from api_fixtures import PASSWORD, Owner, alice, assert_error, bob, client, settings, store
from fastapi.testclient import TestClient

import api.routes.auth
from assistant.domain import lockout
from assistant.store.db import Store
from assistant.store.users import Users

NEW_PASSWORD = "a much longer passphrase"


@pytest.fixture(autouse=True)
def no_login_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(_seconds: float) -> None:
        return None

    monkeypatch.setattr(api.routes.auth.asyncio, "sleep", no_sleep)


def portal_login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log the client in through the portal's form; return the session's CSRF token."""
    page = client.get("/portal/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/portal/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/portal/profile")
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)


def token_for(client: TestClient, email: str, password: str) -> dict[str, str]:
    response = client.post("/auth/token", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def field_message(response, field: str) -> str:
    assert_error(response, 422)
    found = [e["message"] for e in response.json()["errors"] if e["field"] == field]
    assert found, response.json()
    return found[0]


def test_password_change_keeps_this_token_and_ends_the_others(
    client: TestClient, settings, alice: Owner, bob: Owner
) -> None:
    other_token = token_for(client, alice.email, PASSWORD)
    with TestClient(client.app) as browser:
        portal_login(browser, alice.email)
        bob_token = token_for(client, bob.email, PASSWORD)

        response = client.post(
            "/auth/password",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            headers=alice.headers,
        )
        assert response.status_code == 204, response.text

        assert client.get("/auth/me", headers=alice.headers).status_code == 200
        assert_error(client.get("/auth/me", headers=other_token), 401)
        assert browser.get("/portal/calls", follow_redirects=False).status_code == 303
        assert client.get("/auth/me", headers=bob_token).status_code == 200  # another account: untouched
    assert_error(client.post("/auth/token", json={"email": alice.email, "password": PASSWORD}), 401)
    token_for(client, alice.email, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short", "must have 10 to 256 characters, not only spaces"),
        (" " * 12, "must have 10 to 256 characters, not only spaces"),
        ("x" * 257, "must have 10 to 256 characters, not only spaces"),
        (PASSWORD, "must differ from the current password"),
    ],
)
def test_a_new_password_the_rules_refuse_is_422_naming_the_field(
    client: TestClient, alice: Owner, new_password: str, message: str
) -> None:
    response = client.post(
        "/auth/password",
        json={"current_password": PASSWORD, "new_password": new_password},
        headers=alice.headers,
    )
    assert field_message(response, "new_password") == message
    assert client.get("/auth/me", headers=alice.headers).status_code == 200
    token_for(client, alice.email, PASSWORD)


def test_a_wrong_current_password_changes_nothing_and_counts_toward_the_lockout(
    client: TestClient, store: Store, alice: Owner
) -> None:
    body = {"current_password": "not the password", "new_password": NEW_PASSWORD}
    response = client.post("/auth/password", json=body, headers=alice.headers)
    assert field_message(response, "current_password") == "this is not your current password"
    token_for(client, alice.email, PASSWORD)
    for _ in range(lockout.LOCK_AFTER):
        response = client.post("/auth/password", json=body, headers=alice.headers)
    assert assert_error(response, 429).startswith("too many failed logins")
    assert Users(store).login(alice.email, PASSWORD).account is None  # locked like a login


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"current_password": PASSWORD},
        {"current_password": "", "new_password": NEW_PASSWORD},
        {"current_password": PASSWORD, "new_password": 12345678901},
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "extra": 1},
        [],
    ],
)
def test_malformed_password_change_is_422(client: TestClient, alice: Owner, body: object) -> None:
    assert_error(client.post("/auth/password", json=body, headers=alice.headers), 422)


def test_password_change_needs_a_login_and_csrf(client: TestClient, alice: Owner) -> None:
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert_error(client.post("/auth/password", json=body), 401)
    csrf = portal_login(client, alice.email)
    assert_error(client.post("/auth/password", json=body), 403)
    response = client.post("/auth/password", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 204
    assert client.get("/auth/me").status_code == 200  # the session that changed it stays


def test_profile_page_changes_the_password_and_shows_errors_by_the_fields(
    client: TestClient, alice: Owner
) -> None:
    csrf = portal_login(client, alice.email)
    page = client.get("/portal/profile")
    assert page.status_code == 200 and 'aria-current="page">Profile' in page.text
    for field in re.findall(r'<input id="([^"]+)"', page.text):
        assert f'for="{field}"' in page.text

    wrong = client.post(
        "/portal/profile/password",
        data={"csrf_token": csrf, "current_password": "nope nope nope", "new_password": "tiny"},
    )
    assert wrong.status_code == 422
    assert 'id="new_password-error">Must have 10 to 256 characters' in wrong.text

    wrong = client.post(
        "/portal/profile/password",
        data={"csrf_token": csrf, "current_password": "nope nope nope", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert 'id="current_password-error">This is not your current password' in wrong.text
    assert NEW_PASSWORD not in wrong.text and "nope nope nope" not in wrong.text

    no_csrf = client.post(
        "/portal/profile/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert no_csrf.status_code == 403

    done = client.post(
        "/portal/profile/password",
        data={"csrf_token": csrf, "current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert done.status_code == 200 and "Your password is changed" in done.text
    assert client.get("/portal/calls", follow_redirects=False).status_code == 200
    token_for(client, alice.email, NEW_PASSWORD)
