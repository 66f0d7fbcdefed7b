"""The virtualization API: secret codes of the owner's own extensions, where they ring, returning one
to its own phone from the portal; bad input is a 4xx with a message."""

from __future__ import annotations

import pytest
from api_fixtures import Owner, alice, assert_error, bob, client, settings, store  # noqa: F401
from fastapi.testclient import TestClient

from assistant.store.db import Store
from assistant.store.virtualization import Virtualizations


@pytest.fixture
def desk(client: TestClient, alice: Owner) -> Owner:  # noqa: F811
    reply = client.patch("/settings", json={"extensions": ["101"]}, headers=alice.headers)
    assert reply.status_code == 200, reply.text
    return alice


def test_the_owner_sets_a_code_and_sees_where_the_extension_rings(
    client: TestClient,
    desk: Owner,
    store: Store,  # noqa: F811
) -> None:
    before = client.get("/virtualization", headers=desk.headers).json()
    assert before["extensions"] == [
        {"extension": "101", "has_code": False, "virtualized_on": None, "since": None}
    ]

    reply = client.put("/virtualization/101/code", json={"code": "4711"}, headers=desk.headers)

    assert reply.status_code == 200, reply.text
    assert reply.json()["extensions"][0]["has_code"] is True
    assert Virtualizations(store).try_code("101", "4711").ok
    assert "4711" not in reply.text


def test_return_to_my_desk_phone_from_the_portal(client: TestClient, desk: Owner, store: Store) -> None:  # noqa: F811
    client.put("/virtualization/101/code", json={"code": "4711"}, headers=desk.headers)
    Virtualizations(store).virtualize("101", "202", "phone 202")
    on_base = client.get("/virtualization", headers=desk.headers).json()
    assert on_base["extensions"][0]["virtualized_on"] == "202" and on_base["extensions"][0]["since"]

    reply = client.post("/virtualization/101/return", headers=desk.headers)

    assert reply.status_code == 200, reply.text
    assert reply.json()["extensions"][0]["virtualized_on"] is None
    assert [(e["event"], e["base"], e["by"]) for e in reply.json()["events"]][:2] == [
        ("returned", "202", "portal"),
        ("virtualized", "202", "phone 202"),
    ]
    assert "already" in assert_error(client.post("/virtualization/101/return", headers=desk.headers), 409)


@pytest.mark.parametrize(
    "body", [{"code": "123"}, {"code": "123456789"}, {"code": "12ab"}, {"code": 4711}, {}]
)
def test_a_code_that_is_not_4_to_8_digits_is_a_422(client: TestClient, desk: Owner, body: dict) -> None:
    assert_error(client.put("/virtualization/101/code", json=body, headers=desk.headers), 422)


def test_a_body_that_is_not_json_is_a_4xx(client: TestClient, desk: Owner) -> None:
    reply = client.put(
        "/virtualization/101/code",
        content=b"{not json",
        headers={**desk.headers, "Content-Type": "application/json"},
    )
    assert 400 <= reply.status_code < 500, reply.text


def test_someone_elses_or_no_extension_is_a_404(client: TestClient, desk: Owner, bob: Owner) -> None:  # noqa: F811
    assert_error(client.put("/virtualization/101/code", json={"code": "4711"}, headers=bob.headers), 404)
    assert_error(client.put("/virtualization/999/code", json={"code": "4711"}, headers=desk.headers), 404)
    assert_error(client.post("/virtualization/101/return", headers=bob.headers), 404)
    assert_error(client.delete("/virtualization/101/code", headers=desk.headers), 404)  # no code yet
    assert_error(client.put("/virtualization/1x1/code", json={"code": "4711"}, headers=desk.headers), 422)


def test_removing_the_code_returns_the_extension(client: TestClient, desk: Owner, store: Store) -> None:  # noqa: F811
    client.put("/virtualization/101/code", json={"code": "4711"}, headers=desk.headers)
    Virtualizations(store).virtualize("101", "202", "phone 202")

    assert client.delete("/virtualization/101/code", headers=desk.headers).status_code == 204

    assert Virtualizations(store).placements() == {}
    assert client.get("/virtualization", headers=desk.headers).json()["extensions"][0]["has_code"] is False


def test_without_a_token_it_is_a_401(client: TestClient) -> None:
    assert_error(client.get("/virtualization"), 401)
