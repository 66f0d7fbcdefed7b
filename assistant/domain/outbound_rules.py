"""The owner's rules for calls out (no I/O): a monthly usage limit and passcodes on destinations.

Monthly limit: the owner's billable outbound talk time (decision 0008: from the callee's answer)
in the current calendar month of the owner's time zone; it starts again at midnight on the first
of the month. A call counts in the month it was answered in. Inbound calls are never limited:
callers are not the owner's to stop, and the owner taking a call is not the owner calling.

Passcode: calls to a number under one of the owner's prefixes (E.164, e.g. ``+44``, ``+1900``)
are placed only after the owner keys the passcode; it is stored as a scrypt hash, like the PIN.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from datetime import UTC, datetime

from assistant.domain.digit_codes import check_digit_code

LIMIT_RANGE_MINUTES = (1, 31 * 24 * 60)  # a whole month of talk at most
PASSCODE_DIGITS_RANGE = (4, 8)
PASSCODE_TRIES = 2  # one retry after a wrong passcode, then the call is refused
MAX_PREFIXES = 100
_PREFIX = re.compile(r"\+[1-9][0-9]{0,14}")
_PREFIX_SEPARATORS = re.compile(r"[\s().-]")


def check_monthly_limit(value: int | None) -> int | None:
    """Return the monthly limit in minutes (None: unlimited), else raise ValueError."""
    if value is None:
        return None
    low, high = LIMIT_RANGE_MINUTES
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"the monthly limit must be a whole number of minutes from {low} to {high}, or null")
    return value


def check_passcode(value: str) -> str:
    """Return the destination passcode (4 to 8 digits, spaces around ignored), else raise ValueError."""
    return check_digit_code(value, PASSCODE_DIGITS_RANGE, "passcode")


def check_prefixes(values: Iterable[str]) -> list[str]:
    """Return number prefixes in E.164 form (``+44``, ``+1 900`` → ``+1900``), de-duplicated."""
    result: list[str] = []
    for value in values:
        text = _PREFIX_SEPARATORS.sub("", str(value))
        if not _PREFIX.fullmatch(text):
            raise ValueError(
                f"{value!r} is not a number prefix: a + and 1 to 15 digits, such as +44 or +1900"
            )
        if text not in result:
            result.append(text)
    if len(result) > MAX_PREFIXES:
        raise ValueError(f"at most {MAX_PREFIXES} prefixes")
    return result


def month_bounds(now: datetime, time_zone: str) -> tuple[datetime, datetime]:
    """The current calendar month in the owner's time zone, as ``[start, end)`` in UTC."""
    zone = zoneinfo.ZoneInfo(time_zone)
    local = now.astimezone(zone)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start.astimezone(UTC), following.astimezone(UTC)


def remaining_s(limit_minutes: int | None, used_s: float) -> float | None:
    """Seconds of outbound talk left this month; None when there is no limit."""
    if limit_minutes is None:
        return None
    return max(0.0, limit_minutes * 60 - used_s)


def limit_reached(limit_minutes: int | None, used_s: float) -> bool:
    """Whether no call may be placed this month any more."""
    left = remaining_s(limit_minutes, used_s)
    return left is not None and left < 1.0


def needs_passcode(number: str, prefixes: Iterable[str]) -> bool:
    """Whether a call to `number` (E.164; anything else, e.g. an extension, never) asks for the passcode."""
    return number.startswith("+") and any(number.startswith(prefix) for prefix in prefixes)
