"""Which caller ID a call shows: Local ID, the default caller ID, the Smart Number, withheld; and
what a forwarded call shows on the owner's phones."""

from __future__ import annotations

import pytest

from assistant.domain.caller_id import (
    WITHHELD,
    area_code,
    check_caller_id,
    check_local_numbers,
    forwarded_caller_id,
    local_number_for,
    outbound_caller_id,
    owned_numbers,
)
from assistant.domain.owner import OwnerProfile

SMART = "+15550100"
LOCALS = ("+12125550142", "+13105550143", "+442079460000")


def owner(**changes: object) -> OwnerProfile:
    return OwnerProfile(**{"smart_number": SMART, "local_numbers": LOCALS, "local_id": True, **changes})


@pytest.mark.parametrize(
    ("number", "area"),
    [
        ("+12125550199", "+1 212"),
        ("+15557770101", "+1 555"),  # lab numbers: NANP by their digits
        ("+442079460958", "+44 20"),
        ("+15550100", None),  # too short for an area
        ("+447911123456", None),  # a UK mobile has no geographic area
        ("anonymous", None),
    ],
)
def test_area_codes(number: str, area: str | None) -> None:
    assert area_code(number) == area


def test_local_id_picks_the_number_for_the_callees_area() -> None:
    assert outbound_caller_id(owner(), "+12125550199") == "+12125550142"
    assert outbound_caller_id(owner(), "+13105550100") == "+13105550143"
    assert outbound_caller_id(owner(), "+442079460958") == "+442079460000"
    assert local_number_for("+14155550100", LOCALS) is None


def test_no_local_number_for_the_area_falls_back_to_the_default_then_the_smart_number() -> None:
    assert outbound_caller_id(owner(), "+14155550100") == SMART
    assert outbound_caller_id(owner(caller_id="+12025550111"), "+14155550100") == "+12025550111"
    assert outbound_caller_id(owner(caller_id="+12025550111"), "+12125550199") == "+12125550142"


def test_local_id_off_uses_the_default_caller_id() -> None:
    assert outbound_caller_id(owner(local_id=False), "+12125550199") == SMART
    assert (
        outbound_caller_id(owner(local_id=False, caller_id="+12025550111"), "+12125550199") == "+12025550111"
    )


def test_caller_id_off_withholds_the_number_and_disables_local_id() -> None:
    assert outbound_caller_id(owner(show_caller_id=False), "+12125550199") == WITHHELD
    assert (
        outbound_caller_id(owner(show_caller_id=False, caller_id="+12025550111"), "+14155550100") == WITHHELD
    )
    assert outbound_caller_id(OwnerProfile(smart_number=""), "+12125550199") == WITHHELD  # nothing to show


def test_a_number_chosen_for_the_call_is_shown_only_if_the_owner_owns_it() -> None:
    owned = (SMART, *LOCALS)
    callee = "+12125550199"
    assert outbound_caller_id(owner(), callee, "+13105550143", owned) == "+13105550143"  # over Local ID
    assert outbound_caller_id(owner(show_caller_id=False), callee, SMART, owned) == SMART
    assert outbound_caller_id(owner(), callee, "+19995550000", owned) == "+12125550142"  # not theirs
    assert outbound_caller_id(owner(), callee, None, owned) == "+12125550142"
    assert outbound_caller_id(owner(show_caller_id=False), callee, "", owned) == WITHHELD


def test_forwarded_calls_show_the_caller_unless_the_owner_chose_the_smart_number() -> None:
    assert forwarded_caller_id(owner(), "+12025550123") == "+12025550123"
    assert forwarded_caller_id(owner(forward_caller_id="smart_number"), "+12025550123") == SMART
    assert forwarded_caller_id(owner(), "") == SMART  # a caller with no number


def test_owned_numbers_and_checks() -> None:
    owned = owned_numbers(SMART, ["+15550101"], LOCALS, "+12025550111", ["+12025550177", SMART])
    assert owned == (SMART, "+15550101", *LOCALS, "+12025550111", "+12025550177")
    assert check_caller_id("+12025550177", owned) == "+12025550177"
    assert check_caller_id(None, owned) is None
    with pytest.raises(ValueError, match="not one of your numbers"):
        check_caller_id("+12025550999", owned)
    assert check_local_numbers(["+12125550142", "+12125550142", "+13105550143"]) == [
        "+12125550142",
        "+13105550143",
    ]
    with pytest.raises(ValueError, match="both for area code"):
        check_local_numbers(["+12125550142", "+12125550143"])
    with pytest.raises(ValueError, match="no area code"):
        check_local_numbers(["+15550100"])
