"""Bodies of the voicemail API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from assistant.store.models import Voicemail


class VoicemailPublic(BaseModel):
    """A message a caller left."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "call_id": 42,
                    "caller_number": "+12025550123",
                    "contact_name": "Jane Roe",
                    "duration_s": 21.5,
                    "transcript": "Hi, it's Jane. Please call me back about the filing.",
                    "created_at": "2025-03-01T14:08:00Z",
                    "read_at": None,
                    "audio_url": "/voicemails/3/audio",
                }
            ]
        }
    )

    id: int
    call_id: int | None
    caller_number: str
    contact_name: str | None = Field(default=None, description="The caller's name in the phonebook, if any")
    duration_s: float
    transcript: str | None = Field(description="Null until transcribed")
    created_at: datetime
    read_at: datetime | None
    audio_url: str = Field(description="Stream it (Range requests work); add ?download=1 to save it")


class VoicemailPage(BaseModel):
    """A page of voicemails, newest first."""

    items: list[VoicemailPublic]
    next_cursor: str | None


class VoicemailChange(BaseModel):
    """What to change on a voicemail."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"read": True}]})

    read: bool = Field(description="true marks it read, false unread")


def voicemail_public(row: Voicemail, contact_name: str | None = None) -> VoicemailPublic:
    """Build the API view of a voicemail row."""
    return VoicemailPublic(
        id=row.id,
        call_id=row.call_id,
        caller_number=row.caller_number,
        contact_name=contact_name,
        duration_s=row.duration_s,
        transcript=row.transcript,
        created_at=row.created_at,
        read_at=row.read_at,
        audio_url=f"/voicemails/{row.id}/audio",
    )
