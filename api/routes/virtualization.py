"""Extension virtualization (``/virtualization``): the secret codes of the owner's extensions, where
each one rings now, returning one to its own phone, and the recent virtualization events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Context, CurrentCaller
from api.context import AppContext
from api.schemas import COMMON_ERRORS, error_responses
from assistant.domain.virtualization import MAX_CODE_DIGITS, MIN_CODE_DIGITS
from assistant.errors import AssistantError
from assistant.store.virtualization import Virtualizations

router = APIRouter(prefix="/virtualization", tags=["virtualization"], responses=COMMON_ERRORS)

ExtensionPath = Annotated[str, Path(pattern=r"^[0-9]{1,6}$", description="One of the owner's extensions")]


class ExtensionPublic(BaseModel):
    extension: str
    has_code: bool = Field(description="A secret code is set: the extension can be virtualized (*30)")
    virtualized_on: str | None = Field(
        description="The base extension whose phone it rings now; null: its own"
    )
    since: datetime | None


class EventPublic(BaseModel):
    extension: str
    base: str | None
    event: str = Field(description="virtualized, returned, denied or locked")
    by: str = Field(description="Where it was done: 'phone 202', 'portal'")
    detail: str | None
    at: datetime


class VirtualizationPublic(BaseModel):
    extensions: list[ExtensionPublic]
    events: list[EventPublic] = Field(description="The newest events of the owner's extensions, newest first")


class CodeBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"code": "4711"}]})

    code: str = Field(
        pattern=rf"^[0-9]{{{MIN_CODE_DIGITS},{MAX_CODE_DIGITS}}}$",
        description=f"Keyed after *30 + the extension: {MIN_CODE_DIGITS} to {MAX_CODE_DIGITS} digits",
    )


def owner_extensions(context: AppContext, owner_id: int) -> tuple[str, ...]:
    view = context.owners.settings(owner_id)
    return tuple(view.extensions) if view is not None else ()


def own_extension(context: AppContext, owner_id: int, extension: str) -> str:
    if extension not in owner_extensions(context, owner_id):
        raise AssistantError("not-found", f"extension {extension} is not one of your extensions")
    return extension


def status(context: AppContext, owner_id: int) -> VirtualizationPublic:
    places = Virtualizations(context.store)
    extensions = owner_extensions(context, owner_id)
    return VirtualizationPublic(
        extensions=[
            ExtensionPublic(extension=p.extension, has_code=p.has_code, virtualized_on=p.base, since=p.since)
            for p in places.places(extensions)
        ],
        events=[EventPublic(**vars(e)) for e in places.events(extensions)] if extensions else [],
    )


@router.get("", response_model=VirtualizationPublic)
def get_virtualization(caller: CurrentCaller, context: Context) -> VirtualizationPublic:
    """Where each of the owner's extensions rings now, and the recent virtualization events."""
    return status(context, caller.owner_id)


@router.put("/{extension}/code", response_model=VirtualizationPublic, responses=error_responses(404))
def set_code(
    extension: ExtensionPath, body: CodeBody, caller: CurrentCaller, context: Context
) -> VirtualizationPublic:
    """Set or change the secret code of one of the owner's extensions (stored hashed)."""
    own_extension(context, caller.owner_id, extension)
    Virtualizations(context.store).set_code(caller.owner_id, extension, body.code)
    return status(context, caller.owner_id)


@router.delete("/{extension}/code", status_code=204, responses=error_responses(404))
def remove_code(extension: ExtensionPath, caller: CurrentCaller, context: Context) -> Response:
    """Remove the secret code: the extension returns to its own phone and can no longer be virtualized."""
    own_extension(context, caller.owner_id, extension)
    if not Virtualizations(context.store).remove_code(extension, "portal"):
        raise AssistantError("not-found", f"extension {extension} has no secret code")
    return Response(status_code=204)


@router.post("/{extension}/return", response_model=VirtualizationPublic, responses=error_responses(404, 409))
def return_home(extension: ExtensionPath, caller: CurrentCaller, context: Context) -> VirtualizationPublic:
    """Return the extension to its own phone (the portal's "Return to my desk phone")."""
    own_extension(context, caller.owner_id, extension)
    if Virtualizations(context.store).return_home(extension, "portal") is None:
        raise AssistantError("not-virtualized", f"extension {extension} is already on its own phone")
    return status(context, caller.owner_id)
