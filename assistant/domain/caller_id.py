"""Which number the other party sees: on calls the owner places, and on calls forwarded to the owner.

Outbound (assistant line, desk phones): with caller ID off the number is withheld, and Local ID
is off with it; with Local ID on, the owner's local number for the callee's area code; else the
owner's default caller ID, else the Smart Number. Only numbers the owner owns may be shown.

Forwarded to the owner's mobile or desk phone: the real caller's number, unless the owner chose
the Smart Number (so they know the call came through the assistant). Pure rules, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

import phonenumbers

from assistant.domain.owner import OwnerProfile

#: What a withheld caller ID is sent as (the form RFC 3323 gives anonymous callers).
WITHHELD = "anonymous"
#: The choices for what a forwarded call shows on the owner's phones.
FORWARD_CHOICES = ("caller", "smart_number")
_NANP_LENGTH = 12  # "+1" and ten digits


def area_code(number: str) -> str | None:
    """Return the area of a number as ``"+<country code> <area code>"`` (``"+1 202"``), or None.

    North American numbers (``+1`` and ten digits) take their first three digits, whatever
    libphonenumber knows of them; elsewhere the geographic area code libphonenumber gives.
    """
    if number.startswith("+1") and len(number) == _NANP_LENGTH and number[1:].isdigit():
        return f"+1 {number[2:5]}"
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    length = phonenumbers.length_of_geographical_area_code(parsed)
    if length <= 0:
        return None
    national = phonenumbers.national_significant_number(parsed)
    return f"+{parsed.country_code} {national[:length]}"


def local_number_for(callee: str, local_numbers: Iterable[str]) -> str | None:
    """Return the first of `local_numbers` in the callee's area, or None."""
    wanted = area_code(callee)
    if wanted is None:
        return None
    return next((number for number in local_numbers if area_code(number) == wanted), None)


def outbound_caller_id(
    owner: OwnerProfile, callee: str, requested: str | None = None, owned: Iterable[str] = ()
) -> str:
    """Return the caller ID for a call the owner places to `callee` (E.164), or WITHHELD.

    A number chosen for this one call (`requested`, from the WebPhone) is shown when it is one of
    the `owned` numbers; anything else is ignored in favour of the rules below.
    """
    if requested and requested in set(owned):
        return requested
    if not owner.show_caller_id:
        return WITHHELD
    if owner.local_id:
        local = local_number_for(callee, owner.local_numbers)
        if local is not None:
            return local
    return owner.caller_id or owner.smart_number or WITHHELD


def forwarded_caller_id(owner: OwnerProfile, caller_number: str) -> str:
    """Return what the owner's phones show when a call is forwarded to them."""
    if owner.forward_caller_id == "smart_number" and owner.smart_number:
        return owner.smart_number
    return caller_number or owner.smart_number or WITHHELD


def owned_numbers(
    smart_number: str | None,
    extra_lines: Iterable[str] = (),
    local_numbers: Iterable[str] = (),
    mobile: str | None = None,
    registered_phones: Iterable[str] = (),
) -> tuple[str, ...]:
    """Return the numbers an owner may show as caller ID: their lines and their own phones."""
    numbers = [smart_number, *extra_lines, *local_numbers, mobile, *registered_phones]
    return tuple(dict.fromkeys(number for number in numbers if number))


def check_local_numbers(numbers: Iterable[str]) -> list[str]:
    """Return local numbers (E.164) when each has an area code and no area has two; else ValueError."""
    seen: dict[str, str] = {}
    for number in numbers:
        area = area_code(number)
        if area is None:
            raise ValueError(f"{number} has no area code, so it cannot be a local number")
        if area in seen and seen[area] != number:
            raise ValueError(f"{seen[area]} and {number} are both for area code {area}: keep one")
        seen[area] = number
    return list(seen.values())


def check_caller_id(number: str | None, owned: Iterable[str]) -> str | None:
    """Return the default caller ID when the owner owns it (or None); else ValueError."""
    if number is None:
        return None
    if number not in set(owned):
        raise ValueError(
            f"{number} is not one of your numbers: use your Smart Number, another of your lines, "
            "a local number, your mobile or a registered phone"
        )
    return number
