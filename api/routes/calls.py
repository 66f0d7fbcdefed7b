"""The call log API (``/calls``): the unified list, one call, "add to contacts", and the billing export."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Context, CurrentCaller
from api.contact_schemas import ContactPublic, contact_public, storage_values
from api.context import AppContext
from api.handlers import field_error
from api.schemas import (
    COMMON_ERRORS,
    CallKind,
    CallPage,
    CallPublic,
    Code,
    IsoDate,
    SearchText,
    ShortText,
    call_public,
    error_responses,
)
from assistant.billing_export import MEDIA_TYPES, ExportRequest, export_chunks, filename
from assistant.domain.owner_settings import check_activity_code
from assistant.domain.phone import BadNumber, normalize_number
from assistant.domain.timezones import day_range_utc
from assistant.errors import AssistantError
from assistant.store.export import ExportQuery
from assistant.store.history import CallFilters
from assistant.store.owners import OwnerSettingsView, rate_to_cents

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/calls", tags=["calls"], responses=COMMON_ERRORS)

MAX_ID = 2**63 - 1
EARLIEST = date(1970, 1, 1)
LATEST = date(2199, 12, 31)
CallId = Annotated[int, Path(ge=-MAX_ID, le=MAX_ID, description="Call id")]


class AddContact(BaseModel):
    """The contact to make from a call-log row; the number is the call's."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Jane Roe", "important": True}]}
    )

    name: ShortText | None = Field(
        default=None, description="Defaults to the caller ID name, else the number"
    )
    client_code: Code | None = None
    matter_code: Code | None = None
    important: bool = False


def owner_view(context: AppContext, owner_id: int) -> OwnerSettingsView:
    """Return the caller's settings (every account has them)."""
    view = context.owner_settings.get(owner_id)
    if view is None:
        raise AssistantError("not-found", "this account has no settings")
    return view


def local_range(view: OwnerSettingsView, since: date | None, until: date | None):
    """Return the UTC bounds of the owner's local days ``since``..``until`` (either may be open)."""
    zone = ZoneInfo(view.time_zone)
    if since is not None and until is not None and until < since:
        raise field_error("until", "must not be before since", "query")
    start = day_range_utc(since, since, zone)[0] if since is not None else None
    end = day_range_utc(until, until, zone)[1] if until is not None else None
    return start, end


@router.get("", response_model=CallPage, responses=error_responses(400, 404))
def list_calls(
    caller: CurrentCaller,
    context: Context,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor from the previous page")] = None,
    kind: Annotated[
        list[CallKind] | None, Query(description="Only these kinds (repeat the parameter)")
    ] = None,
    since: Annotated[IsoDate | None, Query(ge=EARLIEST, le=LATEST, description="From this local day")] = None,
    until: Annotated[
        IsoDate | None, Query(ge=EARLIEST, le=LATEST, description="To this local day, inclusive")
    ] = None,
    contact_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only calls with this contact")
    ] = None,
    q: Annotated[
        SearchText, Query(max_length=200, description="Text in the name, number or transcript")
    ] = None,
) -> CallPage:
    """List conversations (legs nested), newest first: inbound, outbound, missed and voicemail in one list."""
    view = owner_view(context, caller.owner_id)
    start, end = local_range(view, since, until)
    number = None
    if contact_id is not None:
        contact = context.contacts.get(caller.owner_id, contact_id)
        if contact is None:
            raise AssistantError("not-found", f"contact {contact_id} not found")
        number = contact.phone
    filters = CallFilters(kinds=tuple(kind or ()), since=start, until=end, number=number, text=q)
    rows, next_cursor = context.history.page(caller.owner_id, filters, limit, cursor)
    return CallPage(items=[call_public(row) for row in rows], next_cursor=next_cursor)


@router.get(
    "/export.csv",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The export, streamed",
            "content": {
                "text/csv": {
                    "example": "call_id,date,time,direction,contact,number,client_code,matter_code,line,"
                    "talk_seconds,units,hours,activity_code,rate,amount\r\n"
                    "42,2025-03-01,09:00:00,inbound,Jane Roe,'+12025550123,ROE,ROE-1,'+15550100,"
                    "450,2,0.2,A106,350.00,70.00\r\nTOTAL,,,,,,,,,450,2,0.2,,,70.00\r\n"
                },
                "text/plain": {"example": "LEDES1998B[]\r\nINVOICE_DATE|INVOICE_NUMBER|...[]\r\n"},
            },
        },
        **error_responses(404),
    },
)
def export_calls(
    caller: CurrentCaller,
    context: Context,
    from_: Annotated[IsoDate, Query(alias="from", ge=EARLIEST, le=LATEST, description="First local day")],
    to: Annotated[IsoDate, Query(ge=EARLIEST, le=LATEST, description="Last local day, inclusive")],
    contact_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this contact's calls")] = None,
    client_code: Annotated[SearchText, Query(max_length=40, description="Only this client code")] = None,
    matter_code: Annotated[SearchText, Query(max_length=40, description="Only this matter code")] = None,
    format: Annotated[
        Literal["csv", "clio", "ledes"],
        Query(description="csv (one row per call, total row), clio, or ledes 1998B"),
    ] = "csv",
    include_unanswered: Annotated[
        bool, Query(description="Also list calls with no talk time (0 units)")
    ] = False,
) -> StreamingResponse:
    """Export billable phone time for a date range in the owner's time zone, streamed.

    One row per conversation (legs folded in): talk time in seconds (answered time, never ring
    time), billable units by the owner's increment, rounding and minimum, the activity code and
    rate (the contact's, else the owner's defaults), and for ``csv`` a total row. Cells a
    spreadsheet would read as a formula are prefixed with an apostrophe.
    """
    view = owner_view(context, caller.owner_id)
    if to < from_:
        raise field_error("to", "must not be before from", "query")
    start, end = day_range_utc(from_, to, ZoneInfo(view.time_zone))
    number = None
    if contact_id is not None:
        contact = context.contacts.get(caller.owner_id, contact_id)
        if contact is None:
            raise AssistantError("not-found", f"contact {contact_id} not found")
        number = contact.phone
    request = ExportRequest(
        query=ExportQuery(
            owner_id=caller.owner_id,
            start=start,
            end=end,
            time_zone=view.time_zone,
            default_activity_code=check_activity_code(view.default_activity_code),
            default_rate_cents=rate_to_cents(view.default_hourly_rate),
            number=number,
            client_code=(client_code or "").strip() or None,
            matter_code=(matter_code or "").strip() or None,
        ),
        rule=view.billing_rule,
        first_day=from_,
        last_day=to,
        user_name=view.owner_name,
        timekeeper_id=view.timekeeper_id,
        answered_only=not include_unanswered,
    )
    logger.info("owner %s exports %s calls %s..%s", caller.owner_id, format, from_, to)
    return StreamingResponse(
        export_chunks(context.store, request, format),
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="{filename(request, format)}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/{call_id}", response_model=CallPublic, responses=error_responses(404))
def get_call(call_id: CallId, caller: CurrentCaller, context: Context) -> CallPublic:
    """Return one call with its legs and event log."""
    row = context.history.get(caller.owner_id, call_id)
    if row is None:
        raise AssistantError("not-found", f"call {call_id} not found")
    return call_public(row)


@router.post(
    "/{call_id}/contact", response_model=ContactPublic, status_code=201, responses=error_responses(404, 409)
)
def add_caller_to_contacts(
    call_id: CallId,
    caller: CurrentCaller,
    context: Context,
    response: Response,
    body: AddContact | None = None,
) -> ContactPublic:
    """Add the other party of a call to the phonebook ("add to contacts" from a row)."""
    row = context.history.get(caller.owner_id, call_id)
    if row is None:
        raise AssistantError("not-found", f"call {call_id} not found")
    body = body or AddContact()
    try:
        number = normalize_number(row.number, owner_view(context, caller.owner_id).default_country)
    except BadNumber:
        raise AssistantError("no-number", f"call {call_id} has no phone number that can be added") from None
    values = {
        "name": body.name or (row.call.caller_name or "").strip() or number,
        "phone": number,
        "client_code": body.client_code,
        "matter_code": body.matter_code,
        "important": body.important,
    }
    contact = context.contacts.create(caller.owner_id, storage_values(values))
    response.headers["Location"] = f"/contacts/{contact.id}"
    return contact_public(contact)
