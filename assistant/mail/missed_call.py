"""The missed-call notice: who called, when, and what they said it was about; no recording."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class MissedCall:
    caller_number: str
    caller_name: str | None
    called_at: datetime
    reason: str | None
    important: bool
    time_zone: str = "UTC"


def subject_for(missed: MissedCall) -> str:
    who = (
        f"{missed.caller_name} ({missed.caller_number})"
        if missed.caller_name
        else missed.caller_number or "unknown caller"
    )
    return f"{'[Important] ' if missed.important else ''}Missed call from {who}"


def compose_missed_call(
    missed: MissedCall, *, sender: str, recipients: list[str], message_id: str
) -> EmailMessage:
    local = missed.called_at.astimezone(ZoneInfo(missed.time_zone))
    lines = [
        f"From: {missed.caller_name or 'unknown name'} <{missed.caller_number or 'unknown number'}>",
        f"Called: {local:%A %d %B %Y, %H:%M} ({missed.time_zone})",
        f"Importance: {'important' if missed.important else 'normal'}",
        f"Reason given: {missed.reason or '(none)'}",
        "",
        "Your phones were not answered and the caller left no message.",
    ]
    message = EmailMessage()
    message["Subject"] = subject_for(missed)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(missed.called_at)
    message["Message-ID"] = message_id
    message.set_content("\n".join(lines) + "\n")
    return message
