"""The phonebook API (``/contacts``): CRUD, search, avatars, CSV import and export."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from api.auth import Context, CurrentCaller
from api.avatars import AVATAR_UPLOAD_HELP, read_avatar
from api.contact_schemas import (
    ContactIn,
    ContactPage,
    ContactPatch,
    ContactPublic,
    ImportProblem,
    ImportReport,
    contact_public,
    storage_values,
)
from api.context import AppContext
from api.handlers import field_error
from api.schemas import COMMON_ERRORS, SearchText, error_responses
from assistant.domain import contact_csv
from assistant.domain.billing import neutralize
from assistant.domain.phone import BadNumber, normalize_number
from assistant.errors import AssistantError
from assistant.store.owners import cents_to_rate

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/contacts", tags=["contacts"], responses=COMMON_ERRORS)

MAX_ID = 2**63 - 1
ContactId = Annotated[int, Path(ge=1, le=MAX_ID, description="Contact id")]
CSV_MEDIA = "text/csv; charset=utf-8"


def default_country(context: AppContext, owner_id: int) -> str:
    """Return the owner's default country for reading phone numbers."""
    view = context.owner_settings.get(owner_id)
    return view.default_country if view is not None else "US"


def normalized_phone(context: AppContext, owner_id: int, raw: str, field: str = "phone") -> str:
    """Return ``raw`` in E.164 for this owner, else raise a 422 naming ``field``."""
    try:
        return normalize_number(raw, default_country(context, owner_id))
    except BadNumber as exc:
        raise field_error(field, str(exc)) from None


def contact_or_404(context: AppContext, owner_id: int, contact_id: int):
    """Return the owner's contact or raise ``not-found``."""
    row = context.contacts.get(owner_id, contact_id)
    if row is None:
        raise AssistantError("not-found", f"contact {contact_id} not found")
    return row


@router.get("", response_model=ContactPage, responses=error_responses(400))
def list_contacts(
    caller: CurrentCaller,
    context: Context,
    q: Annotated[
        SearchText, Query(max_length=200, description="Any part of a name, nickname, code or number")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=512, description="next_cursor of the previous page")
    ] = None,
) -> ContactPage:
    """List the phonebook in name order, optionally searched."""
    rows, next_cursor = context.contacts.search(caller.owner_id, q, limit, cursor)
    return ContactPage(items=[contact_public(row) for row in rows], next_cursor=next_cursor)


@router.post("", response_model=ContactPublic, status_code=201, responses=error_responses(409))
def create_contact(
    body: ContactIn, caller: CurrentCaller, context: Context, response: Response
) -> ContactPublic:
    """Add a contact; the number is stored in E.164 and must not be in the phonebook already."""
    values = body.model_dump()
    values["phone"] = normalized_phone(context, caller.owner_id, body.phone)
    row = context.contacts.create(caller.owner_id, storage_values(values))
    response.headers["Location"] = f"/contacts/{row.id}"
    return contact_public(row)


@router.get("/export.csv", response_class=StreamingResponse, responses={200: {"content": {"text/csv": {}}}})
def export_contacts(caller: CurrentCaller, context: Context) -> StreamingResponse:
    """Download the phonebook as CSV (the import's columns; cells safe to open in a spreadsheet)."""
    return StreamingResponse(
        _contacts_csv(context, caller.owner_id),
        media_type=CSV_MEDIA,
        headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
    )


@router.post("/import", response_model=ImportReport, responses=error_responses(400, 413))
async def import_contacts(
    caller: CurrentCaller,
    context: Context,
    file: Annotated[UploadFile, File(description="CSV with a header row naming at least name and phone")],
) -> ImportReport:
    """Add contacts from a CSV file; rows with problems or numbers already there are skipped and reported."""
    data = await file.read(contact_csv.MAX_IMPORT_BYTES + 1)
    try:
        text = contact_csv.decode(data)
        rows = list(contact_csv.read_rows(text))
    except contact_csv.BadContactFile as exc:
        raise AssistantError("bad-upload", str(exc)) from None
    return await run_in_threadpool(_import_rows, context, caller.owner_id, rows)


@router.get("/{contact_id}", response_model=ContactPublic, responses=error_responses(404))
def get_contact(contact_id: ContactId, caller: CurrentCaller, context: Context) -> ContactPublic:
    """Return one contact."""
    return contact_public(contact_or_404(context, caller.owner_id, contact_id))


@router.put("/{contact_id}", response_model=ContactPublic, responses=error_responses(404, 409))
def replace_contact(
    contact_id: ContactId, body: ContactIn, caller: CurrentCaller, context: Context
) -> ContactPublic:
    """Replace every field of a contact."""
    contact_or_404(context, caller.owner_id, contact_id)
    values = body.model_dump()
    values["phone"] = normalized_phone(context, caller.owner_id, body.phone)
    return contact_public(context.contacts.update(caller.owner_id, contact_id, storage_values(values)))


@router.patch("/{contact_id}", response_model=ContactPublic, responses=error_responses(404, 409))
def change_contact(
    contact_id: ContactId, body: ContactPatch, caller: CurrentCaller, context: Context
) -> ContactPublic:
    """Change some fields of a contact (``null`` clears an optional field)."""
    contact_or_404(context, caller.owner_id, contact_id)
    values = body.model_dump(exclude_unset=True)
    for required in ("name", "phone", "important"):
        if required in values and values[required] is None:
            raise field_error(required, "cannot be null")
    if "phone" in values:
        values["phone"] = normalized_phone(context, caller.owner_id, values["phone"])
    return contact_public(context.contacts.update(caller.owner_id, contact_id, storage_values(values)))


@router.delete("/{contact_id}", status_code=204, responses=error_responses(404))
def delete_contact(contact_id: ContactId, caller: CurrentCaller, context: Context) -> Response:
    """Delete a contact (calls from the number then show the number)."""
    if not context.contacts.delete(caller.owner_id, contact_id):
        raise AssistantError("not-found", f"contact {contact_id} not found")
    return Response(status_code=204)


@router.get(
    "/{contact_id}/avatar",
    response_class=Response,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}}}, **error_responses(404)},
)
def get_avatar(contact_id: ContactId, caller: CurrentCaller, context: Context) -> Response:
    """Return the contact's picture."""
    avatar = context.contacts.avatar(caller.owner_id, contact_id)
    if avatar is None:
        raise AssistantError("not-found", f"contact {contact_id} has no picture")
    return Response(avatar.data, media_type=avatar.mime, headers={"Cache-Control": "private, max-age=60"})


@router.put("/{contact_id}/avatar", response_model=ContactPublic, responses=error_responses(404, 413, 415))
async def set_avatar(
    contact_id: ContactId,
    caller: CurrentCaller,
    context: Context,
    file: Annotated[UploadFile, File(description=AVATAR_UPLOAD_HELP)],
) -> ContactPublic:
    """Set the contact's picture (type checked from the content, size limited)."""
    avatar = await read_avatar(file)
    if not await run_in_threadpool(context.contacts.set_avatar, caller.owner_id, contact_id, avatar):
        raise AssistantError("not-found", f"contact {contact_id} not found")
    return contact_public(await run_in_threadpool(contact_or_404, context, caller.owner_id, contact_id))


@router.delete("/{contact_id}/avatar", status_code=204, responses=error_responses(404))
def delete_avatar(contact_id: ContactId, caller: CurrentCaller, context: Context) -> Response:
    """Remove the contact's picture."""
    if not context.contacts.set_avatar(caller.owner_id, contact_id, None):
        raise AssistantError("not-found", f"contact {contact_id} not found")
    return Response(status_code=204)


def _import_rows(context: AppContext, owner_id: int, rows: list[tuple[int, dict[str, str]]]) -> ImportReport:
    country = default_country(context, owner_id)
    created, problems = 0, []
    for line, cells in rows:
        try:
            values = _row_values(cells)
            body = ContactIn.model_validate(values)
            values = body.model_dump()
            values["phone"] = normalize_number(body.phone, country)
            context.contacts.create(owner_id, storage_values(values))
            created += 1
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first.get("loc", ())) or "row"
            problems.append(ImportProblem(line=line, message=f"{field}: {first.get('msg', 'invalid')}"))
        except BadNumber as exc:
            problems.append(ImportProblem(line=line, message=f"phone: {exc}"))
        except ValueError as exc:
            problems.append(ImportProblem(line=line, message=str(exc)))
        except AssistantError as exc:
            problems.append(ImportProblem(line=line, message=exc.message))
    logger.info("owner %s imported %d contacts (%d skipped)", owner_id, created, len(problems))
    return ImportReport(created=created, skipped=len(problems), problems=problems[:1000])


def _row_values(cells: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {name: value for name, value in cells.items() if value != ""}
    for name in ("name", "phone"):
        values.setdefault(name, "")
    if "important" in values:
        try:
            values["important"] = contact_csv.parse_flag(values["important"])
        except ValueError as exc:
            raise ValueError(f"important: {exc}") from None
    for name, value in list(values.items()):
        if isinstance(value, str) and value.startswith("'") and len(value) > 1 and value[1] in "=+-@":
            values[name] = value[1:]  # our own export's formula guard
    return values


def _contacts_csv(context: AppContext, owner_id: int) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(contact_csv.COLUMNS)
    for count, row in enumerate(context.contacts.iter_all(owner_id), start=1):
        rate = cents_to_rate(row.rate_cents)
        writer.writerow(
            [
                neutralize(row.name),
                neutralize(row.phone),
                neutralize(row.email or ""),
                neutralize(row.nickname or ""),
                neutralize(row.client_code or ""),
                neutralize(row.matter_code or ""),
                neutralize(row.activity_code or ""),
                "" if rate is None else str(rate),
                "yes" if row.important else "no",
                neutralize(row.label or ""),
            ]
        )
        if count % 500 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data
