"""The voicemail API (``/voicemails``): list with transcripts, stream or download audio, mark read, delete."""

from __future__ import annotations

import mimetypes
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import FileResponse

from api.auth import Context, CurrentCaller
from api.context import AppContext
from api.schemas import COMMON_ERRORS, error_responses
from api.voicemail_schemas import VoicemailChange, VoicemailPage, VoicemailPublic, voicemail_public
from assistant.errors import AssistantError
from assistant.store.models import Voicemail

router = APIRouter(prefix="/voicemails", tags=["voicemails"], responses=COMMON_ERRORS)

MAX_ID = 2**63 - 1
VoicemailId = Annotated[int, Path(ge=1, le=MAX_ID, description="Voicemail id")]
AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".gsm": "audio/gsm",
}


def named(context: AppContext, owner_id: int, row: Voicemail) -> VoicemailPublic:
    """The API view of a voicemail, with the caller's phonebook name."""
    contact = context.owners.contact_for(owner_id, row.caller_number)
    return voicemail_public(row, contact.name if contact else None)


def voicemail_or_404(context: AppContext, owner_id: int, voicemail_id: int) -> Voicemail:
    """Return the owner's voicemail or raise ``not-found``."""
    row = context.voicemails.get(owner_id, voicemail_id)
    if row is None:
        raise AssistantError("not-found", f"voicemail {voicemail_id} not found")
    return row


@router.get("", response_model=VoicemailPage, responses=error_responses(400))
def list_voicemails(
    caller: CurrentCaller,
    context: Context,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    unread: Annotated[bool, Query(description="Only messages not yet marked read")] = False,
) -> VoicemailPage:
    """List voicemails, newest first, with their transcripts."""
    rows, next_cursor = context.voicemails.list(caller.owner_id, limit, cursor, unread_only=unread)
    return VoicemailPage(
        items=[named(context, caller.owner_id, row) for row in rows], next_cursor=next_cursor
    )


@router.get("/{voicemail_id}", response_model=VoicemailPublic, responses=error_responses(404))
def get_voicemail(voicemail_id: VoicemailId, caller: CurrentCaller, context: Context) -> VoicemailPublic:
    """Return one voicemail."""
    return named(context, caller.owner_id, voicemail_or_404(context, caller.owner_id, voicemail_id))


@router.get(
    "/{voicemail_id}/audio",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}, "description": "The audio"}, **error_responses(404)},
)
def voicemail_audio(
    voicemail_id: VoicemailId,
    caller: CurrentCaller,
    context: Context,
    download: Annotated[bool, Query(description="Send as an attachment to save")] = False,
) -> FileResponse:
    """Stream the message's audio (HTTP Range supported, so players can seek), or download it."""
    row = voicemail_or_404(context, caller.owner_id, voicemail_id)
    path = context.voicemails.audio_file(row)
    if not path.is_file():
        raise AssistantError("audio-missing", f"the audio of voicemail {voicemail_id} is missing")
    media_type = (
        AUDIO_TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )
    name = f"voicemail-{row.id}-{row.created_at:%Y%m%d-%H%M%S}{path.suffix.lower()}"
    return FileResponse(
        path,
        media_type=media_type,
        filename=name,
        content_disposition_type="attachment" if download else "inline",
        headers={"Cache-Control": "private, no-store"},
    )


@router.patch("/{voicemail_id}", response_model=VoicemailPublic, responses=error_responses(404))
def change_voicemail(
    voicemail_id: VoicemailId, body: VoicemailChange, caller: CurrentCaller, context: Context
) -> VoicemailPublic:
    """Mark a voicemail read or unread."""
    row = context.voicemails.mark_read(caller.owner_id, voicemail_id, body.read)
    return named(context, caller.owner_id, row)


@router.delete("/{voicemail_id}", status_code=204, responses=error_responses(404))
def delete_voicemail(voicemail_id: VoicemailId, caller: CurrentCaller, context: Context) -> Response:
    """Delete a voicemail and its audio file."""
    context.voicemails.delete(caller.owner_id, voicemail_id)
    return Response(status_code=204)
