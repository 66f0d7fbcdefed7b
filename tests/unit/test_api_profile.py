"""The owner's own account: changing the password, the picture, call notifications and the missed calls
not yet seen (API and portal page)."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from api_fixtures import (
    PASSWORD,
    T0,
    Owner,
    alice,
    assert_error,
    bob,
    call_log,
    client,
    place_call,
    portal_login,
    settings,
    store,
    wav_bytes,
)
from fastapi.testclient import TestClient

import api.routes.auth
from assistant.domain import lockout
from assistant.domain.images import MAX_AVATAR_BYTES
from assistant.store.calls import CallLog
from assistant.store.db import Store
from assistant.store.profiles import Profiles
from assistant.store.users import Users
from assistant.store.voicemails import VoicemailStore

NEW_PASSWORD = "a much longer passphrase"


@pytest.fixture(autouse=True)
def no_login_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(_seconds: float) -> None:
        return None

    monkeypatch.setattr(api.routes.auth.asyncio, "sleep", no_sleep)


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


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG image (grey pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_the_owner_uploads_replaces_and_removes_their_picture(
    client: TestClient, alice: Owner, bob: Owner
) -> None:
    profile = client.get("/profile", headers=alice.headers).json()
    assert profile == {
        "id": alice.id,
        "email": alice.email,
        "name": "Alice",
        "has_avatar": False,
        "avatar_url": None,
        "call_notifications": False,
    }
    assert_error(client.get("/profile/avatar", headers=alice.headers), 404)

    first = png(2, 2)
    put = client.put("/profile/avatar", headers=alice.headers, files={"file": ("me.png", first, "image/png")})
    assert put.status_code == 200, put.text
    assert put.json()["has_avatar"] and put.json()["avatar_url"] == "/profile/avatar"
    got = client.get("/profile/avatar", headers=alice.headers)
    assert got.content == first and got.headers["content-type"] == "image/png"

    etag = got.headers["etag"]
    again = client.get("/profile/avatar", headers={**alice.headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""

    second = png(3, 1)
    client.put("/profile/avatar", headers=alice.headers, files={"file": ("new.bin", second, "text/plain")})
    replaced = client.get("/profile/avatar", headers={**alice.headers, "If-None-Match": etag})
    assert replaced.status_code == 200 and replaced.content == second and replaced.headers["etag"] != etag
    assert_error(client.get("/profile/avatar", headers=bob.headers), 404)  # Bob's own, which he has not

    assert client.delete("/profile/avatar", headers=alice.headers).status_code == 204
    assert_error(client.get("/profile/avatar", headers=alice.headers), 404)
    assert client.get("/profile", headers=alice.headers).json()["has_avatar"] is False
    assert client.delete("/profile/avatar", headers=alice.headers).status_code == 204


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (b"<svg onload=alert(1)>", 415, "the image must be a PNG, JPEG, GIF or WebP file"),
        (b"", 415, "the image is empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_AVATAR_BYTES, 413, "the image is larger than 512 KiB"),
    ],
)
def test_a_picture_that_is_not_an_image_or_too_large_is_refused(
    client: TestClient, alice: Owner, data: bytes, status: int, message: str
) -> None:
    response = client.put(
        "/profile/avatar", headers=alice.headers, files={"file": ("x.png", data, "image/png")}
    )
    assert assert_error(response, status) == message
    assert client.get("/profile", headers=alice.headers).json()["has_avatar"] is False


def test_malformed_profile_changes_are_4xx(client: TestClient, alice: Owner) -> None:
    assert_error(client.put("/profile/avatar", headers=alice.headers), 422)
    assert_error(client.put("/profile/avatar", headers=alice.headers, data={"file": "text"}), 422)
    for body in ({"call_notifications": "sometimes"}, {"avatar": "x"}, [], "on"):
        assert_error(client.patch("/profile", headers=alice.headers, json=body), 422)
    assert_error(client.get("/profile"), 401)


def test_call_notifications_are_off_until_turned_on(client: TestClient, alice: Owner, bob: Owner) -> None:
    on = client.patch("/profile", headers=alice.headers, json={"call_notifications": True})
    assert on.status_code == 200 and on.json()["call_notifications"] is True
    assert client.get("/profile", headers=bob.headers).json()["call_notifications"] is False
    assert client.patch("/profile", headers=alice.headers, json={}).json()["call_notifications"] is True
    off = client.patch("/profile", headers=alice.headers, json={"call_notifications": False})
    assert off.json()["call_notifications"] is False


def test_missed_calls_are_new_until_the_owner_looks_at_the_call_log(
    client: TestClient, store: Store, call_log: CallLog, alice: Owner, bob: Owner
) -> None:
    place_call(call_log, "taken", "+12025550101", alice.smart_number, T0)
    place_call(
        call_log, "missed-1", "+12025550102", alice.smart_number, T0 + timedelta(minutes=1), talk_s=None
    )
    place_call(
        call_log, "screened", "+12025550103", alice.smart_number, T0 + timedelta(minutes=2), put_through=False
    )
    place_call(call_log, "bobs", "+12025550104", bob.smart_number, T0, talk_s=None)
    place_call(call_log, "out", "+15550100", "+12025550105", T0, direction="outbound")
    call_log.record_start("ringing", "inbound", "+12025550106", None, alice.smart_number, T0)  # not over yet

    unseen = client.get("/profile/unseen", headers=alice.headers).json()
    assert unseen["missed_calls"] == 2 and unseen["calls_seen_at"] is None
    assert unseen["last_missed_at"].startswith("2025-03-03T15:02:32")
    assert client.get("/profile/unseen", headers=bob.headers).json()["missed_calls"] == 1

    seen = client.post("/profile/calls-seen", headers=alice.headers).json()
    assert seen["missed_calls"] == 0 and seen["calls_seen_at"] is not None
    assert client.get("/profile/unseen", headers=bob.headers).json()["missed_calls"] == 1

    # Calls that end after the owner looked are new again: the one that was ringing, and a voicemail.
    now = datetime.now(UTC)
    call_log.record_end("ringing", now + timedelta(seconds=5), "caller-hangup", "16")
    left = place_call(call_log, "left", "+12025550107", alice.smart_number, now, put_through=False)
    VoicemailStore(store, store_dir(client)).add(
        alice.id, left, "/nonexistent.wav", 3.0, "+12025550107", "hi"
    )
    unseen = client.get("/profile/unseen", headers=alice.headers).json()
    assert unseen["missed_calls"] == 2 and unseen["unread_voicemails"] == 1


def store_dir(client: TestClient):
    return client.app.state.context.settings.voicemail_dir


def test_the_portal_header_counts_new_missed_calls_until_the_call_log_is_viewed(
    client: TestClient, store: Store, call_log: CallLog, alice: Owner
) -> None:
    portal_login(client, alice.email)
    page = client.get("/portal/contacts")
    assert re.search(r'id="missed-calls-badge" hidden>', page.text)
    a_minute_ago = datetime.now(UTC) - timedelta(minutes=1)
    place_call(call_log, "m1", "+12025550102", alice.smart_number, a_minute_ago, talk_s=None)
    place_call(call_log, "m2", "+12025550103", alice.smart_number, a_minute_ago, talk_s=None)
    page = client.get("/portal/contacts")
    badge = re.search(r'id="missed-calls-badge"><span class="count">(\d+)</span>', page.text)
    assert badge is not None and badge.group(1) == "2"
    assert 'data-missed-calls="2"' in page.text and 'data-call-notifications="off"' in page.text

    calls = client.get("/portal/calls")
    assert re.search(r'id="missed-calls-badge" hidden>', calls.text)
    assert Profiles(store).unseen(alice.id).missed_calls == 0


def test_profile_page_uploads_the_picture_shown_in_the_header_and_sets_notifications(
    client: TestClient, alice: Owner
) -> None:
    csrf = portal_login(client, alice.email)
    page = client.get("/portal/profile")
    assert "No picture yet." in page.text and 'id="owner-avatar"' not in page.text

    no_csrf = client.post("/portal/profile/avatar", files={"avatar": ("me.png", png(), "image/png")})
    assert no_csrf.status_code == 403
    empty = client.post("/portal/profile/avatar", data={"csrf_token": csrf})
    assert empty.status_code == 422 and 'id="avatar-error">Choose a picture to upload' in empty.text
    wrong = client.post(
        "/portal/profile/avatar",
        data={"csrf_token": csrf},
        files={"avatar": ("me.txt", b"hello", "text/plain")},
    )
    assert wrong.status_code == 415 and 'id="avatar-error">The image must be a PNG' in wrong.text

    saved = client.post(
        "/portal/profile/avatar", data={"csrf_token": csrf}, files={"avatar": ("me.png", png(), "image/png")}
    )
    assert saved.status_code == 200 and "Your picture is saved." in saved.text
    assert '<img src="/profile/avatar" alt="" class="avatar" id="owner-avatar">' in saved.text
    assert client.get("/profile/avatar").content == png()
    assert 'id="owner-avatar"' in client.get("/portal/contacts").text

    removed = client.post("/portal/profile/avatar/delete", data={"csrf_token": csrf})
    assert "Your picture is removed." in removed.text and 'id="owner-avatar"' not in removed.text

    on = client.post("/portal/profile/notifications", data={"csrf_token": csrf, "call_notifications": "on"})
    assert "Call notifications are on." in on.text and 'data-call-notifications="on"' in on.text
    assert client.get("/profile").json()["call_notifications"] is True
    off = client.post("/portal/profile/notifications", data={"csrf_token": csrf})
    assert "Call notifications are off." in off.text
    assert client.post("/portal/profile/notifications", data={"call_notifications": "on"}).status_code == 403
