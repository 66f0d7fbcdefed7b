"""Accounts and access: bearer tokens, the portal's session cookie and CSRF, slowed and locked logins,
and `assistant user` from the command line."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from api_fixtures import PASSWORD, Owner, alice, assert_error, bob, call_log, client, settings, store
from fastapi.testclient import TestClient

import api.routes.auth
from assistant import cli
from assistant.config import Settings
from assistant.domain import lockout
from assistant.store.db import Store
from assistant.store.models import utcnow
from assistant.store.users import Users


def login_form(client: TestClient) -> str:
    page = client.get("/portal/login")
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def portal_login(client: TestClient, email: str, password: str = PASSWORD):
    token = login_form(client)
    return client.post(
        "/portal/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def csrf_of(client: TestClient) -> str:
    page = client.get("/portal/calls")
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)


@pytest.fixture(autouse=True)
def no_login_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(_seconds: float) -> None:
        return None

    monkeypatch.setattr(api.routes.auth.asyncio, "sleep", no_sleep)


def test_token_for_email_and_password(client: TestClient, alice: Owner) -> None:
    response = client.post(
        "/auth/token", json={"email": " Alice@Example.com ", "password": PASSWORD, "name": "cli"}
    )
    assert response.status_code == 201, response.text
    token = response.json()["access_token"]
    assert response.json()["token_type"] == "bearer" and response.json()["expires_at"]
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"id": alice.id, "email": "alice@example.com", "name": "Alice"}
    assert client.delete("/auth/token", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert_error(client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}), 401)


@pytest.mark.parametrize(
    "body",
    [
        {"email": "alice@example.com", "password": "wrong password"},
        {"email": "nobody@example.com", "password": PASSWORD},
    ],
)
def test_wrong_credentials_are_401_and_say_nothing_more(client: TestClient, alice: Owner, body: dict) -> None:
    assert assert_error(client.post("/auth/token", json=body), 401) == "wrong e-mail or password"


@pytest.mark.parametrize(
    "body", [{}, {"email": "a"}, {"email": "", "password": "x"}, {"email": "a", "password": "b", "x": 1}, []]
)
def test_malformed_login_is_422(client: TestClient, body: object) -> None:
    assert_error(client.post("/auth/token", json=body), 422)


def test_repeated_failures_are_slowed_then_locked(client: TestClient, alice: Owner, store: Store) -> None:
    bad = {"email": "alice@example.com", "password": "guess guess guess"}
    for _ in range(lockout.LOCK_AFTER - 1):
        assert_error(client.post("/auth/token", json=bad), 401)
    locked = client.post("/auth/token", json=bad)
    assert "too many failed logins" in assert_error(locked, 429)
    assert int(locked.headers["retry-after"]) > 60
    right = client.post("/auth/token", json={"email": "alice@example.com", "password": PASSWORD})
    assert_error(right, 429)  # even the right password waits out the lock
    result = Users(store).login(
        "alice@example.com", PASSWORD, now=utcnow() + timedelta(seconds=lockout.LOCK_S + 1)
    )
    assert result.account is not None and result.account.id == alice.id
    assert (
        client.post("/auth/token", json={"email": "alice@example.com", "password": PASSWORD}).status_code
        == 201
    )


def test_slowing_delays_follow_the_policy(store: Store, alice: Owner) -> None:
    users = Users(store)
    delays = [users.login("alice@example.com", "nope nope nope").delay_s for _ in range(4)]
    assert delays[:2] == [0.0, 0.0] and 0 < delays[2] < delays[3]
    unknown = [users.login("ghost@example.com", "nope nope nope").delay_s for _ in range(3)]
    assert unknown[-1] > 0


def test_portal_session_login_csrf_and_logout(client: TestClient, alice: Owner) -> None:
    assert client.get("/portal/calls", follow_redirects=False).headers["location"].startswith("/portal/login")
    response = portal_login(client, "alice@example.com")
    assert response.status_code == 303 and response.headers["location"] == "/portal/calls"
    cookie = response.headers["set-cookie"]
    assert (
        "assistant_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=strict" in cookie.replace("Strict", "strict")
    )
    assert client.get("/calls").status_code == 200  # the cookie works on the API too
    assert client.get("/portal/calls").status_code == 200
    # Changes made with the cookie need the CSRF token.
    assert "CSRF" in assert_error(client.patch("/settings", json={"do_not_disturb": True}), 403)
    forged = client.patch("/settings", json={"do_not_disturb": True}, headers={"X-CSRF-Token": "forged"})
    assert_error(forged, 403)
    token = csrf_of(client)
    assert (
        client.patch("/settings", json={"do_not_disturb": True}, headers={"X-CSRF-Token": token}).status_code
        == 200
    )
    assert client.post("/portal/logout", data={"csrf_token": "forged"}).status_code == 403
    out = client.post("/portal/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.clear()
    assert_error(client.get("/calls"), 401)


def test_portal_login_failures(client: TestClient, alice: Owner) -> None:
    wrong = portal_login(client, "alice@example.com", "wrong password!")
    assert wrong.status_code == 401 and "Wrong e-mail or password." in wrong.text
    no_csrf = client.post("/portal/login", data={"email": "alice@example.com", "password": PASSWORD})
    assert no_csrf.status_code == 403 and "expired" in no_csrf.text
    nxt = client.get("/portal/login", params={"next": "https://evil.example/"})
    assert 'value="/portal/calls"' in nxt.text


def test_sessions_of_one_user_do_not_open_another_users_objects(
    client: TestClient, alice: Owner, bob: Owner
) -> None:
    theirs = client.post(
        "/contacts", headers=bob.headers, json={"name": "Secret", "phone": "+12025550123"}
    ).json()
    portal_login(client, "alice@example.com")
    assert client.get(f"/portal/contacts/{theirs['id']}").status_code == 404
    token = csrf_of(client)
    deleted = client.post(f"/portal/contacts/{theirs['id']}/delete", data={"csrf_token": token})
    assert deleted.status_code == 404 and "Secret" not in deleted.text
    assert client.get(f"/contacts/{theirs['id']}", headers=bob.headers).status_code == 200


def test_user_command(tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSISTANT_LOG_LEVEL", "WARNING")
    args = ["user", "create", "--email", "Owner@Example.com", "--password", PASSWORD, "--line", "+15550198"]
    assert cli.main(args) == 0
    created = json.loads(capsys.readouterr().out)
    assert created == {
        "id": 1,
        "email": "owner@example.com",
        "smart_number": "+15550100",
        "assistant_line": "+15550199",
        "lines": ["+15550198"],
        "earlier_calls_claimed": 0,
    }
    assert cli.main(["user", "create", "--email", "b@example.com", "--password", PASSWORD]) == 2
    assert "line-taken" in capsys.readouterr().err
    assert cli.main(["user", "create", "--email", "c@example.com", "--password", "short"]) == 2
    assert (
        cli.main(
            ["user", "create", "--email", "d@example.com", "--password", PASSWORD, "--smart-number", "x"]
        )
        == 2
    )
    capsys.readouterr()
    assert cli.main(["user", "token", "--email", "owner@example.com"]) == 0
    token = capsys.readouterr().out.strip()
    settings = Settings(_env_file=None, data_dir=tmp_path)
    from assistant.store.db import open_store

    store = open_store(settings.effective_database_url)
    try:
        assert Users(store).token_account(token).email == "owner@example.com"
    finally:
        store.close()
    assert (
        cli.main(["user", "set-password", "--email", "owner@example.com", "--password", "another password"])
        == 0
    )
    assert cli.main(["user", "list"]) == 0
    assert "owner@example.com" in capsys.readouterr().out
