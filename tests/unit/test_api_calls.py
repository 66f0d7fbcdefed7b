"""The call-log API against a real SQLite file: listing, filters, one call, add to contacts, health,
authentication and ownership, and error bodies."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from api_fixtures import (
    T0,
    Owner,
    alice,
    ari_ok,
    assert_error,
    bob,
    call_log,
    client,
    make_owner,
    place_call,
    settings,
    store,
)
from fastapi.testclient import TestClient

import api.app
from api import create_app
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.store.calls import CallLog
from assistant.store.db import Store, open_store
from assistant.store.history import CallHistory
from assistant.store.voicemails import VoicemailStore


async def ari_down() -> None:
    raise ConnectionRefusedError("connection refused by 127.0.0.1:8088")


def add_calls(log: CallLog, count: int, line: str = "+15550100") -> list[int]:
    ids = []
    for i in range(count):
        channel = f"chan-{line}-{i}"
        ids.append(
            log.record_start(channel, "inbound", f"+1555000{i}", None, line, T0 + timedelta(minutes=i))
        )
        log.record_answer(channel, T0 + timedelta(minutes=i, seconds=2))
        log.add_event(channel, {"type": "turn", "heard": "sales"})
        log.record_end(channel, T0 + timedelta(minutes=i, seconds=32), "completed", "16")
    return ids


def test_calls_need_authentication(client: TestClient, alice: Owner, call_log: CallLog) -> None:
    add_calls(call_log, 1)
    response = client.get("/calls")
    assert "authentication required" in assert_error(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthenticated"
    assert_error(client.get("/calls", headers={"Authorization": "Bearer nope"}), 401)
    assert_error(client.get("/calls", headers={"Authorization": "Basic YTpi"}), 401)
    client.cookies.set("assistant_session", "forged")
    assert_error(client.get("/calls"), 401)


def test_empty_call_list(client: TestClient, alice: Owner) -> None:
    response = client.get("/calls", headers=alice.headers)
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


def test_call_list_shows_public_fields_newest_first(
    client: TestClient, call_log: CallLog, alice: Owner
) -> None:
    ids = add_calls(call_log, 2)
    body = client.get("/calls", headers=alice.headers).json()
    assert [item["id"] for item in body["items"]] == ids[::-1]
    newest = body["items"][0]
    assert newest == {
        "id": ids[1],
        "channel_id": "chan-+15550100-1",
        "parent_id": None,
        "direction": "inbound",
        "kind": "missed",  # the assistant answered; the owner never took it
        "caller_number": "+15550001",
        "caller_name": None,
        "called_line": "+15550100",
        "number": "+15550001",
        "line": "+15550100",
        "contact_id": None,
        "contact_name": None,
        "display_name": "+15550001",
        "started_at": "2025-03-03T15:01:00Z",
        "answered_at": "2025-03-03T15:01:02Z",
        "ended_at": "2025-03-03T15:01:32Z",
        "duration_s": 32.0,
        "talk_s": 30.0,
        "conversation_talk_s": None,
        "outcome": "completed",
        "hangup_cause": "16",
        "screening_decision": None,
        "screening_reason": None,
        "transcript": None,
        "voicemail_id": None,
        "legs": [],
        "events": [{"type": "turn", "heard": "sales"}],
    }


def test_each_owner_sees_only_the_calls_of_their_lines(
    client: TestClient, call_log: CallLog, alice: Owner, bob: Owner
) -> None:
    alice_ids = add_calls(call_log, 2, alice.smart_number) + add_calls(call_log, 1, "+15550199")
    bob_ids = add_calls(call_log, 2, bob.smart_number)
    nobody = add_calls(call_log, 1, "+15559999")
    assert {i["id"] for i in client.get("/calls", headers=alice.headers).json()["items"]} == set(alice_ids)
    assert {i["id"] for i in client.get("/calls", headers=bob.headers).json()["items"]} == set(bob_ids)
    for other in bob_ids + nobody:
        assert (
            assert_error(client.get(f"/calls/{other}", headers=alice.headers), 404)
            == f"call {other} not found"
        )
        assert_error(client.post(f"/calls/{other}/contact", headers=alice.headers, json={}), 404)


def test_contact_name_replaces_the_number(
    client: TestClient, call_log: CallLog, alice: Owner, bob: Owner
) -> None:
    place_call(call_log, "c1", "+12025550123", alice.smart_number)
    place_call(call_log, "c2", "+12025550123", bob.smart_number)
    made = client.post(
        "/contacts", headers=alice.headers, json={"name": "Jane Roe", "phone": "(202) 555-0123"}
    )
    assert made.status_code == 201
    [mine] = client.get("/calls", headers=alice.headers).json()["items"]
    assert (mine["display_name"], mine["contact_name"], mine["contact_id"]) == (
        "Jane Roe",
        "Jane Roe",
        made.json()["id"],
    )
    [theirs] = client.get("/calls", headers=bob.headers).json()["items"]
    assert (theirs["display_name"], theirs["contact_name"]) == ("+12025550123", None)


def test_filters_by_kind_dates_contact_and_text(client: TestClient, call_log: CallLog, alice: Owner) -> None:
    line = alice.smart_number
    answered = place_call(call_log, "a", "+12025550001", line, T0)
    missed = place_call(call_log, "m", "+12025550002", line, T0 + timedelta(days=1), talk_s=None)
    outbound = place_call(call_log, "o", line, "+12025550003", T0 + timedelta(days=2), direction="outbound")
    left = place_call(
        call_log, "v", "+12025550004", line, T0 + timedelta(days=3), talk_s=20, put_through=False
    )
    VoicemailStore(call_log._store).add(alice.id, left, "vm.wav", 12.0, "+12025550004")
    call_log.set_transcript("a", "About the hearing on Friday")
    contact = client.post(
        "/contacts", headers=alice.headers, json={"name": "Zed", "phone": "+12025550002"}
    ).json()

    def ids(**params: object) -> list[int]:
        response = client.get("/calls", headers=alice.headers, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [left, outbound, missed, answered]
    assert ids(kind="missed") == [missed]
    assert ids(kind=["inbound", "voicemail"]) == [left, answered]
    assert ids(kind="outbound") == [outbound]
    # Dates are the owner's local days (America/New_York): T0 is 10:00 on 3 March there.
    assert ids(since="2025-03-04", until="2025-03-05") == [outbound, missed]
    assert ids(until="2025-03-03") == [answered]
    assert ids(contact_id=contact["id"]) == [missed]
    assert ids(q="hearing") == [answered]
    assert ids(q="zed") == [missed]
    assert ids(q="555-0003") == [outbound]
    assert ids(q="%") == []
    [row] = client.get("/calls", headers=alice.headers, params={"kind": "outbound"}).json()["items"]
    assert (row["number"], row["line"]) == ("+12025550003", line)


def test_bad_filters_are_4xx_with_a_message(client: TestClient, alice: Owner, bob: Owner) -> None:
    h = alice.headers
    assert "until" in assert_error(
        client.get("/calls", headers=h, params={"since": "2025-03-05", "until": "2025-03-01"}), 422
    )
    assert assert_error(client.get("/calls", headers=h, params={"kind": "sideways"}), 422).startswith("kind")
    assert assert_error(client.get("/calls", headers=h, params={"since": "yesterday"}), 422).startswith(
        "since"
    )
    assert_error(client.get("/calls", headers=h, params={"since": "0001-01-01"}), 422)
    assert_error(client.get("/calls", headers=h, params={"q": "x" * 201}), 422)
    theirs = client.post("/contacts", headers=bob.headers, json={"name": "B", "phone": "+12025550009"}).json()
    assert_error(client.get("/calls", headers=h, params={"contact_id": theirs["id"]}), 404)


def test_legs_are_nested_and_fold_into_talk_time(client: TestClient, call_log: CallLog, alice: Owner) -> None:
    parent = place_call(call_log, "p", "+12025550001", alice.smart_number, talk_s=300, put_through=False)
    place_call(
        call_log,
        "leg-1",
        "+15550100",
        "+12025550111",
        T0 + timedelta(seconds=20),
        talk_s=None,
        direction="outbound",
        parent_id=parent,
    )
    leg = place_call(
        call_log,
        "leg-2",
        "+15550100",
        "+12025550112",
        T0 + timedelta(seconds=20),
        talk_s=240,
        direction="outbound",
        parent_id=parent,
    )
    [row] = client.get("/calls", headers=alice.headers).json()["items"]
    assert row["id"] == parent and row["kind"] == "inbound"
    assert [item["channel_id"] for item in row["legs"]] == ["leg-1", "leg-2"]
    assert row["talk_s"] == 300 and row["conversation_talk_s"] == 240
    assert client.get(f"/calls/{leg}", headers=alice.headers).json()["parent_id"] == parent


def test_paging_with_cursor_visits_every_call_once(
    client: TestClient, call_log: CallLog, alice: Owner
) -> None:
    ids = add_calls(call_log, 5)
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get("/calls", params=params, headers=alice.headers).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]


@pytest.mark.parametrize("limit", ["0", "201", "-5", "abc", "1.5", ""])
def test_out_of_range_limit_is_422_with_a_message(client: TestClient, alice: Owner, limit: str) -> None:
    detail = assert_error(client.get("/calls", params={"limit": limit}, headers=alice.headers), 422)
    assert detail.startswith("limit: ")


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "%%%", "x" * 5000, "WyJ4IiwxXQ"])
def test_bad_cursor_is_400(client: TestClient, alice: Owner, cursor: str) -> None:
    response = client.get("/calls", params={"cursor": cursor}, headers=alice.headers)
    assert "cursor" in assert_error(response, 400)
    assert response.json()["code"] == "bad-cursor"


def test_get_one_call(client: TestClient, call_log: CallLog, alice: Owner) -> None:
    [call_id] = add_calls(call_log, 1)
    body = client.get(f"/calls/{call_id}", headers=alice.headers).json()
    assert body["id"] == call_id
    assert body["events"] == [{"type": "turn", "heard": "sales"}]


@pytest.mark.parametrize("call_id", ["12345", "0", "-3", str(2**63 - 1)])
def test_missing_call_is_404_json(client: TestClient, alice: Owner, call_id: str) -> None:
    assert (
        assert_error(client.get(f"/calls/{call_id}", headers=alice.headers), 404)
        == f"call {call_id} not found"
    )


@pytest.mark.parametrize("call_id", ["abc", "1.5", str(2**63), "9" * 400])
def test_non_id_path_is_422(client: TestClient, alice: Owner, call_id: str) -> None:
    assert_error(client.get(f"/calls/{call_id}", headers=alice.headers), 422)


def test_add_to_contacts_from_a_row(client: TestClient, call_log: CallLog, alice: Owner) -> None:
    call_id = call_log.record_start("x", "inbound", "+12025550177", "ROE JANE ", alice.smart_number, T0)
    response = client.post(f"/calls/{call_id}/contact", headers=alice.headers)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/contacts/{response.json()['id']}"
    assert (response.json()["name"], response.json()["phone"]) == ("ROE JANE", "+12025550177")
    again = client.post(f"/calls/{call_id}/contact", headers=alice.headers, json={"name": "Jane"})
    assert "already in the phonebook" in assert_error(again, 409)
    assert client.get(f"/calls/{call_id}", headers=alice.headers).json()["display_name"] == "ROE JANE"
    unknown = call_log.record_start("y", "inbound", "anonymous", None, alice.smart_number, T0)
    assert_error(client.post(f"/calls/{unknown}/contact", headers=alice.headers), 409)
    assert_error(client.post(f"/calls/{call_id}/contact", headers=alice.headers, json={"bogus": 1}), 422)


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    assert_error(client.get("/nope"), 404)
    assert_error(client.post("/calls"), 405)


def test_unexpected_error_is_a_json_500(
    client: TestClient, alice: Owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(CallHistory, "page", explode)
    detail = assert_error(client.get("/calls", headers=alice.headers), 500)
    assert "boom" not in detail


def test_health_is_ok_when_db_and_ari_answer(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["db"]["ok"] and body["ari"] == {"ok": True, "detail": "ok"}


def test_health_without_ari_probe_is_degraded(settings: Settings, store: Store) -> None:
    with TestClient(create_app(settings, store=store)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["db"]["ok"] is True
    assert response.json()["ari"] == {"ok": False, "detail": "not configured"}


def test_health_reports_the_ari_failure(settings: Settings, store: Store) -> None:
    with TestClient(create_app(settings, store=store, ari_probe=ari_down)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["ari"] == {"ok": False, "detail": "connection refused by 127.0.0.1:8088"}


def test_health_gives_up_on_a_slow_ari(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def ari_slow() -> None:
        await asyncio.sleep(10)

    monkeypatch.setattr(api.app, "ARI_PROBE_TIMEOUT_S", 0.05)
    with TestClient(create_app(settings, store=store, ari_probe=ari_slow)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["ari"] == {"ok": False, "detail": "no answer within 0.05 s"}


def test_unreachable_database_is_503_everywhere(settings: Settings) -> None:
    down = open_store("postgresql+psycopg://user:secret@127.0.0.1:1/assistant")
    try:
        with TestClient(create_app(settings, store=down, ari_probe=ari_ok)) as client:
            health = client.get("/healthz")
            calls = client.get("/calls", headers={"Authorization": "Bearer some-token"})
            login = client.post("/auth/token", json={"email": "a@example.com", "password": "x" * 12})
    finally:
        down.close()
    assert health.status_code == 503
    assert health.json()["db"]["ok"] is False
    assert "secret" not in health.text
    for response in (calls, login):
        assert_error(response, 503)
        assert "secret" not in response.text


def test_app_opens_and_migrates_its_own_store(settings: Settings) -> None:
    with TestClient(create_app(settings, ari_probe=ari_ok)) as client:
        assert_error(client.get("/calls"), 401)
        assert client.get("/healthz").status_code == 200
    assert (settings.data_dir / "assistant.db").is_file()


def test_app_with_unwritable_data_dir_fails_with_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("")
    settings = Settings(_env_file=None, data_dir=tmp_path / "blocker" / "data", database_url=None)
    with pytest.raises(AssistantError) as caught:
        create_app(settings)
    assert caught.value.code == "db-unwritable"


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "Smart Number assistant API"
    assert {
        "/calls",
        "/calls/{call_id}",
        "/calls/export.csv",
        "/contacts",
        "/voicemails",
        "/settings",
        "/auth/token",
        "/healthz",
    } <= set(spec["paths"])
    assert not [path for path in spec["paths"] if path.startswith("/portal")]
    ok = spec["paths"]["/calls"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/CallPage"}
    assert "ErrorBody" in spec["components"]["schemas"]
    assert {"HTTPBearer", "APIKeyCookie"} <= set(spec["components"]["securitySchemes"])
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            assert operation.get("description") or operation.get("summary"), (method, path)
            if path != "/healthz" and path != "/auth/token":
                assert "401" in operation["responses"], (method, path)
    for name in ("CallPublic", "ContactIn", "ContactPublic", "SettingsDoc", "VoicemailPublic", "ErrorBody"):
        assert spec["components"]["schemas"][name].get("examples"), name


def test_owner_lines_decide_whose_call_it_is(store: Store, call_log: CallLog) -> None:
    alice = make_owner(
        store, "a@example.com", "+12025550100", assistant_line="+15550199", extra_lines=("+15550198",)
    )
    for n, line in enumerate(["+12025550100", "+15550199", "+15550198", "(202) 555-0100", "+15550000"]):
        call_log.record_start(f"c{n}", "inbound", "+12025550123", None, line, T0)
    owners = [call_log.get_by_channel(f"c{n}").owner_id for n in range(5)]
    assert owners == [alice.id, alice.id, alice.id, alice.id, None]
    call_log.record_start("out", "outbound", "+12025550100", None, "+12025550123", T0)
    assert call_log.get_by_channel("out").owner_id == alice.id
    call_log.record_start("forced", "inbound", "+1", None, "+15550000", T0, owner_id=alice.id)
    assert call_log.get_by_channel("forced").owner_id == alice.id
