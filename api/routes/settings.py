"""The settings API (``/settings``): everything the Smart Number keeps per owner."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from api.auth import Context, CurrentCaller
from api.context import AppContext
from api.schemas import COMMON_ERRORS, error_responses
from api.settings_schemas import SettingsDoc, SettingsPatch
from assistant.errors import AssistantError

router = APIRouter(prefix="/settings", tags=["settings"], responses=COMMON_ERRORS)


def current_settings(context: AppContext, owner_id: int) -> dict[str, Any]:
    """Return the owner's settings as the API shows them."""
    view = context.owner_settings.get(owner_id)
    if view is None:
        raise AssistantError("not-found", "this account has no settings")
    return view.as_dict()


def validate_settings(values: dict[str, Any]) -> SettingsDoc:
    """Validate a whole settings document; a 422 names each wrong field."""
    try:
        return SettingsDoc.model_validate(values)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error.get("loc", ()))} for error in exc.errors(include_url=False)]
        ) from None


def save_settings(context: AppContext, owner_id: int, changes: dict[str, Any]) -> SettingsDoc:
    """Merge ``changes`` into the owner's settings, validate the result, store and return it."""
    merged = {**current_settings(context, owner_id), **changes}
    doc = validate_settings(merged)
    view = context.owner_settings.update(owner_id, doc.model_dump())
    return SettingsDoc.model_validate(view.as_dict())


@router.get("", response_model=SettingsDoc)
def get_settings(caller: CurrentCaller, context: Context) -> SettingsDoc:
    """Return the owner's settings."""
    return SettingsDoc.model_validate(current_settings(context, caller.owner_id))


@router.patch("", response_model=SettingsDoc, responses=error_responses(409))
def change_settings(body: SettingsPatch, caller: CurrentCaller, context: Context) -> SettingsDoc:  # type: ignore[valid-type]
    """Change some settings; the result is validated as a whole (e.g. voicemail_min_s < voicemail_max_s)."""
    return save_settings(context, caller.owner_id, body.model_dump(exclude_unset=True))
