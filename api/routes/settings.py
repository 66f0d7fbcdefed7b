"""The settings API (``/settings``): everything the Smart Number keeps per owner."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from api.auth import Context, CurrentCaller
from api.context import AppContext
from api.schemas import COMMON_ERRORS, error_responses
from api.routes.greeting import render_greetings_soon
from api.settings_schemas import READ_ONLY, PinChange, SettingsDoc, SettingsPatch
from assistant.errors import AssistantError

router = APIRouter(prefix="/settings", tags=["settings"], responses=COMMON_ERRORS)


def current_settings(context: AppContext, owner_id: int) -> dict[str, Any]:
    """Return the owner's settings as the API shows them."""
    view = context.owner_settings.get(owner_id)
    if view is None:
        raise AssistantError("not-found", "this account has no settings")
    return view.as_dict()


def validate_settings(values: dict[str, Any], model: type[BaseModel] = SettingsDoc) -> Any:
    """Validate a whole settings document (or another settings model); a 422 names each wrong field."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error.get("loc", ()))} for error in exc.errors(include_url=False)]
        ) from None


def save_settings(context: AppContext, owner_id: int, changes: dict[str, Any]) -> SettingsDoc:
    """Merge ``changes`` into the owner's settings, validate the result, store and return it.

    ``changes`` may hold ``pin`` (4 to 8 digits; None removes the PIN): it is stored hashed and
    never shown; ``pin_set`` in the result says whether there is one.
    """
    changes = dict(changes)
    pin_change = {}
    if "pin" in changes:
        pin_change = {"pin": validate_settings({"pin": changes.pop("pin")}, PinChange).pin}
    for name in READ_ONLY:
        changes.pop(name, None)
    merged = {**current_settings(context, owner_id), **changes}
    if "ring_seconds" not in changes:
        merged["ring_seconds"] = seconds_of_remaining_devices(merged)
    doc = validate_settings(merged)
    view = context.owner_settings.update(owner_id, {**doc.model_dump(exclude=set(READ_ONLY)), **pin_change})
    return SettingsDoc.model_validate(view.as_dict())


def seconds_of_remaining_devices(settings: dict[str, Any]) -> Any:
    """The stored ring seconds of the devices still set: a removed extension's seconds go with it."""
    seconds = settings.get("ring_seconds")
    if not isinstance(seconds, dict) or not isinstance(settings.get("extensions"), list):
        return seconds
    devices = {"mobile" if settings.get("mobile") else None, *map(str, settings["extensions"])}
    return {device: secs for device, secs in seconds.items() if device in devices}


@router.get("", response_model=SettingsDoc)
def get_settings(caller: CurrentCaller, context: Context) -> SettingsDoc:
    """Return the owner's settings."""
    return SettingsDoc.model_validate(current_settings(context, caller.owner_id))


@router.patch("", response_model=SettingsDoc, responses=error_responses(409))
def change_settings(body: SettingsPatch, caller: CurrentCaller, context: Context) -> SettingsDoc:  # type: ignore[valid-type]
    """Change some settings; the result is validated as a whole (e.g. voicemail_min_s < voicemail_max_s).
    render_greetings_soon(context, view)

    ``pin`` sets the assistant line's PIN (4 to 8 digits; null removes it). It is never shown:
    ``pin_set`` says whether there is one.
    """
    return save_settings(context, caller.owner_id, body.model_dump(exclude_unset=True))
