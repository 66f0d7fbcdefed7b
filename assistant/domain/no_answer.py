"""What happens when the owner's phones rang and nobody took the call. Pure rules.

- "voicemail": the caller leaves a message (mailed to the owner), as always.
- "forward": the call goes on to one other number (E.164); a message after all if nobody answers.
- "hangup": a polite goodbye.
- "notice": a polite goodbye, and the owner is mailed a missed-call notice with the caller's number.
The ring time before the action is the ring settings' (each phone 5 to 60 seconds).
"""

from __future__ import annotations

from collections.abc import Iterable

ACTIONS = ("voicemail", "forward", "hangup", "notice")
DEFAULT_ACTION = "voicemail"


def check_forward_number(action: str, number: str | None, own_lines: Iterable[str | None]) -> str | None:
    """Return the forwarding number (already E.164) when it fits the action, else raise ValueError.

    Forwarding needs a number, and not one of the assistant's own lines: the call would come back.
    """
    if action == "forward" and not number:
        raise ValueError('forwarding needs a number to forward to (no_answer_action is "forward")')
    if number and number in {line for line in own_lines if line}:
        raise ValueError(f"{number} is one of your assistant's own lines: the call would come back to it")
    return number
