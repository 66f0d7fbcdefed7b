"""The outbound rules: the calendar month in the owner's time zone, what is left of the limit,
which numbers ask for the passcode, and what the owner may set."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.domain.outbound_rules import (
    check_monthly_limit,
    check_passcode,
    check_prefixes,
    limit_reached,
    month_bounds,
    needs_passcode,
    remaining_s,
)


def test_the_month_is_the_owners_calendar_month_in_utc_bounds() -> None:
    start, end = month_bounds(datetime(2026, 3, 15, 12, tzinfo=UTC), "America/New_York")
    assert start == datetime(2026, 3, 1, 5, tzinfo=UTC)  # midnight in New York (EST)
    assert end == datetime(2026, 4, 1, 4, tzinfo=UTC)  # midnight in New York (EDT since March 8)


def test_the_first_hours_of_a_month_in_utc_are_still_last_month_in_new_york() -> None:
    start, end = month_bounds(datetime(2026, 5, 1, 2, tzinfo=UTC), "America/New_York")
    assert (start, end) == (datetime(2026, 4, 1, 4, tzinfo=UTC), datetime(2026, 5, 1, 4, tzinfo=UTC))
    assert month_bounds(datetime(2026, 5, 1, 2, tzinfo=UTC), "UTC")[0] == datetime(2026, 5, 1, tzinfo=UTC)


def test_december_ends_at_the_new_year() -> None:
    start, end = month_bounds(datetime(2026, 12, 31, 23, 59, tzinfo=UTC), "Europe/London")
    assert (start, end) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def test_remaining_seconds_and_when_the_limit_is_reached() -> None:
    assert remaining_s(None, 10_000) is None and not limit_reached(None, 10_000)
    assert remaining_s(10, 90.5) == 509.5 and not limit_reached(10, 90.5)
    assert remaining_s(1, 59.5) == 0.5 and limit_reached(1, 59.5)
    assert remaining_s(1, 600) == 0.0 and limit_reached(1, 600)


def test_a_number_under_a_prefix_asks_for_the_passcode() -> None:
    prefixes = ["+44", "+1900"]
    assert needs_passcode("+442071234567", prefixes)
    assert needs_passcode("+19005550100", prefixes)
    assert not needs_passcode("+12025550100", prefixes)
    assert not needs_passcode("+4", prefixes)
    assert not needs_passcode("101", ["+1"])  # an extension is not a destination
    assert not needs_passcode("+442071234567", [])


@pytest.mark.parametrize("value", [1, 600, 44640, None])
def test_limits_in_range(value: int | None) -> None:
    assert check_monthly_limit(value) == value


@pytest.mark.parametrize("value", [0, -5, 44641, 10**9, True, 1.5, "60"])
def test_limits_out_of_range(value: object) -> None:
    with pytest.raises(ValueError, match="monthly limit"):
        check_monthly_limit(value)  # type: ignore[arg-type]


def test_passcodes() -> None:
    assert check_passcode(" 4711 ") == "4711" and check_passcode("12345678") == "12345678"
    for wrong in ("123", "123456789", "12a4", "", "12 34", None):
        with pytest.raises(ValueError, match="4 to 8 digits"):
            check_passcode(wrong)  # type: ignore[arg-type]


def test_prefixes_are_e164_and_deduplicated() -> None:
    assert check_prefixes(["+44", "+1 900", "+1-900", "+44"]) == ["+44", "+1900"]
    for wrong in ("44", "+", "+0", "+44a", "+1234567890123456", "0044"):
        with pytest.raises(ValueError, match="prefix"):
            check_prefixes([wrong])
    with pytest.raises(ValueError, match="at most"):
        check_prefixes([f"+{n}" for n in range(100, 202)])
