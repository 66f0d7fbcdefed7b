"""Queues: who a queue call rings (pure rules), the queues and presence kept in the database, and the
``/queues`` API (a member changes only their own presence, one queue at a time)."""

from __future__ import annotations

import pytest
from api_fixtures import Owner, alice, assert_error, bob, client, portal_login, settings, store
from fastapi.testclient import TestClient

from assistant.domain.queues import Member, check_name, check_ring_s, queue_ring, when_nobody_takes
from assistant.domain.routing import Route
from assistant.errors import AssistantError
from assistant.store.db import Store
from assistant.store.queues import Queues

MOBILE_A = Route("PJSIP/+15557770001@pstn", "mobile")
DESK_A = Route("PJSIP/101", "extension 101")
MOBILE_B = Route("PJSIP/+15557770002@pstn", "mobile")
FRONT_DESK = "+15550300"
BILLING = "+15550301"


def test_present_members_ring_together_and_each_route_names_its_member() -> None:
    ring = queue_ring([Member(1, True, routes=(MOBILE_A, DESK_A)), Member(2, True, routes=(MOBILE_B,))])
    assert [route.target for route in ring.routes] == [MOBILE_A.target, DESK_A.target, MOBILE_B.target]
    assert [ring.member_of[route.label] for route in ring.routes] == [1, 1, 2]
    assert len({route.label for route in ring.routes}) == 3


def test_a_member_whose_presence_is_off_is_not_rung() -> None:
    ring = queue_ring([Member(1, False, routes=(MOBILE_A,)), Member(2, True, routes=(MOBILE_B,))])
    assert [route.target for route in ring.routes] == [MOBILE_B.target]
    assert set(ring.member_of.values()) == {2}


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ([], "no member present"),
        ([Member(1, False, routes=(MOBILE_A,))], "no member present"),
        ([Member(1, True, do_not_disturb=True, routes=(MOBILE_A,))], "present members on do not disturb"),
        ([Member(1, True, routes=())], "no present member can ring"),
    ],
)
def test_nobody_to_ring(members: list[Member], reason: str) -> None:
    ring = queue_ring(members)
    assert ring.nobody and ring.reason == reason


def test_a_shared_device_rings_once_for_the_first_member_and_each_member_rings_at_most_three() -> None:
    many = tuple(Route(f"PJSIP/10{i}", f"extension 10{i}") for i in range(5))
    ring = queue_ring([Member(1, True, routes=many), Member(2, True, routes=(many[0], MOBILE_B))])
    assert [route.target for route in ring.routes] == [r.target for r in many[:3]] + [MOBILE_B.target]
    assert ring.member_of[ring.routes[0].label] == 1


def test_nobody_taking_the_call_leaves_a_message_only_where_the_queue_has_a_mailbox() -> None:
    assert when_nobody_takes(7) == "voicemail"
    assert when_nobody_takes(None) == "goodbye"


def test_ring_time_and_name_are_checked() -> None:
    assert check_ring_s(30) == 30
    with pytest.raises(ValueError):
        check_ring_s(4)
    with pytest.raises(ValueError):
        check_ring_s(121)
    assert check_name("  Front   desk ") == "Front desk"
    with pytest.raises(ValueError):
        check_name("   ")


def test_store_keeps_members_and_presence_per_queue(store: Store, alice: Owner, bob: Owner) -> None:
    queues = Queues(store)
    front = queues.create("+1 555 0300", "Front desk", mailbox_email=alice.email)
    billing = queues.create(BILLING, "Billing", ring_s=20)
    assert (front.number, front.mailbox_owner_id, billing.mailbox_owner_id) == (FRONT_DESK, alice.id, None)
    for number in (FRONT_DESK, BILLING):
        queues.add_member(number, alice.email)
    queues.add_member(FRONT_DESK, bob.email)
    queues.add_member(FRONT_DESK, bob.email)  # again: still one membership

    assert queues.set_presence(alice.id, front.id, False).present is False
    assert queues.by_number(FRONT_DESK).members == ((alice.id, False), (bob.id, True))
    assert queues.by_number(BILLING).members == ((alice.id, True),)  # the other queue is unaffected
    assert queues.set_presence(bob.id, billing.id, False) is None  # not a member there
    assert queues.by_number(BILLING).members == ((alice.id, True),)
    assert [(m.number, m.present) for m in queues.memberships(alice.id)] == [
        (FRONT_DESK, False),
        (BILLING, True),
    ]
    assert queues.remove_member(FRONT_DESK, bob.email) and not queues.remove_member(FRONT_DESK, bob.email)
    assert queues.by_number("+15550399") is None


@pytest.mark.parametrize(
    ("number", "name", "ring_s", "mailbox", "code"),
    [
        ("not a number", "Desk", 30, None, "bad-queue"),
        (FRONT_DESK, "", 30, None, "bad-queue"),
        (FRONT_DESK, "Desk", 500, None, "bad-queue"),
        (FRONT_DESK, "Desk", 30, "nobody@example.com", "not-found"),
    ],
)
def test_store_refuses_a_bad_queue(
    store: Store, number: str, name: str, ring_s: int, mailbox, code: str
) -> None:
    with pytest.raises(AssistantError) as refused:
        Queues(store).create(number, name, ring_s=ring_s, mailbox_email=mailbox)
    assert refused.value.code == code


def test_store_refuses_a_second_queue_on_a_number_and_unknown_members(store: Store, alice: Owner) -> None:
    queues = Queues(store)
    queues.create(FRONT_DESK, "Front desk")
    with pytest.raises(AssistantError) as taken:
        queues.create(FRONT_DESK, "Again")
    assert taken.value.code == "exists"
    for number, email in ((FRONT_DESK, "nobody@example.com"), (BILLING, alice.email)):
        with pytest.raises(AssistantError) as unknown:
            queues.add_member(number, email)
        assert unknown.value.code == "not-found"


@pytest.fixture
def two_queues(store: Store, alice: Owner, bob: Owner) -> tuple[int, int]:
    queues = Queues(store)
    front = queues.create(FRONT_DESK, "Front desk", mailbox_email=alice.email)
    billing = queues.create(BILLING, "Billing")
    queues.add_member(FRONT_DESK, alice.email)
    queues.add_member(BILLING, alice.email)
    queues.add_member(FRONT_DESK, bob.email)
    return front.id, billing.id


def test_api_lists_my_queues_and_turns_my_presence_off_in_one(
    client: TestClient, alice: Owner, bob: Owner, two_queues: tuple[int, int]
) -> None:
    front, billing = two_queues
    listed = client.get("/queues", headers=alice.headers).json()["items"]
    assert [(q["id"], q["name"], q["present"]) for q in listed] == [
        (front, "Front desk", True),
        (billing, "Billing", True),
    ]

    reply = client.put(f"/queues/{front}/presence", json={"present": False}, headers=alice.headers)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"id": front, "number": FRONT_DESK, "name": "Front desk", "present": False}
    mine = {q["id"]: q["present"] for q in client.get("/queues", headers=alice.headers).json()["items"]}
    assert mine == {front: False, billing: True}
    # Bob's presence in the same queue is his own.
    assert [q["present"] for q in client.get("/queues", headers=bob.headers).json()["items"]] == [True]


def test_api_one_member_cannot_change_presence_in_a_queue_that_is_not_theirs(
    client: TestClient, bob: Owner, two_queues: tuple[int, int], store: Store, alice: Owner
) -> None:
    _front, billing = two_queues
    message = assert_error(
        client.put(f"/queues/{billing}/presence", json={"present": False}, headers=bob.headers), 404
    )
    assert "not a member" in message
    assert Queues(store).by_number(BILLING).members == ((alice.id, True),)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/queues/1/presence", {"present": "yes"}, 422),
        ("/queues/1/presence", {"present": 1}, 422),
        ("/queues/1/presence", {}, 422),
        ("/queues/1/presence", {"present": True, "user_id": 2}, 422),
        ("/queues/0/presence", {"present": True}, 422),
        ("/queues/abc/presence", {"present": True}, 422),
        ("/queues/99999999999999999999/presence", {"present": True}, 422),
        ("/queues/999/presence", {"present": True}, 404),
    ],
)
def test_api_malformed_presence_changes_are_4xx_with_a_message(
    client: TestClient, alice: Owner, two_queues: tuple[int, int], path: str, body: dict, status: int
) -> None:
    assert_error(client.put(path, json=body, headers=alice.headers), status)


def test_api_body_that_is_not_json_and_no_login_are_refused(
    client: TestClient, two_queues: tuple[int, int], alice: Owner
) -> None:
    front, _ = two_queues
    assert_error(
        client.put(
            f"/queues/{front}/presence",
            content=b"{",
            headers={**alice.headers, "content-type": "application/json"},
        ),
        422,
    )
    assert_error(client.put(f"/queues/{front}/presence", json={"present": False}), 401)
    assert_error(client.get("/queues"), 401)


def test_portal_page_shows_a_switch_per_queue_and_its_form_saves_without_scripts(
    client: TestClient, alice: Owner, two_queues: tuple[int, int], store: Store
) -> None:
    front, billing = two_queues
    token = portal_login(client, alice.email)
    page = client.get("/portal/queues").text
    assert page.count('role="switch"') == 2 and "Front desk" in page and "Billing" in page
    assert page.count("checked") == 2

    saved = client.post(
        f"/portal/queues/{front}/presence", data={"csrf_token": token}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert [m.present for m in Queues(store).memberships(alice.id)] == [False, True]
    client.post(f"/portal/queues/{front}/presence", data={"csrf_token": token, "present": "on"})
    assert [m.present for m in Queues(store).memberships(alice.id)] == [True, True]
    forged = client.post(f"/portal/queues/{billing}/presence", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert client.post("/portal/queues/999/presence", data={"csrf_token": token}).status_code == 404
    assert [m.present for m in Queues(store).memberships(alice.id)] == [True, True]


def test_portal_page_of_an_account_in_no_queue(client: TestClient, bob: Owner) -> None:
    portal_login(client, bob.email)
    assert 'id="no-queues"' in client.get("/portal/queues").text
