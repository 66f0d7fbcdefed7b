"""Rules about calls that need no database: the kind of a call, whose number is whose, talk time.

A call row is one leg; a conversation is a row without a parent, with the legs forwarded from it
(to the owner's mobile, an extension) as children.

Talk time is the time the owner was connected to the other party, nothing else (decision 0008):
for an inbound conversation, the accepted legs (from the moment the owner is put through to the
end of the leg); for an outbound conversation (placed from the assistant line or a desk phone),
from the moment the callee answered. The assistant's own time with a caller (greeting, screening,
hold, voicemail) and the owner's time with the assistant line are never talk time.
"""

from __future__ import annotations

from collections.abc import Iterable

KINDS = ("inbound", "outbound", "missed", "voicemail")
#: The flow of an owner's own call to the assistant line: the owner was on the phone, with no one to bill.
OWNER_SESSION_FLOW = "line"


def call_kind(
    direction: str,
    *,
    has_voicemail: bool = False,
    leg_answered: bool = False,
    owner_session: bool = False,
) -> str:
    """Return the kind the call log files a conversation under.

    Args:
        direction: ``inbound`` or ``outbound``.
        has_voicemail: Whether the caller left a voicemail.
        leg_answered: Whether the owner took the call (a forwarded leg was accepted).
        owner_session: Whether the call is the owner's own call to the assistant line.

    Returns:
        ``outbound`` for outbound calls; ``voicemail`` when a message was left; ``inbound`` when
        the owner talked (took the call, or phoned the assistant line); ``missed`` otherwise:
        the assistant answering, screening or holding the caller is not the owner taking it.
    """
    if direction == "outbound":
        return "outbound"
    if has_voicemail:
        return "voicemail"
    return "inbound" if leg_answered or owner_session else "missed"


def party_number(direction: str, caller_number: str, called_line: str) -> str:
    """Return the other party's number: the caller for inbound calls, the dialed number for outbound."""
    return called_line if direction == "outbound" else caller_number


def line_used(direction: str, caller_number: str, called_line: str) -> str:
    """Return the owner's line: the number called in on (inbound) or the caller ID shown (outbound)."""
    return caller_number if direction == "outbound" else called_line


def conversation_talk_s(
    direction: str, own_talk_s: float | None, legs: Iterable[tuple[bool, float | None]]
) -> float | None:
    """Return the billable talk time of a conversation.

    Args:
        direction: ``inbound`` or ``outbound``.
        own_talk_s: Talk time of the conversation's own channel (from its answer to its end).
        legs: ``(accepted, talk_s)`` for each forwarded leg (talk from acceptance to the leg's end).

    Returns:
        Outbound: the call's own talk time (from the callee's answer). Inbound: the talk time of
        the accepted legs, or None when the owner never took the call (ring time, screening and
        voicemail are never talk time).
    """
    if direction == "outbound":
        return own_talk_s
    taken = [talk or 0.0 for accepted, talk in legs if accepted]
    return float(sum(taken)) if taken else None
