"""Phone numbers as the assistant keeps them: E.164 (``+`` and digits), whatever form they came in.

Normalisation uses libphonenumber's metadata (the ``phonenumbers`` package) for national forms,
punctuation and ``00``/``011`` prefixes, and keeps numbers it cannot place but that are already
well-formed E.164 (test and lab numbers such as ``+15550100``). No I/O.
"""

from __future__ import annotations

import re

import phonenumbers

E164_PATTERN = r"^\+[1-9][0-9]{5,14}$"
MAX_INPUT_LEN = 64
_E164 = re.compile(E164_PATTERN)
_PUNCTUATION = re.compile(r"[\s().\-/]")
_INTERNATIONAL_PREFIX = re.compile(r"^(00|011)(?=[1-9])")


class BadNumber(ValueError):
    """The text is not a phone number the assistant can dial or match."""


def is_e164(number: str) -> bool:
    """Return whether ``number`` is already in E.164 form (``+`` then 6 to 15 digits)."""
    return bool(_E164.match(number))


def normalize_number(raw: str, default_country: str = "US") -> str:
    """Return ``raw`` as an E.164 number.

    Args:
        raw: A phone number as a person typed it: ``(202) 555-0123``, ``+44 20 7946 0958``,
            ``0044 20 7946 0958``, ``+15550100``.
        default_country: ISO 3166 alpha-2 region for numbers written without a country code.

    Returns:
        The number as ``+`` and digits.

    Raises:
        BadNumber: With a one-line reason when the text is not a phone number.
    """
    text = (raw or "").strip()
    if not text:
        raise BadNumber("a phone number is required")
    if len(text) > MAX_INPUT_LEN:
        raise BadNumber(f"a phone number has at most {MAX_INPUT_LEN} characters")
    compact = _INTERNATIONAL_PREFIX.sub("+", _PUNCTUATION.sub("", text))
    try:
        parsed = phonenumbers.parse(compact, default_country.upper())
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if is_e164(compact):
        return compact
    raise BadNumber(f"{text!r} is not a phone number (use the form +12025550123)")


def normalize_or_raw(raw: str, default_country: str = "US") -> str:
    """Return the E.164 form of ``raw`` when it has one, else ``raw`` unchanged (for matching caller IDs)."""
    try:
        return normalize_number(raw, default_country)
    except BadNumber:
        return raw


def is_country(code: str) -> bool:
    """Return whether ``code`` is a region libphonenumber knows (``US``, ``GB``, ``DE``...)."""
    return code.upper() in phonenumbers.SUPPORTED_REGIONS


def spoken_number(number: str) -> str:
    """Digits one by one, so the voice does not read "2025550123" as a quantity."""
    return " ".join(ch for ch in number if ch.isdigit())
