"""Request and response bodies of the HTTP API, as Pydantic models (they shape the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class CallPublic(BaseModel):
    """One call as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    channel_id: str = Field(description="Asterisk channel id")
    direction: str = Field(description="inbound or outbound")
    caller_number: str
    caller_name: str | None
    called_line: str = Field(description="The number that was dialled")
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    duration_s: float | None = Field(description="Seconds from start to end")
    talk_s: float | None = Field(description="Seconds from answer to end")
    outcome: str | None = Field(description="completed, caller-hangup, failed or abandoned")
    hangup_cause: str | None
    events: list[dict[str, Any]] = Field(description="Per-call event and turn log, oldest first")


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

    detail: str = Field(description="What went wrong, in one line")
    code: str | None = Field(default=None, description="Stable error code, when there is one")
    errors: list[dict[str, Any]] | None = Field(default=None, description="Per-field problems (422 only)")
