"""Reading an uploaded picture (a contact's or the owner's): size limited, type checked from the content."""

from __future__ import annotations

from fastapi import UploadFile

from assistant.domain.images import MAX_AVATAR_BYTES, check_avatar
from assistant.errors import AssistantError
from assistant.store.contacts import Avatar

AVATAR_UPLOAD_HELP = f"PNG, JPEG, GIF or WebP, at most {MAX_AVATAR_BYTES // 1024} KiB"


async def read_avatar(file: UploadFile) -> Avatar:
    """Return the uploaded picture.

    Raises:
        AssistantError: ``payload-too-large`` (413) or ``unsupported-media`` (415).
    """
    data = await file.read(MAX_AVATAR_BYTES + 1)
    if len(data) > MAX_AVATAR_BYTES:
        raise AssistantError("payload-too-large", f"the image is larger than {MAX_AVATAR_BYTES // 1024} KiB")
    try:
        mime = check_avatar(data)
    except ValueError as exc:
        raise AssistantError("unsupported-media", str(exc)) from None
    return Avatar(data, mime)
