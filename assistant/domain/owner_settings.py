"""What an owner can set, with the defaults and the validation rules (no I/O, no database).

The API validates each field through these functions, so the portal, the API and
``assistant user create`` accept and refuse exactly the same values.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from assistant.domain.billing import (
    DEFAULT_ACTIVITY_CODE,
    DEFAULT_INCREMENT_H,
    DEFAULT_MINIMUM_UNITS,
    DEFAULT_ROUNDING,
    MAX_INCREMENT_H,
)
from assistant.domain.digit_codes import check_digit_code
from assistant.domain.importance import DEFAULT_IMPORTANCE_WORDS
from assistant.domain.phone import BadNumber, is_country, normalize_number

DEFAULT_RING_TIMEOUT_S = 28
RING_TIMEOUT_RANGE_S = (5, 120)
DEFAULT_TIME_ZONE = "America/New_York"
DEFAULT_COUNTRY = "US"
DEFAULT_VOICEMAIL_MAX_S = 180
DEFAULT_VOICEMAIL_MIN_S = 2
VOICEMAIL_MAX_RANGE_S = (10, 900)
VOICEMAIL_MIN_RANGE_S = (0, 30)
DEFAULT_PIN_LOCK_MINUTES = 15
PIN_LOCK_RANGE_MINUTES = (1, 24 * 60)
PIN_DIGITS_RANGE = (4, 8)
DEFAULT_GREETING = (
    "You have reached the office of {owner}. Please leave your name, your number and a short message."
)
MAX_LIST_ITEMS = 100
MAX_WORD_LEN = 40
MAX_TEXT_LEN = 1000
MAX_NAME_LEN = 200
MAX_RATE = Decimal("100000")
MAX_EXTENSION_LEN = 20
_ACTIVITY_CODE = re.compile(r"^[A-Z][0-9]{3}$")
_EXTENSION = re.compile(r"^[0-9*#]{1,20}$")
_TIMEKEEPER = re.compile(r"^[A-Za-z0-9._-]{0,40}$")


def check_time_zone(name: str) -> str:
    """Return ``name`` when it is an IANA time zone (``America/New_York``), else raise ValueError."""
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        raise ValueError("time zone must be an IANA name such as America/New_York")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as America/New_York") from None
    return name


def check_country(code: str) -> str:
    """Return the upper-case region code (``US``) when libphonenumber knows it, else raise ValueError."""
    if not isinstance(code, str) or not is_country(code):
        raise ValueError("country must be a two-letter region code such as US or GB")
    return code.upper()


def check_number(raw: str, default_country: str = DEFAULT_COUNTRY) -> str:
    """Return ``raw`` normalized to E.164, else raise ValueError with the reason."""
    try:
        return normalize_number(raw, default_country)
    except BadNumber as exc:
        raise ValueError(str(exc)) from None


def check_numbers(values: Iterable[str], default_country: str = DEFAULT_COUNTRY) -> list[str]:
    """Return the numbers normalized, de-duplicated, in the order given; ValueError for a bad one."""
    result: list[str] = []
    for value in values:
        number = check_number(value, default_country)
        if number not in result:
            result.append(number)
    if len(result) > MAX_LIST_ITEMS:
        raise ValueError(f"at most {MAX_LIST_ITEMS} numbers")
    return result


def check_extensions(values: Iterable[str]) -> list[str]:
    """Return internal extensions (digits, ``*``, ``#``; up to 20) de-duplicated; ValueError otherwise."""
    result: list[str] = []
    for value in values:
        text = str(value).strip()
        if not _EXTENSION.match(text):
            raise ValueError(f"extension {text!r} must be 1 to {MAX_EXTENSION_LEN} digits, * or #")
        if text not in result:
            result.append(text)
    if len(result) > MAX_LIST_ITEMS:
        raise ValueError(f"at most {MAX_LIST_ITEMS} extensions")
    return result


def check_words(values: Iterable[str]) -> list[str]:
    """Return importance words lower-cased, trimmed and de-duplicated; ValueError for an empty or long one."""
    result: list[str] = []
    for value in values:
        word = " ".join(str(value).split()).lower()
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in word):
            raise ValueError("words must not contain control characters")
        if not word or len(word) > MAX_WORD_LEN:
            raise ValueError(f"each word must have 1 to {MAX_WORD_LEN} characters")
        if word not in result:
            result.append(word)
    if len(result) > MAX_LIST_ITEMS:
        raise ValueError(f"at most {MAX_LIST_ITEMS} words")
    return result


def check_activity_code(code: str) -> str:
    """Return a UTBMS-style activity code (a capital letter and three digits, e.g. ``A106``)."""
    text = (code or "").strip().upper()
    if not _ACTIVITY_CODE.match(text):
        raise ValueError("activity code must be a letter and three digits, such as A106")
    return text


def check_increment(value: Decimal | float | str) -> Decimal:
    """Return a billing increment in hours: more than 0, at most 24, at most 4 decimal places."""
    try:
        increment = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError("increment must be a number of hours such as 0.1") from None
    if not increment.is_finite() or not Decimal(0) < increment <= MAX_INCREMENT_H:
        raise ValueError(f"increment must be more than 0 and at most {MAX_INCREMENT_H} hours")
    if increment.as_tuple().exponent < -4 and increment != increment.quantize(Decimal("0.0001")):
        raise ValueError("increment has at most 4 decimal places")
    return increment.normalize() if increment == increment.to_integral() else increment


def check_rate(value: Decimal | float | str | None) -> Decimal | None:
    """Return an hourly rate (0 to 100000, cents at most) or None."""
    if value is None or value == "":
        return None
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError("rate must be a number such as 350 or 275.50") from None
    if not rate.is_finite() or not Decimal(0) <= rate <= MAX_RATE:
        raise ValueError(f"rate must be from 0 to {MAX_RATE}")
    if rate != rate.quantize(Decimal("0.01")):
        raise ValueError("rate has at most 2 decimal places")
    return rate.quantize(Decimal("0.01"))


def check_timekeeper_id(value: str) -> str:
    """Return a timekeeper id (up to 40 letters, digits, ``.``, ``_``, ``-``; may be empty)."""
    text = (value or "").strip()
    if not _TIMEKEEPER.match(text):
        raise ValueError("timekeeper id has up to 40 letters, digits, '.', '_' or '-'")
    return text


def check_voicemail_lengths(min_s: int, max_s: int) -> None:
    """Raise ValueError unless the voicemail minimum is shorter than the maximum."""
    if min_s >= max_s:
        raise ValueError("the shortest voicemail kept must be shorter than the longest")


def check_pin(value: str) -> str:
    """Return the assistant-line PIN (4 to 8 digits 0-9, spaces around ignored), else raise ValueError."""
    return check_digit_code(value, PIN_DIGITS_RANGE, "PIN")


def greeting_for(owner_name: str, text: str | None) -> str:
    """Return the voicemail greeting: the owner's own text, else the default naming the owner."""
    if text and text.strip():
        return text.strip()
    return DEFAULT_GREETING.format(owner=owner_name or "the office")


__all__ = [
    "DEFAULT_ACTIVITY_CODE",
    "DEFAULT_COUNTRY",
    "DEFAULT_IMPORTANCE_WORDS",
    "DEFAULT_INCREMENT_H",
    "DEFAULT_MINIMUM_UNITS",
    "DEFAULT_PIN_LOCK_MINUTES",
    "DEFAULT_RING_TIMEOUT_S",
    "DEFAULT_ROUNDING",
    "DEFAULT_TIME_ZONE",
    "DEFAULT_VOICEMAIL_MAX_S",
    "DEFAULT_VOICEMAIL_MIN_S",
]
