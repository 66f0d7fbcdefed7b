"""The portal's desk phones page without a browser: where the owner's extension rings, its secret
code (errors shown by the field), and "Return to my desk phone"; forms need the CSRF token."""

from __future__ import annotations

import re

import pytest
from api_fixtures import Owner, alice, client, portal_login, settings, store  # noqa: F401
from fastapi.testclient import TestClient

from assistant.store.db import Store
from assistant.store.virtualization import Virtualizations


@pytest.fixture
def portal(client: TestClient, alice: Owner) -> TestClient:  # noqa: F811
    assert client.patch("/settings", json={"extensions": ["101"]}, headers=alice.headers).status_code == 200
    portal_login(client, alice.email)
    return client


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_owner_sets_a_code_and_returns_the_extension_to_the_desk_phone(
    portal: TestClient,
    store: Store,  # noqa: F811
) -> None:
    page = portal.get("/portal/desk")
    assert page.status_code == 200 and "Extension 101" in page.text and "On its own phone" in page.text
    for field in re.findall(r'<input id="([^"]+)"', page.text):
        assert f'for="{field}"' in page.text, f"input {field} has no label"

    bad = portal.post("/portal/desk/101/code", data={"code": "12", "csrf_token": csrf(page.text)})
    assert bad.status_code == 422 and 'id="code-101-error"' in bad.text and "4 to 8 digits" in bad.text
    saved = portal.post("/portal/desk/101/code", data={"code": "4711", "csrf_token": csrf(page.text)})
    assert saved.status_code == 200 and "secret code is saved" in saved.text
    assert Virtualizations(store).try_code("101", "4711").ok

    Virtualizations(store).virtualize("101", "202", "phone 202")
    on_base = portal.get("/portal/desk")
    assert (
        "ringing on the phone of extension 202" in on_base.text and "Return to my desk phone" in on_base.text
    )

    back = portal.post("/portal/desk/101/return", data={"csrf_token": csrf(on_base.text)})

    assert back.status_code == 200 and "back on your desk phone" in back.text
    assert Virtualizations(store).placements() == {}
    assert "extension 101 returned (phone 202) · portal" in back.text


def test_without_the_csrf_token_nothing_changes(portal: TestClient, store: Store) -> None:  # noqa: F811
    places = Virtualizations(store)
    portal.post(
        "/portal/desk/101/code", data={"code": "4711", "csrf_token": csrf(portal.get("/portal/desk").text)}
    )
    places.virtualize("101", "202", "phone 202")

    reply = portal.post("/portal/desk/101/return", data={})

    assert reply.status_code == 403
    assert places.placements() == {"101": "202"}


def test_another_extension_is_a_404(portal: TestClient) -> None:
    token = csrf(portal.get("/portal/desk").text)
    assert portal.post("/portal/desk/555/return", data={"csrf_token": token}).status_code == 404
