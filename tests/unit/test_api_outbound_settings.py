"""The outbound settings through the API: the monthly limit and this month's use, the passcode
(write-only) and the destinations that need it; wrong values are 422s naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from api_fixtures import (
    Owner,
    alice,
    assert_error,
    assert_settings_change_refused,
    bob,
    call_log,
    client,
    place_call,
    portal_login,
    settings,
    settings_form,
    store,
)
from fastapi.testclient import TestClient

from assistant.domain.credentials import verify_password
from assistant.domain.outbound_rules import month_bounds
from assistant.store.calls import CallLog
from assistant.store.db import Store
from assistant.store.owners import OwnerDirectory


def test_unlimited_without_passcode_by_default(client: TestClient, alice: Owner) -> None:
    body = client.get("/settings", headers=alice.headers).json()
    assert body["monthly_limit_minutes"] is None and body["passcode_destinations"] == []
    assert body["outbound_passcode_set"] is False and "outbound_passcode" not in body
    usage = client.get("/settings/usage", headers=alice.headers).json()
    assert usage["monthly_limit_minutes"] is None and usage["remaining_s"] is None and usage["used_s"] == 0


def test_usage_counts_this_months_calls_out_only(
    client: TestClient, alice: Owner, bob: Owner, call_log: CallLog
) -> None:
    now = datetime.now(UTC)
    month_start, _ = month_bounds(now, "America/New_York")
    at = max(month_start + timedelta(seconds=1), now - timedelta(minutes=10))
    out = {"direction": "outbound", "owner_id": alice.id}
    place_call(call_log, "out-1", "+15550100", "+12025550123", at, talk_s=90, ring_s=0, **out)
    place_call(call_log, "out-2", "+15550100", "+12025550124", at, talk_s=30, ring_s=0, **out)
    place_call(
        call_log, "old", "+15550100", "+12025550125", month_start - timedelta(hours=1), talk_s=500, **out
    )
    place_call(call_log, "in-1", "+12025550126", "+15550100", at, talk_s=400)  # taken by the owner: inbound
    place_call(
        call_log, "bob", "+15550200", "+12025550127", at, talk_s=700, direction="outbound", owner_id=bob.id
    )
    assert (
        client.patch("/settings", headers=alice.headers, json={"monthly_limit_minutes": 3}).status_code == 200
    )

    usage = client.get("/settings/usage", headers=alice.headers).json()

    assert usage["monthly_limit_minutes"] == 3 and usage["used_s"] == 120 and usage["remaining_s"] == 60
    assert datetime.fromisoformat(usage["month_start"]) == month_start
    assert (
        client.patch("/settings", headers=alice.headers, json={"monthly_limit_minutes": 1}).status_code == 200
    )
    assert client.get("/settings/usage", headers=alice.headers).json()["remaining_s"] == 0


def test_passcode_is_stored_hashed_and_never_shown(client: TestClient, alice: Owner, store: Store) -> None:
    change = {"outbound_passcode": "4711", "passcode_destinations": ["+44", "+1 900"]}
    response = client.patch("/settings", headers=alice.headers, json=change)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outbound_passcode_set"] is True and body["passcode_destinations"] == ["+44", "+1900"]
    assert "4711" not in response.text and "4711" not in client.get("/settings", headers=alice.headers).text
    view = OwnerDirectory(store).owner_for_line("+15550100")
    assert view is not None and view.outbound_passcode_hash != "4711"
    assert verify_password("4711", view.outbound_passcode_hash)
    assert "outbound_passcode_hash" not in view.as_dict()

    unchanged = client.patch("/settings", headers=alice.headers, json={"ring_timeout_s": 20}).json()
    assert unchanged["outbound_passcode_set"] is True  # other changes keep the passcode
    refused = client.patch("/settings", headers=alice.headers, json={"outbound_passcode": None})
    assert "passcode_destinations" in assert_error(refused, 422)  # the destinations still need it
    both = {"outbound_passcode": None, "passcode_destinations": []}
    assert (
        client.patch("/settings", headers=alice.headers, json=both).json()["outbound_passcode_set"] is False
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"monthly_limit_minutes": 0}, "monthly_limit_minutes"),
        ({"monthly_limit_minutes": -1}, "monthly_limit_minutes"),
        ({"monthly_limit_minutes": 44641}, "monthly_limit_minutes"),
        ({"monthly_limit_minutes": 10**30}, "monthly_limit_minutes"),
        ({"monthly_limit_minutes": "lots"}, "monthly_limit_minutes"),
        ({"monthly_limit_minutes": 1.5}, "monthly_limit_minutes"),
        ({"outbound_passcode": "123"}, "outbound_passcode"),
        ({"outbound_passcode": "123456789"}, "outbound_passcode"),
        ({"outbound_passcode": "12ab"}, "outbound_passcode"),
        ({"outbound_passcode": 4711}, "outbound_passcode"),
        ({"outbound_passcode": "4711", "passcode_destinations": ["44"]}, "passcode_destinations"),
        ({"outbound_passcode": "4711", "passcode_destinations": ["+44x"]}, "passcode_destinations"),
        ({"outbound_passcode": "4711", "passcode_destinations": "+44"}, "passcode_destinations"),
        ({"outbound_passcode": "4711", "passcode_destinations": [44]}, "passcode_destinations"),
        ({"passcode_destinations": ["+44"]}, "passcode_destinations"),  # no passcode to ask for
        ({"outbound_passcode_set": True}, "outbound_passcode_set"),
    ],
)
def test_wrong_values_are_422_naming_the_field(
    client: TestClient, alice: Owner, change: dict, field: str
) -> None:
    assert_settings_change_refused(client, alice, change, field)


def test_portal_settings_page_sets_the_limit_and_the_passcode_with_the_apis_messages(
    client: TestClient, alice: Owner, call_log: CallLog
) -> None:
    place_call(
        call_log, "out", "+15550100", "+12025550123", datetime.now(UTC) - timedelta(seconds=200), talk_s=150,
        ring_s=0, direction="outbound", owner_id=alice.id,
    )  # fmt: skip
    portal_login(client, alice.email)
    page = client.get("/portal/settings").text
    assert (
        "talked 2 min 30 s on calls you placed. There is no limit." in page and "No passcode is set" in page
    )
    form = settings_form(
        page, monthly_limit_minutes="0", passcode_destinations="+44\n+1 900", outbound_passcode="12"
    )
    bad = client.post("/portal/settings", data=form)
    assert (
        bad.status_code == 422 and 'id="outbound_passcode-error"' in bad.text and "4 to 8 digits" in bad.text
    )
    assert 'value="12"' not in bad.text  # the passcode is never sent back
    form["outbound_passcode"] = "4711"
    bad = client.post("/portal/settings", data=form)
    assert bad.status_code == 422 and 'id="monthly_limit_minutes-error"' in bad.text
    assert 'value="4711"' not in bad.text
    form["monthly_limit_minutes"] = "10"
    assert client.post("/portal/settings", data=form, follow_redirects=False).status_code == 303
    body = client.get("/settings", headers=alice.headers).json()
    assert body["monthly_limit_minutes"] == 10 and body["passcode_destinations"] == ["+44", "+1900"]
    assert body["outbound_passcode_set"] is True
    page = client.get("/portal/settings").text
    assert "2 min 30 s used of 10 minutes, 7 min 30 s left" in page and "A passcode is set" in page
