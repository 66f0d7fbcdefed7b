"""Request and response bodies shared by the API, and the call log's (they shape the OpenAPI document)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from assistant.store.history import HistoryRow
from assistant.store.models import Call

CallKind = Literal["inbound", "outbound", "missed", "voicemail"]


def clean_text(value: str) -> str:
    """Trim a text field and refuse control characters (which no name or code contains)."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("must not contain control characters")
    return value.strip()


def clean_multiline(value: str) -> str:
    """Trim a free-text field, allowing line breaks and tabs but no other control characters."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise ValueError("must not contain control characters")
    return value.strip()


def iso_date_text(value: object) -> object:
    """Accept a date only as ``YYYY-MM-DD`` text (or a date), not as a number of seconds."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError("use a date like 2025-03-31")
    if isinstance(value, int | float):
        raise ValueError("use a date like 2025-03-31")
    return value.strip() if isinstance(value, str) else value


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
IsoDate = Annotated[date, BeforeValidator(iso_date_text)]
ShortText = Annotated[str, Field(max_length=200), AfterValidator(clean_text)]


def no_control_chars(value: str | None) -> str | None:
    """Refuse control characters in a query parameter (no name, number or code has any)."""
    if value is not None and any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("must not contain control characters")
    return value


SearchText = Annotated[str | None, AfterValidator(no_control_chars)]
Code = Annotated[str, Field(max_length=40), AfterValidator(clean_text)]


class LegPublic(BaseModel):
    """A forwarded leg of a conversation (to the owner's mobile or an extension)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    channel_id: str
    direction: str
    caller_number: str
    called_line: str = Field(description="What the leg dialed")
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    duration_s: float | None
    talk_s: float | None
    outcome: str | None


class CallPublic(BaseModel):
    """One conversation (or leg) of the call log."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 42,
                    "channel_id": "1732269000.12",
                    "parent_id": None,
                    "direction": "inbound",
                    "kind": "inbound",
                    "caller_number": "+12025550123",
                    "caller_name": "JANE ROE",
                    "called_line": "+15550100",
                    "number": "+12025550123",
                    "line": "+15550100",
                    "contact_id": 7,
                    "contact_name": "Jane Roe",
                    "display_name": "Jane Roe",
                    "started_at": "2025-03-01T14:00:00Z",
                    "answered_at": "2025-03-01T14:00:02Z",
                    "ended_at": "2025-03-01T14:07:32Z",
                    "duration_s": 452.0,
                    "talk_s": 450.0,
                    "conversation_talk_s": 430.0,
                    "outcome": "completed",
                    "hangup_cause": "16",
                    "screening_decision": "ring",
                    "screening_reason": "important contact",
                    "transcript": "It's Jane, about the hearing tomorrow.",
                    "voicemail_id": None,
                    "legs": [],
                    "events": [],
                }
            ]
        },
    )

    id: int
    channel_id: str = Field(description="Asterisk channel id")
    parent_id: int | None = Field(default=None, description="The conversation this leg belongs to")
    direction: str = Field(description="inbound or outbound")
    kind: str | None = Field(default=None, description="inbound, outbound, missed or voicemail")
    caller_number: str
    caller_name: str | None
    called_line: str = Field(description="The number that was dialled")
    number: str = Field(default="", description="The other party's number (E.164 when it could be read)")
    line: str = Field(
        default="", description="The owner's line: called in on, or the caller ID shown outbound"
    )
    contact_id: int | None = Field(default=None, description="The phonebook entry of the number, if any")
    contact_name: str | None = Field(default=None, description="Its name in the phonebook, if any")
    display_name: str = Field(default="", description="The contact's name, else the number")
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    duration_s: float | None = Field(description="Seconds from start to end")
    talk_s: float | None = Field(description="Seconds from answer to end (this leg)")
    conversation_talk_s: float | None = Field(
        default=None,
        description="Talk time of the conversation: its answered legs when forwarded, else talk_s",
    )
    outcome: str | None = Field(description="completed, caller-hangup, failed, abandoned or voicemail")
    hangup_cause: str | None
    screening_decision: str | None = None
    screening_reason: str | None = None
    transcript: str | None = None
    voicemail_id: int | None = Field(default=None, description="The voicemail left on this call, if any")
    legs: list[LegPublic] = Field(default_factory=list, description="Forwarded legs, oldest first")
    events: list[dict[str, Any]] = Field(description="Per-call event and turn log, oldest first")


def call_public(row: HistoryRow) -> CallPublic:
    """Build the API view of a call-log row."""
    call: Call = row.call
    number = row.number or call.caller_number
    return CallPublic(
        id=call.id,
        channel_id=call.channel_id,
        parent_id=call.parent_id,
        direction=call.direction,
        kind=call.kind,
        caller_number=call.caller_number,
        caller_name=call.caller_name,
        called_line=call.called_line,
        number=number,
        line=row.line,
        contact_id=row.contact_id,
        contact_name=row.contact_name,
        display_name=row.contact_name or number,
        started_at=call.started_at,
        answered_at=call.answered_at,
        ended_at=call.ended_at,
        duration_s=call.duration_s,
        talk_s=call.talk_s,
        conversation_talk_s=row.talk_s,
        outcome=call.outcome,
        hangup_cause=call.hangup_cause,
        screening_decision=call.screening_decision,
        screening_reason=call.screening_reason,
        transcript=call.transcript,
        voicemail_id=row.voicemail_id,
        legs=[LegPublic.model_validate(leg) for leg in row.legs],
        events=call.events or [],
    )


class CallPage(BaseModel):
    """A page of calls, newest first."""

    items: list[CallPublic]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class Check(BaseModel):
    """The state of one dependency."""

    ok: bool
    detail: str


class Health(BaseModel):
    """Service health; HTTP 200 when every check is ok, 503 otherwise."""

    status: Literal["ok", "degraded"]
    db: Check
    ari: Check


class ErrorBody(BaseModel):
    """Every error response."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"detail": "call 12345 not found", "code": "not-found"}]}
    )

    detail: str = Field(description="What went wrong, in one line")
    code: str | None = Field(default=None, description="Stable error code, when there is one")
    errors: list[dict[str, Any]] | None = Field(default=None, description="Per-field problems (422 only)")


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Return the OpenAPI ``responses`` entries for these error statuses."""
    descriptions = {
        400: "Bad request",
        401: "Not authenticated",
        403: "CSRF token missing or wrong (cookie sessions)",
        404: "Not found (or another owner's)",
        409: "Conflict",
        413: "Upload too large",
        415: "Unsupported upload type",
        422: "Invalid parameters; `errors` names each field",
        429: "Too many failed logins",
        500: "Internal error",
        503: "Database unavailable",
    }
    return {status: {"model": ErrorBody, "description": descriptions[status]} for status in statuses}


COMMON_ERRORS = error_responses(400, 401, 403, 422, 500, 503)
