"""Secret digit codes keyed on a phone's keypad (the assistant-line PIN, the outbound passcode)."""

from __future__ import annotations


def check_digit_code(value: str, digits_range: tuple[int, int], name: str) -> str:
    """Return ``value`` without spaces around if it is digits 0-9 of a length in ``digits_range``.

    Raises:
        ValueError: "the {name} must be {low} to {high} digits" otherwise (also for a non-string).
    """
    text = value.strip() if isinstance(value, str) else ""
    low, high = digits_range
    if not (text.isascii() and text.isdigit() and low <= len(text) <= high):
        raise ValueError(f"the {name} must be {low} to {high} digits")
    return text
