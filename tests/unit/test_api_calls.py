"""The HTTP API against a real SQLite file: listing and fetching calls, health, and error bodies."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

import api.app
from api import create_app
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.store.calls import CallLog
from assistant.store.db import Store, open_store

T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


async def ari_ok() -> None:
    return None


async def ari_down() -> None:
    raise ConnectionRefusedError("connection refused by 127.0.0.1:8088")


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


def add_calls(log: CallLog, count: int) -> list[int]:
    ids = []
    for i in range(count):
        channel = f"chan-{i}"
        ids.append(
            log.record_start(channel, "inbound", f"+1555000{i}", None, "+15550100", T0 + timedelta(minutes=i))
        )
        log.record_answer(channel, T0 + timedelta(minutes=i, seconds=2))
        log.add_event(channel, {"type": "turn", "heard": "sales"})
        log.record_end(channel, T0 + timedelta(minutes=i, seconds=32), "completed", "16")
    return ids


def assert_error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


def test_empty_call_list(client: TestClient) -> None:
    response = client.get("/calls")
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


def test_call_list_shows_public_fields_newest_first(client: TestClient, call_log: CallLog) -> None:
    ids = add_calls(call_log, 2)
    body = client.get("/calls").json()
    assert [item["id"] for item in body["items"]] == ids[::-1]
    newest = body["items"][0]
    assert newest == {
        "id": ids[1],
        "channel_id": "chan-1",
        "direction": "inbound",
        "caller_number": "+15550001",
        "caller_name": None,
        "called_line": "+15550100",
        "started_at": "2025-03-01T12:01:00Z",
        "answered_at": "2025-03-01T12:01:02Z",
        "ended_at": "2025-03-01T12:01:32Z",
        "duration_s": 32.0,
        "talk_s": 30.0,
        "outcome": "completed",
        "hangup_cause": "16",
        "events": [{"type": "turn", "heard": "sales"}],
    }


def test_paging_with_cursor_visits_every_call_once(client: TestClient, call_log: CallLog) -> None:
    ids = add_calls(call_log, 5)
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get("/calls", params=params).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]


@pytest.mark.parametrize("limit", ["0", "201", "-5", "abc", "1.5", ""])
def test_out_of_range_limit_is_422_with_a_message(client: TestClient, limit: str) -> None:
    detail = assert_error(client.get("/calls", params={"limit": limit}), 422)
    assert detail.startswith("limit: ")


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "%%%", "x" * 5000, "WyJ4IiwxXQ"])
def test_bad_cursor_is_400(client: TestClient, cursor: str) -> None:
    response = client.get("/calls", params={"cursor": cursor})
    assert "cursor" in assert_error(response, 400)
    assert response.json()["code"] == "bad-cursor"


def test_get_one_call(client: TestClient, call_log: CallLog) -> None:
    [call_id] = add_calls(call_log, 1)
    body = client.get(f"/calls/{call_id}").json()
    assert body["id"] == call_id
    assert body["events"] == [{"type": "turn", "heard": "sales"}]


@pytest.mark.parametrize("call_id", ["12345", "0", "-3", str(2**63 - 1)])
def test_missing_call_is_404_json(client: TestClient, call_id: str) -> None:
    assert assert_error(client.get(f"/calls/{call_id}"), 404) == f"call {call_id} not found"


@pytest.mark.parametrize("call_id", ["abc", "1.5", str(2**63), "9" * 400])
def test_non_id_path_is_422(client: TestClient, call_id: str) -> None:
    assert_error(client.get(f"/calls/{call_id}"), 422)


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    assert_error(client.get("/nope"), 404)
    assert_error(client.post("/calls"), 405)


def test_unexpected_error_is_a_json_500(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(CallLog, "list_calls", explode)
    detail = assert_error(client.get("/calls"), 500)
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
            calls = client.get("/calls")
    finally:
        down.close()
    assert health.status_code == 503
    assert health.json()["db"]["ok"] is False
    assert "secret" not in health.text
    assert_error(calls, 503)
    assert "secret" not in calls.text


def test_app_opens_and_migrates_its_own_store(settings: Settings) -> None:
    with TestClient(create_app(settings, ari_probe=ari_ok)) as client:
        assert client.get("/calls").json() == {"items": [], "next_cursor": None}
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
    assert set(spec["paths"]) == {"/calls", "/calls/{call_id}", "/healthz"}
    ok = spec["paths"]["/calls"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/CallPage"}
    assert "ErrorBody" in spec["components"]["schemas"]
