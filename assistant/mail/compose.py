"""The voicemail notification: subject with who called and how important, transcript in the body,
the recording attached as WAV (every mail client plays it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class VoicemailNotice:
    caller_number: str
    caller_name: str | None
    received_at: datetime
    duration_s: float
    transcript: str | None
    reason: str | None
    important: bool
    audio_path: Path
    time_zone: str = "UTC"


def subject_for(notice: VoicemailNotice) -> str:
    who = (
        f"{notice.caller_name} ({notice.caller_number})"
        if notice.caller_name
        else notice.caller_number or "unknown caller"
    )
    prefix = "[Important] " if notice.important else ""
    return f"{prefix}Voicemail from {who}"


def compose_voicemail(
    notice: VoicemailNotice, *, sender: str, recipients: list[str], message_id: str
) -> EmailMessage:
    local = notice.received_at.astimezone(ZoneInfo(notice.time_zone))
    minutes, seconds = divmod(round(notice.duration_s), 60)
    lines = [
        f"From: {notice.caller_name or 'unknown name'} <{notice.caller_number or 'unknown number'}>",
        f"Received: {local:%A %d %B %Y, %H:%M} ({notice.time_zone})",
        f"Length: {minutes}:{seconds:02d}",
        f"Importance: {'important' if notice.important else 'normal'}",
    ]
    if notice.reason:
        lines.append(f"Reason given: {notice.reason}")
    lines += ["", "Transcript:", notice.transcript or "(no words were recognized; listen to the attachment)"]
    message = EmailMessage()
    message["Subject"] = subject_for(notice)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(notice.received_at)
    message["Message-ID"] = message_id
    message.set_content("\n".join(lines) + "\n")
    message.add_attachment(
        notice.audio_path.read_bytes(),
        maintype="audio",
        subtype="wav",
        filename=f"voicemail-{local:%Y%m%d-%H%M%S}.wav",
    )
    return message
