"""What happens when the owner does not answer within the no-answer time. Pure rules.

- "voicemail": the caller leaves a message, emailed to the owner (the default).
- "forward": the caller is connected to another number (E.164).
- "hangup": the caller is told the owner is unavailable, and the call ends.
- "notice": no message; the owner is emailed a missed-call notice with the caller's number.
"""

from __future__ import annotations

from assistant.domain.phone import is_e164

ACTIONS = ("voicemail", "forward", "hangup", "notice")
MIN_WAIT_S = 5
MAX_WAIT_S = 60


def no_answer_errors(action: str, wait_s: int, forward_to: str | None) -> list[str]:
    """What is wrong with a no-answer setting, as messages for the owner (empty when it is valid)."""
    errors = []
    if action not in ACTIONS:
        errors.append(f"unknown no-answer action {action!r}; choose one of: {', '.join(ACTIONS)}")
    if not MIN_WAIT_S <= wait_s <= MAX_WAIT_S:
        errors.append(f"no-answer time must be {MIN_WAIT_S}-{MAX_WAIT_S} seconds, got {wait_s}")
    if action == "forward" and not (forward_to and is_e164(forward_to)):
        errors.append(f"forward number must be in E.164 form like +15551234567, got {forward_to!r}")
    return errors
