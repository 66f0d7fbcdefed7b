"""Extension virtualization: an extension moved onto another extension's phone. Pure rules.

- The *virtual* extension is the one moved; it can be moved once its owner has set a secret code
  (4 to 8 digits, stored hashed).
- The *base* is the extension whose phone it is moved onto; only bases the PBX administrator
  allows take virtual extensions (a lab setting: ``ASSISTANT_VIRTUALIZATION_BASES``).
- One virtual per base: virtualizing another extension onto a base sends the one there home.
  An extension on one base that is virtualized onto another moves there.
- While virtualized, calls that would ring the virtual extension ring the base's phone; the
  virtual extension's own phone no longer rings, and calls to the base extension itself are
  not rung (the owner of the base gets a message instead).
- Return: ``*30`` alone from the base, ``*30`` + the extension from its own phone, or the portal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

MIN_CODE_DIGITS = 4
MAX_CODE_DIGITS = 8
CODE_TRIES_PER_CALL = 3
FEATURE_CODE = "*30"


def check_code(code: object) -> str:
    """Return ``code`` when it is a valid secret code (4 to 8 digits), else raise ValueError."""
    if not isinstance(code, str) or not code.isascii() or not code.isdigit():
        raise ValueError("the secret code must be digits only")
    if not MIN_CODE_DIGITS <= len(code) <= MAX_CODE_DIGITS:
        raise ValueError(f"the secret code must have {MIN_CODE_DIGITS} to {MAX_CODE_DIGITS} digits")
    return code


def parse_bases(text: str) -> frozenset[str]:
    """The extensions allowed as bases, from a comma- or space-separated list ("202, 203")."""
    return frozenset(part for part in text.replace(",", " ").split() if part.isdigit())


class Request(StrEnum):
    """What a call to the Virtualization Center asks for."""

    VIRTUALIZE = "virtualize"  # *30 + another extension, from a base: move it here
    RETURN_HOME = "return-home"  # *30 + the extension, from its own phone: bring it back
    RETURN_FROM_BASE = "return-from-base"  # *30 alone, from a base: send the extension here home


def request_of(phone: str, extension: str) -> Request:
    """What dialing ``*30`` + ``extension`` (empty: ``*30`` alone) from ``phone`` asks for."""
    if not extension:
        return Request.RETURN_FROM_BASE
    if extension == phone:
        return Request.RETURN_HOME
    return Request.VIRTUALIZE


class Refusal(StrEnum):
    """Why a request to virtualize is refused before any code is asked."""

    NOT_A_BASE = "not-a-base"  # this phone's extension does not allow virtualization
    NO_CODE = "no-code"  # the extension has no secret code: it cannot be virtualized
    LOCKED = "locked"  # too many wrong codes for the extension lately


def refusal(*, phone_allows: bool, has_code: bool, locked: bool) -> Refusal | None:
    """Why virtualizing onto this phone is refused at once, or None: ask for the code."""
    if not phone_allows:
        return Refusal.NOT_A_BASE
    if not has_code:
        return Refusal.NO_CODE
    if locked:
        return Refusal.LOCKED
    return None


@dataclass(frozen=True)
class Move:
    """What virtualizing ``extension`` onto ``base`` changes.

    Attributes:
        extension: the virtual extension, now on ``base``.
        base: where it is now.
        left_base: the base it was on before (None: it was at home, or already here).
        sent_home: the extension that was on ``base`` and goes back to its own phone (one per base).
    """

    extension: str
    base: str
    left_base: str | None
    sent_home: str | None


def move(placements: Mapping[str, str], extension: str, base: str) -> Move:
    """What virtualizing ``extension`` onto ``base`` does, given where virtual extensions are now
    (``placements``: virtual extension -> base)."""
    previous = placements.get(extension)
    occupant = next((ext for ext, on in placements.items() if on == base and ext != extension), None)
    return Move(extension, base, previous if previous != base else None, occupant)


def ring_devices(extensions: Iterable[str], placements: Mapping[str, str]) -> tuple[str, ...]:
    """The phones to ring for an owner's ``extensions``, in their order.

    A virtualized extension rings its base's phone; a base holding a virtual extension is not
    rung for its own calls; any other extension rings its own phone. A phone appears once.
    """
    bases = set(placements.values())
    devices: list[str] = []
    for extension in extensions:
        device = placements.get(extension) or (None if extension in bases else extension)
        if device is not None and device not in devices:
            devices.append(device)
    return tuple(devices)
