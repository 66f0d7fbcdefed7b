"""The settings API: defaults, changes validated field by field (a 422 names the field), numbers in
E.164, lines unique across owners (and deciding whose calls are whose), and each owner's own settings."""

from __future__ import annotations

import pytest
from api_fixtures import (
    T0,
    Owner,
    alice,
    assert_error,
    assert_settings_change_refused,
    bob,
    call_log,
    client,
    settings,
    store,
)
from fastapi.testclient import TestClient

from assistant.store.calls import CallLog
from assistant.store.db import Store
from assistant.store.owners import OwnerDirectory


def test_defaults(client: TestClient, alice: Owner) -> None:
    body = client.get("/settings", headers=alice.headers).json()
    assert body["smart_number"] == "+15550100" and body["assistant_line"] == "+15550199"
    assert body["ring_timeout_s"] == 28 and body["screening"] is True and body["do_not_disturb"] is False
    assert body["billing_increment_h"] == "0.1" and body["billing_rounding"] == "up"
    assert body["billing_minimum_units"] == 1 and body["default_activity_code"] == "A106"
    assert body["time_zone"] == "America/New_York" and body["default_country"] == "US"
    assert body["voicemail_max_s"] == 180 and body["voicemail_min_s"] == 2
    assert body["notification_emails"] == ["alice@example.com"]
    assert (
        body["importance_words"][:3] == ["urgent", "emergency", "important"]
        and "subpoena" in body["importance_words"]
    )


def test_change_and_read_back(client: TestClient, alice: Owner, store: Store) -> None:
    change = {
        "mobile": "(202) 555-0111",
        "extensions": ["101", "102"],
        "vip_numbers": ["202-555-0123"],
        "blocked_numbers": ["+12025550666"],
        "do_not_disturb": True,
        "ring_timeout_s": 20,
        "greeting_text": "You reached Alex.\nLeave a message.",
        "notification_emails": ["Alex@Example.com", "desk@example.com"],
        "importance_words": ["Urgent", "trial"],
        "billing_increment_h": "0.25",
        "billing_rounding": "nearest",
        "billing_minimum_units": 0,
        "default_hourly_rate": 300,
        "default_activity_code": "a108",
        "timekeeper_id": "AM",
        "time_zone": "Europe/London",
        "default_caller_id": "+12025550111",  # the mobile: one of the owner's numbers
        "voicemail_min_s": 5,
        "voicemail_max_s": 120,
    }
    response = client.patch("/settings", headers=alice.headers, json=change)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["mobile"] == "+12025550111" and body["vip_numbers"] == ["+12025550123"]
    assert body["notification_emails"] == ["alex@example.com", "desk@example.com"]
    assert body["importance_words"] == ["urgent", "trial"] and body["billing_increment_h"] == "0.25"
    assert body["default_hourly_rate"] == "300.00" and body["default_activity_code"] == "A108"
    assert client.get("/settings", headers=alice.headers).json() == body
    view = OwnerDirectory(store).owner_for_line("+15550100")
    assert view is not None and view.owner_id == alice.id and view.do_not_disturb
    assert view.caller_id == "+12025550111" and view.extensions == ("101", "102")
    assert str(view.billing_rule.increment_h) == "0.25"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ring_timeout_s": 2}, "ring_timeout_s"),
        ({"ring_timeout_s": "soon"}, "ring_timeout_s"),
        ({"time_zone": "Mars/Base"}, "time_zone"),
        ({"mobile": "call me"}, "mobile"),
        ({"vip_numbers": ["+12025550123", "x"]}, "vip_numbers"),
        ({"extensions": ["1a"]}, "extensions"),
        ({"notification_emails": ["not-an-email"]}, "notification_emails"),
        ({"billing_increment_h": 0}, "billing_increment_h"),
        ({"billing_increment_h": "lots"}, "billing_increment_h"),
        ({"billing_rounding": "sideways"}, "billing_rounding"),
        ({"billing_minimum_units": -1}, "billing_minimum_units"),
        ({"default_hourly_rate": -3}, "default_hourly_rate"),
        ({"default_activity_code": "phone"}, "default_activity_code"),
        ({"default_country": "ZZ"}, "default_country"),
        ({"timekeeper_id": "has spaces"}, "timekeeper_id"),
        ({"voicemail_min_s": 30, "voicemail_max_s": 20}, "voicemail_max_s"),
        ({"owner_name": ""}, "owner_name"),
        ({"importance_words": [""]}, "importance_words"),
        ({"greeting_text": "x" * 1001}, "greeting_text"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"screening": "perhaps"}, "screening"),
        ({"default_caller_id": "+12025550999"}, "default_caller_id"),
        ({"default_caller_id": "not a number"}, "default_caller_id"),
        ({"local_numbers": ["+12125550142", "+12125550143"]}, "local_numbers"),
        ({"local_numbers": ["+15550"]}, "local_numbers"),
        ({"local_id": "sometimes"}, "local_id"),
        ({"show_caller_id": "maybe"}, "show_caller_id"),
        ({"forward_caller_id": "mobile"}, "forward_caller_id"),
        ({"ring_strategy": "random"}, "ring_strategy"),
        ({"no_answer_action": "ring again"}, "no_answer_action"),
        ({"call_waiting": "sometimes"}, "call_waiting"),
        ({"no_answer_action": "forward"}, "no_answer_forward_to"),
        ({"no_answer_action": "forward", "no_answer_forward_to": "later"}, "no_answer_forward_to"),
        ({"no_answer_action": "forward", "no_answer_forward_to": "+15550100"}, "no_answer_forward_to"),
        ({"ring_seconds": {"mobile": 4}}, "ring_seconds"),
        ({"ring_seconds": {"mobile": 61}}, "ring_seconds"),
        ({"ring_seconds": {"mobile": "long"}}, "ring_seconds"),
        ({"ring_seconds": [20]}, "ring_seconds"),
        ({"mobile": "+12025550111", "ring_seconds": {"101": 20}}, "ring_seconds"),
        ({"mobile": "+12025550111", "extensions": ["101", "102", "103"]}, "extensions"),
    ],
)
def test_wrong_values_are_422_naming_the_field(
    client: TestClient, alice: Owner, change: dict, field: str
) -> None:
    assert_settings_change_refused(client, alice, change, field)


def test_lines_belong_to_one_owner(client: TestClient, alice: Owner, bob: Owner, call_log: CallLog) -> None:
    taken = client.patch("/settings", headers=bob.headers, json={"extra_lines": ["+15550199"]})
    assert "another account" in assert_error(taken, 409)
    assert_error(client.patch("/settings", headers=bob.headers, json={"smart_number": "+15550100"}), 409)
    moved = client.patch(
        "/settings", headers=alice.headers, json={"smart_number": "+15550300", "extra_lines": ["+15550301"]}
    )
    assert moved.status_code == 200
    assert (
        client.patch("/settings", headers=bob.headers, json={"assistant_line": "+15550100"}).status_code
        == 200
    )
    for n, line in enumerate(("+15550300", "+15550301", "+15550100", "+15550199")):
        call_log.record_start(f"c{n}", "inbound", "+12025550123", None, line, T0)
    mine = {row["called_line"] for row in client.get("/calls", headers=alice.headers).json()["items"]}
    theirs = {row["called_line"] for row in client.get("/calls", headers=bob.headers).json()["items"]}
    assert mine == {"+15550300", "+15550301", "+15550199"} and theirs == {"+15550100"}


def test_each_owner_has_their_own_settings(client: TestClient, alice: Owner, bob: Owner) -> None:
    client.patch("/settings", headers=alice.headers, json={"do_not_disturb": True})
    assert client.get("/settings", headers=bob.headers).json()["do_not_disturb"] is False
    assert_error(client.get("/settings"), 401)
    assert_error(client.patch("/settings", headers=alice.headers, content=b"[]"), 422)


def test_caller_id_is_one_of_the_owners_numbers(client: TestClient, alice: Owner, store: Store) -> None:
    h = alice.headers
    stranger = client.patch("/settings", headers=h, json={"default_caller_id": "+12025550999"})
    assert "not one of your numbers" in assert_error(stranger, 422)
    for owned in ({"extra_lines": ["+12025550150"]}, {"registered_phones": ["+12025550151"]}):
        number = next(iter(owned.values()))[0]
        response = client.patch("/settings", headers=h, json={**owned, "default_caller_id": number})
        assert response.status_code == 200, response.text
        assert response.json()["default_caller_id"] == number
    smart = client.patch("/settings", headers=h, json={"default_caller_id": "+15550100"})
    assert smart.json()["default_caller_id"] == "+15550100"
    # Giving up the line shown as caller ID is refused while it is the caller ID.
    dropped = client.patch(
        "/settings", headers=h, json={"default_caller_id": "+12025550150", "extra_lines": []}
    )
    assert "default_caller_id" in assert_error(dropped, 422)


def test_local_id_settings(client: TestClient, alice: Owner, bob: Owner, store: Store) -> None:
    h = alice.headers
    response = client.patch(
        "/settings",
        headers=h,
        json={
            "local_numbers": ["(212) 555-0142", "+13105550143"],
            "local_id": True,
            "default_caller_id": "+13105550143",  # a local number is the owner's too
            "forward_caller_id": "smart_number",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["local_numbers"] == ["+12125550142", "+13105550143"] and body["local_id"] is True
    assert body["show_caller_id"] is True and body["forward_caller_id"] == "smart_number"
    view = OwnerDirectory(store).owner_for_line("+12125550142")  # a local number is one of the lines
    assert (
        view is not None and view.owner_id == alice.id and list(view.local_numbers) == body["local_numbers"]
    )
    taken = client.patch("/settings", headers=bob.headers, json={"local_numbers": ["+12125550142"]})
    assert "another account" in assert_error(taken, 409)
    same_area = client.patch("/settings", headers=h, json={"local_numbers": ["+12125550142", "+12125550199"]})
    assert "area code +1 212" in assert_error(same_area, 422)


def test_ring_strategy_and_each_devices_seconds(client: TestClient, alice: Owner, store: Store) -> None:
    h = alice.headers
    assert client.get("/settings", headers=h).json()["ring_strategy"] == "together"
    change = {
        "mobile": "+12025550111",
        "extensions": ["102", "101"],
        "ring_strategy": "priority",
        "ring_seconds": {"101": 15, "mobile": 10},
    }
    response = client.patch("/settings", headers=h, json=change)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ring_strategy"] == "priority"
    assert list(body["ring_seconds"].items()) == [("mobile", 10), ("101", 15)]  # in priority order
    view = OwnerDirectory(store).owner_for_line("+15550100")
    assert (
        view is not None
        and view.ring_strategy == "priority"
        and view.ring_seconds == {"mobile": 10, "101": 15}
    )
    # Dropping an extension drops its seconds; the other devices keep theirs.
    dropped = client.patch("/settings", headers=h, json={"extensions": ["102"]})
    assert dropped.status_code == 200, dropped.text
    assert dropped.json()["ring_seconds"] == {"mobile": 10}


def test_too_many_devices_and_wrong_seconds_say_what_to_fix(client: TestClient, alice: Owner) -> None:
    h = alice.headers
    too_many = client.patch(
        "/settings", headers=h, json={"mobile": "+12025550111", "extensions": ["101", "102", "103"]}
    )
    assert "at most 3 devices" in assert_error(too_many, 422)
    unknown = client.patch("/settings", headers=h, json={"extensions": ["101"], "ring_seconds": {"109": 20}})
    message = assert_error(unknown, 422)
    assert "'109' is not one of your ring devices" in message and "'101'" in message
    short = client.patch("/settings", headers=h, json={"extensions": ["101"], "ring_seconds": {"101": 3}})
    assert "ring_seconds" in assert_error(short, 422) and "5" in short.json()["detail"]


def test_no_answer_action_and_the_number_to_forward_to(
    client: TestClient, alice: Owner, store: Store
) -> None:
    h = alice.headers
    body = client.get("/settings", headers=h).json()
    assert (body["no_answer_action"], body["no_answer_forward_to"]) == ("voicemail", None)
    change = {"no_answer_action": "forward", "no_answer_forward_to": "(202) 555-0188"}
    response = client.patch("/settings", headers=h, json=change)
    assert response.status_code == 200, response.text
    assert response.json()["no_answer_forward_to"] == "+12025550188"
    view = OwnerDirectory(store).owner_for_line("+15550100")
    assert view is not None and (view.no_answer_action, view.no_answer_forward_to) == (
        "forward",
        "+12025550188",
    )
    loop = client.patch("/settings", headers=h, json={"no_answer_forward_to": "+15550199"})
    assert "one of your assistant's own lines" in assert_error(loop, 422)
    missing = client.patch("/settings", headers=h, json={"no_answer_forward_to": None})
    assert "forwarding needs a number" in assert_error(missing, 422)
    notice = client.patch(
        "/settings", headers=h, json={"no_answer_action": "notice", "no_answer_forward_to": None}
    )
    assert notice.status_code == 200 and notice.json()["no_answer_action"] == "notice"


def test_call_waiting_is_on_until_the_owner_turns_it_off(
    client: TestClient, alice: Owner, store: Store
) -> None:
    assert client.get("/settings", headers=alice.headers).json()["call_waiting"] is True
    response = client.patch("/settings", headers=alice.headers, json={"call_waiting": False})
    assert response.status_code == 200 and response.json()["call_waiting"] is False
    view = OwnerDirectory(store).owner_for_line("+15550100")
    assert view is not None and view.call_waiting is False
