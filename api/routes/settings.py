"""The settings API (``/settings``): everything the Smart Number keeps per owner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from api.auth import Context, CurrentCaller
from api.context import AppContext
from api.handlers import field_error
from api.routes.greeting import render_greetings_soon
from api.schemas import COMMON_ERRORS, error_responses
from api.settings_schemas import READ_ONLY, PinChange, SettingsDoc, SettingsPatch
from assistant.errors import AssistantError
from assistant.store.usage import OutboundUsage

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
    never shown; ``pin_set`` in the result says whether there is one. ``outbound_passcode`` is the
    same for calls to ``passcode_destinations`` (``outbound_passcode_set``).
    """
    changes = dict(changes)
    pin_change = {}
    for secret in ("pin", "outbound_passcode"):
        if secret in changes:
            pin_change[secret] = getattr(validate_settings({secret: changes.pop(secret)}, PinChange), secret)
    for name in READ_ONLY:
        changes.pop(name, None)
    merged = {**current_settings(context, owner_id), **changes}
    if "ring_seconds" not in changes:
        merged["ring_seconds"] = seconds_of_remaining_devices(merged)
    doc = validate_settings(merged)
    has_passcode = (
        pin_change["outbound_passcode"] is not None
        if "outbound_passcode" in pin_change
        else doc.outbound_passcode_set
    )
    if doc.passcode_destinations and not has_passcode:
        raise field_error(
            "passcode_destinations",
            "Value error, passcode destinations need an outbound passcode: set outbound_passcode",
        )
    view = context.owner_settings.update(owner_id, {**doc.model_dump(exclude=set(READ_ONLY)), **pin_change})
    render_greetings_soon(context, view)
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


class MonthlyUsagePublic(BaseModel):
    """Outbound talk time this calendar month, in the owner's time zone, against the monthly limit."""

    monthly_limit_minutes: int | None = Field(description="The limit; null: unlimited")
    used_s: float = Field(description="Billable outbound talk time this month, in seconds")
    remaining_s: float | None = Field(description="Seconds of outbound talk left; null: unlimited")
    month_start: datetime = Field(description="When this month began (the owner's midnight of the 1st)")
    resets_at: datetime = Field(description="When the count starts again")


@router.get("/usage", response_model=MonthlyUsagePublic)
def get_usage(caller: CurrentCaller, context: Context) -> MonthlyUsagePublic:
    """Return this month's outbound talk time and what is left of the monthly limit."""
    usage = OutboundUsage(context.store).this_month(caller.owner_id)
    if usage is None:
        raise AssistantError("not-found", "this account has no settings")
    return MonthlyUsagePublic(
        monthly_limit_minutes=usage.limit_minutes,
        used_s=round(usage.used_s, 1),
        remaining_s=None if usage.remaining_s is None else round(usage.remaining_s, 1),
        month_start=usage.month_start,
        resets_at=usage.resets_at,
    )


@router.patch("", response_model=SettingsDoc, responses=error_responses(409))
def change_settings(body: SettingsPatch, caller: CurrentCaller, context: Context) -> SettingsDoc:  # type: ignore[valid-type]
    """Change some settings; the result is validated as a whole (e.g. voicemail_min_s < voicemail_max_s).

    ``pin`` sets the assistant line's PIN (4 to 8 digits; null removes it). It is never shown:
    ``pin_set`` says whether there is one.
    """
    return save_settings(context, caller.owner_id, body.model_dump(exclude_unset=True))
