"""Rules about calls that need no database: the kind of a call, whose number is whose, talk time.

A call row is one leg; a conversation is a row without a parent, with the legs forwarded from it
(to the owner's mobile, an extension) as children.
"""

from __future__ import annotations

from collections.abc import Iterable

KINDS = ("inbound", "outbound", "missed", "voicemail")


def call_kind(
    direction: str,
    *,
    answered: bool,
    has_voicemail: bool = False,
    has_legs: bool = False,
    leg_answered: bool = False,
) -> str:
    """Return the kind the call log files a conversation under.

    Args:
        direction: ``inbound`` or ``outbound``.
        answered: Whether the conversation's own channel was answered.
        has_voicemail: Whether the caller left a voicemail.
        has_legs: Whether the call was forwarded (legs exist).
        leg_answered: Whether any forwarded leg was answered (someone took the call).

    Returns:
        ``outbound`` for outbound calls; ``voicemail`` when a message was left; ``inbound`` when
        someone took the call (a forwarded leg, or the call itself when it was not forwarded);
        ``missed`` otherwise.
    """
    if direction == "outbound":
        return "outbound"
    if has_voicemail:
        return "voicemail"
    if has_legs:
        return "inbound" if leg_answered else "missed"
    return "inbound" if answered else "missed"


def party_number(direction: str, caller_number: str, called_line: str) -> str:
    """Return the other party's number: the caller for inbound calls, the dialed number for outbound."""
    return called_line if direction == "outbound" else caller_number


def line_used(direction: str, caller_number: str, called_line: str) -> str:
    """Return the owner's line: the number called in on (inbound) or the caller ID shown (outbound)."""
    return caller_number if direction == "outbound" else called_line


def conversation_talk_s(own_talk_s: float | None, legs: Iterable[tuple[bool, float | None]]) -> float | None:
    """Return the talk time of a conversation.

    Args:
        own_talk_s: Talk time of the conversation's own channel.
        legs: ``(answered, talk_s)`` for each forwarded leg.

    Returns:
        With legs, the talk time of the answered legs (0 when none was answered: ring time is
        never talk time); without legs, the call's own talk time.
    """
    legs = list(legs)
    if not legs:
        return own_talk_s
    return float(sum(talk or 0.0 for answered, talk in legs if answered))
