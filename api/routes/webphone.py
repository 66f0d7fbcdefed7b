"""The WebPhone API (``/webphone``): what the portal's phone page needs to register to Asterisk.

The lab has one WebPhone extension; it belongs to the owner whose extensions include it (so the
Smart Number rings it, and what it dials is that owner's call). ``POST /webphone/enable`` adds it
to the owner's extensions while no other owner has it.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth import Context, CurrentCaller
from api.context import AppContext
from api.routes.settings import save_settings
from api.schemas import COMMON_ERRORS, error_responses
from assistant.domain.caller_id import owned_numbers
from assistant.errors import AssistantError
from assistant.pbx import webphone

router = APIRouter(prefix="/webphone", tags=["webphone"], responses=COMMON_ERRORS)


class WebphoneDoc(BaseModel):
    """The WebPhone account of the owner, and the caller IDs they may choose for a call."""

    enabled: bool = Field(description="Whether the WebPhone is among the owner's extensions")
    extension: str
    websocket_url: str = Field(description="Asterisk's secure websocket for SIP")
    certificate_url: str = Field(description="Open once to accept the lab's self-signed certificate")
    sip_uri: str | None = Field(description="The address to register; null until enabled")
    user: str | None = None
    password: str | None = Field(default=None, description="Only while enabled")
    caller_ids: list[str] = Field(description="Numbers the owner may show on a call")
    default_caller_id: str | None
    do_not_disturb: bool


def _owned_by_other(context: AppContext, owner_id: int) -> bool:
    holder = context.owners.owner_for_extension(webphone.EXTENSION)
    return holder is not None and holder.owner_id != owner_id


def webphone_doc(context: AppContext, owner_id: int) -> WebphoneDoc:
    """The owner's WebPhone document; the password only once the extension is theirs."""
    if not context.settings.uses_lab:
        raise AssistantError(
            "not-found", "the WebPhone is part of the lab Asterisk, which this service does not run"
        )
    view = context.owner_settings.get(owner_id)
    if view is None:
        raise AssistantError("not-found", "this account has no settings")
    account = webphone.account(context.settings)
    enabled = account.extension in view.extensions or f"PJSIP/{account.extension}" in view.extensions
    return WebphoneDoc(
        enabled=enabled,
        extension=account.extension,
        websocket_url=account.websocket_url,
        certificate_url=account.certificate_page,
        sip_uri=account.uri if enabled else None,
        user=account.extension if enabled else None,
        password=account.password if enabled else None,
        caller_ids=list(
            owned_numbers(
                view.smart_number, view.extra_lines, view.local_numbers, view.mobile, view.registered_phones
            )
        ),
        default_caller_id=view.caller_id,
        do_not_disturb=view.do_not_disturb,
    )


@router.get("", response_model=WebphoneDoc, responses=error_responses(404))
def get_webphone(caller: CurrentCaller, context: Context) -> WebphoneDoc:
    """Return the WebPhone's address and account (the password only while it is the owner's)."""
    return webphone_doc(context, caller.owner_id)


@router.post("/enable", response_model=WebphoneDoc, responses=error_responses(404, 409))
def enable_webphone(caller: CurrentCaller, context: Context) -> WebphoneDoc:
    """Make the WebPhone one of the owner's extensions, so the Smart Number rings it."""
    doc = webphone_doc(context, caller.owner_id)
    if doc.enabled:
        return doc
    if _owned_by_other(context, caller.owner_id):
        raise AssistantError("webphone-taken", "the WebPhone extension belongs to another account")
    view = context.owner_settings.get(caller.owner_id)
    save_settings(context, caller.owner_id, {"extensions": [*view.extensions, doc.extension]})
    return webphone_doc(context, caller.owner_id)
