"""Extension virtualization: the rules (codes, requests, one virtual per base, which phones ring) and
their state in a real SQLite database (hashed codes, lockout, moves, events)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.domain.virtualization import (
    Refusal,
    Request,
    check_code,
    move,
    parse_bases,
    refusal,
    request_of,
    ring_devices,
)
from assistant.store.db import Store, open_store
from assistant.store.models import VirtualExtension, utcnow
from assistant.store.users import Users
from assistant.store.virtualization import CODE_POLICY, Virtualizations


@pytest.mark.parametrize("code", ["1234", "12345678", "0000"])
def test_a_code_is_four_to_eight_digits(code: str) -> None:
    assert check_code(code) == code


@pytest.mark.parametrize("code", ["123", "123456789", "12a4", "", " 1234", "１２３４", 1234, None])
def test_anything_else_is_not_a_code(code: object) -> None:
    with pytest.raises(ValueError):
        check_code(code)


def test_bases_are_a_list_of_extensions() -> None:
    assert parse_bases("202, 203 204,,x") == {"202", "203", "204"}
    assert parse_bases("") == frozenset()


def test_what_a_call_to_star_30_asks_for() -> None:
    assert request_of("202", "101") is Request.VIRTUALIZE
    assert request_of("101", "101") is Request.RETURN_HOME
    assert request_of("202", "") is Request.RETURN_FROM_BASE


def test_a_request_is_refused_at_once_on_a_phone_that_is_not_a_base_or_for_an_extension_without_code() -> (
    None
):
    assert refusal(phone_allows=False, has_code=True, locked=False) is Refusal.NOT_A_BASE
    assert refusal(phone_allows=True, has_code=False, locked=False) is Refusal.NO_CODE
    assert refusal(phone_allows=True, has_code=True, locked=True) is Refusal.LOCKED
    assert refusal(phone_allows=True, has_code=True, locked=False) is None


def test_one_virtual_per_base_the_one_there_goes_home() -> None:
    change = move({"102": "202"}, "101", "202")
    assert (change.sent_home, change.left_base) == ("102", None)
    moved = move({"101": "203"}, "101", "202")
    assert (moved.sent_home, moved.left_base) == (None, "203")
    again = move({"101": "202"}, "101", "202")
    assert (again.sent_home, again.left_base) == (None, None)


def test_a_virtual_extension_rings_its_base_and_the_base_is_not_rung_for_its_own_calls() -> None:
    placements = {"101": "202"}
    assert ring_devices(("101",), placements) == ("202",)
    assert ring_devices(("202", "203"), placements) == ("203",)  # the base's own calls: not rung
    assert ring_devices(("101", "202"), placements) == ("202",)  # once, for the virtual extension
    assert ring_devices(("101", "203"), {}) == ("101", "203")


@pytest.fixture
def store(tmp_path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'v.db'}")
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def places(store: Store) -> Virtualizations:
    owner = Users(store).create("o@example.com", "correct horse battery", "O", smart_number="+15550100")
    places = Virtualizations(store)
    places.set_code(owner.id, "101", "4711")
    places.set_code(owner.id, "102", "1234")
    return places


def test_the_code_is_stored_hashed_and_checked(store: Store, places: Virtualizations) -> None:
    with store.session() as session:
        assert "4711" not in session.get(VirtualExtension, "101").code_hash
    assert places.try_code("101", "4711").ok
    assert not places.try_code("101", "1234").ok
    assert not places.try_code("103", "4711").ok  # no code at all
    assert places.has_code("101") and not places.has_code("103")


def test_wrong_codes_lock_the_extension_even_against_the_right_code(places: Virtualizations) -> None:
    now = utcnow()
    for attempt in range(1, CODE_POLICY.lock_after):
        check = places.try_code("101", "0000", now)
        assert (check.ok, check.failures, check.locked_for_s) == (False, attempt, 0.0)
    locking = places.try_code("101", "0000", now)
    assert locking.just_locked and locking.locked_for_s == CODE_POLICY.lock_s
    assert not places.try_code("101", "4711", now + timedelta(seconds=1)).ok
    assert places.locked_for_s("101", now) > 0
    later = now + timedelta(seconds=CODE_POLICY.lock_s + 1)
    assert places.try_code("101", "4711", later).ok
    assert places.try_code("101", "0000", later).failures == 1  # the count started again


def test_virtualize_move_replace_and_return(places: Virtualizations) -> None:
    places.virtualize("101", "202", "phone 202")
    assert places.placements() == {"101": "202"} and places.hosted_on("202") == "101"
    change = places.virtualize("102", "202", "phone 202")
    assert change.sent_home == "101"
    assert places.placements() == {"102": "202"}
    moved = places.virtualize("102", "203", "phone 203")
    assert moved.left_base == "202" and places.placements() == {"102": "203"}
    assert places.return_home("102", "portal") == "203"
    assert places.return_home("102", "portal") is None
    assert places.placements() == {}
    events = [(e.extension, e.event, e.base, e.by) for e in places.events(("101", "102"))]
    assert events == [
        ("102", "returned", "203", "portal"),
        ("102", "virtualized", "203", "phone 203"),
        ("102", "virtualized", "202", "phone 202"),
        ("101", "returned", "202", "phone 202"),
        ("101", "virtualized", "202", "phone 202"),
    ]


def test_removing_the_code_returns_the_extension_first(places: Virtualizations) -> None:
    places.virtualize("101", "202", "phone 202")
    assert places.remove_code("101", "portal")
    assert places.placements() == {} and not places.has_code("101")
    assert not places.remove_code("101", "portal")
