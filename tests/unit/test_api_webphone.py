"""The WebPhone API: the account is handed out only to the owner whose extensions include the
WebPhone, enabling adds it to their extensions (while no other owner has it), the caller IDs are
the owner's own numbers, and the phone page may connect to the lab's secure websocket."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from api_fixtures import PASSWORD, Owner, alice, ari_ok, assert_error, bob, client, make_owner, store
from fastapi.testclient import TestClient

from api import create_app
from assistant.config import Settings
from assistant.pbx import webphone
from assistant.store.db import Store


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        database_url=None,
        lab_https_port=18089,
    )


def test_the_password_is_given_once_the_webphone_is_the_owners(client: TestClient, alice: Owner) -> None:
    before = client.get("/webphone", headers=alice.headers).json()
    assert before["enabled"] is False and before["password"] is None and before["sip_uri"] is None
    assert before["websocket_url"] == "wss://127.0.0.1:18089/ws" and before["extension"] == webphone.EXTENSION

    enabled = client.post("/webphone/enable", headers=alice.headers).json()

    assert (
        enabled["enabled"] is True and enabled["sip_uri"] == "sip:200@127.0.0.1" and enabled["user"] == "200"
    )
    assert len(enabled["password"]) == webphone.PASSWORD_LENGTH
    assert client.get("/webphone", headers=alice.headers).json()["password"] == enabled["password"]
    assert client.get("/settings", headers=alice.headers).json()["extensions"] == ["200"]
    assert client.post("/webphone/enable", headers=alice.headers).json() == enabled  # once is enough


def test_another_owners_webphone_is_refused(client: TestClient, alice: Owner, bob: Owner) -> None:
    assert client.post("/webphone/enable", headers=alice.headers).status_code == 200

    message = assert_error(client.post("/webphone/enable", headers=bob.headers), 409)

    assert "another account" in message
    assert client.get("/webphone", headers=bob.headers).json()["password"] is None


def test_the_caller_ids_are_the_owners_numbers(client: TestClient, store: Store) -> None:
    carol = make_owner(store, "carol@example.com", "+15550300")
    changed = client.patch(
        "/settings", headers=carol.headers, json={"mobile": "+12025550111", "local_numbers": ["+12125550142"]}
    )
    assert changed.status_code == 200, changed.text

    body = client.get("/webphone", headers=carol.headers).json()

    assert body["caller_ids"] == ["+15550300", "+12125550142", "+12025550111"]
    assert body["default_caller_id"] == "+15550300" and body["do_not_disturb"] is False


def test_unauthenticated_requests_are_refused(client: TestClient) -> None:
    assert_error(client.get("/webphone"), 401)
    assert_error(client.post("/webphone/enable"), 401)


def test_without_the_lab_there_is_no_webphone(tmp_path: Path, store: Store, alice: Owner) -> None:
    outside = Settings(
        _env_file=None, data_dir=tmp_path / "d", cache_dir=tmp_path / "c", ari_url="http://pbx:8088/ari"
    )
    with TestClient(create_app(outside, store=store, ari_probe=ari_ok), raise_server_exceptions=False) as c:
        assert "lab Asterisk" in assert_error(c.get("/webphone", headers=alice.headers), 404)


def test_the_phone_page_may_connect_to_the_labs_websocket(client: TestClient, alice: Owner) -> None:
    form = client.get("/portal/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    login = client.post(
        "/portal/login",
        data={"email": alice.email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert login.status_code == 303, login.text

    page = client.get("/portal/phone")

    assert page.status_code == 200 and 'src="/portal/static/webphone.js"' in page.text
    assert "connect-src 'self' wss://127.0.0.1:18089/ws" in page.headers["content-security-policy"]
    assert client.get("/portal/phone", params={"dial": "<script>"}).status_code == 422
