"""The keypad codes an owner sets: the assistant-line PIN and the outbound passcode are both 4 to 8
digits 0-9 (spaces around ignored), each refused with its own message."""

from __future__ import annotations

import pytest

from assistant.domain.digit_codes import check_digit_code
from assistant.domain.outbound_rules import check_passcode
from assistant.domain.owner_settings import check_pin


@pytest.mark.parametrize("check", [check_pin, check_passcode])
def test_four_to_eight_digits_are_kept_without_the_spaces_around(check) -> None:
    assert check(" 4711 ") == "4711" and check("0000") == "0000" and check("12345678") == "12345678"


@pytest.mark.parametrize(
    ("check", "message"),
    [(check_pin, "the PIN must be 4 to 8 digits"), (check_passcode, "the passcode must be 4 to 8 digits")],
)
@pytest.mark.parametrize(
    "wrong", ["123", "123456789", "12a4", "", "12 34", "\u0664\u0667\u0661\u0661", "+4711", None, 4711]
)
def test_anything_else_is_refused_with_the_codes_own_message(check, message: str, wrong: object) -> None:
    with pytest.raises(ValueError) as refused:
        check(wrong)
    assert str(refused.value) == message


def test_the_range_is_the_callers() -> None:
    assert check_digit_code("12", (2, 3), "code") == "12"
    with pytest.raises(ValueError, match="^the code must be 2 to 3 digits$"):
        check_digit_code("1234", (2, 3), "code")
