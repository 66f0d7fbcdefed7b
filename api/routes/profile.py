"""The owner's own account in the portal (``/profile``): picture, call notifications, what is new."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Context, CurrentCaller
from api.avatars import AVATAR_UPLOAD_HELP, read_avatar
from api.context import AppContext
from api.schemas import COMMON_ERRORS, error_responses
from assistant.errors import AssistantError
from assistant.store.profiles import ProfileView, Unseen

router = APIRouter(prefix="/profile", tags=["profile"], responses=COMMON_ERRORS)

AVATAR_URL = "/profile/avatar"


class ProfilePublic(BaseModel):
    """The owner's own account as the portal shows it."""

    id: int
    email: str
    name: str
    has_avatar: bool
    avatar_url: str | None = Field(description="Where the picture is, when there is one")
    call_notifications: bool = Field(description="Whether the browser shows a notification for calls")


class ProfilePatch(BaseModel):
    """The profile settings to change."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"call_notifications": True}]})

    call_notifications: bool | None = Field(
        default=None, description="Show a browser notification when a call comes in or is missed"
    )


class UnseenPublic(BaseModel):
    """What is new to the owner."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "missed_calls": 2,
                    "unread_voicemails": 1,
                    "calls_seen_at": "2025-03-03T15:00:00Z",
                    "last_missed_at": "2025-03-03T16:10:00Z",
                }
            ]
        }
    )

    missed_calls: int = Field(description="Missed calls (and calls that ended in a voicemail) not yet seen")
    unread_voicemails: int
    calls_seen_at: datetime | None = Field(description="When the owner last looked at the call log")
    last_missed_at: datetime | None = Field(description="When the newest unseen missed call ended")


def profile_public(view: ProfileView) -> ProfilePublic:
    """Return the API form of a profile."""
    return ProfilePublic(
        id=view.id,
        email=view.email,
        name=view.name,
        has_avatar=view.has_avatar,
        avatar_url=AVATAR_URL if view.has_avatar else None,
        call_notifications=view.call_notifications,
    )


def unseen_public(unseen: Unseen) -> UnseenPublic:
    """Return the API form of what is new."""
    return UnseenPublic(
        missed_calls=unseen.missed_calls,
        unread_voicemails=unseen.unread_voicemails,
        calls_seen_at=unseen.calls_seen_at,
        last_missed_at=unseen.last_missed_at,
    )


def own_profile(context: AppContext, owner_id: int) -> ProfileView:
    """Return the caller's profile (every account has one)."""
    view = context.profiles.get(owner_id)
    if view is None:
        raise AssistantError("not-found", "this account no longer exists")
    return view


@router.get("", response_model=ProfilePublic)
def get_profile(caller: CurrentCaller, context: Context) -> ProfilePublic:
    """Return the owner's profile."""
    return profile_public(own_profile(context, caller.owner_id))


@router.patch("", response_model=ProfilePublic, responses=error_responses(404))
def change_profile(body: ProfilePatch, caller: CurrentCaller, context: Context) -> ProfilePublic:
    """Change profile settings (turn the browser's call notifications on or off)."""
    if body.call_notifications is not None:
        context.profiles.set_call_notifications(caller.owner_id, body.call_notifications)
    return profile_public(own_profile(context, caller.owner_id))


@router.get(
    "/avatar",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}, "image/jpeg": {}}},
        304: {"description": "The picture is the one the browser has (``If-None-Match``)"},
        **error_responses(404),
    },
)
def get_avatar(request: Request, caller: CurrentCaller, context: Context) -> Response:
    """Return the owner's picture (the header shows it on every page: browsers revalidate by ETag)."""
    avatar = context.profiles.avatar(caller.owner_id)
    if avatar is None:
        raise AssistantError("not-found", "you have no picture")
    etag = '"' + hashlib.sha256(avatar.data).hexdigest()[:32] + '"'
    headers = {"Cache-Control": "private, no-cache", "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(avatar.data, media_type=avatar.mime, headers=headers)


@router.put("/avatar", response_model=ProfilePublic, responses=error_responses(404, 413, 415))
async def set_avatar(
    caller: CurrentCaller,
    context: Context,
    file: Annotated[UploadFile, File(description=AVATAR_UPLOAD_HELP)],
) -> ProfilePublic:
    """Set or replace the owner's picture (type checked from the content, size limited)."""
    avatar = await read_avatar(file)
    await run_in_threadpool(context.profiles.set_avatar, caller.owner_id, avatar)
    return profile_public(await run_in_threadpool(own_profile, context, caller.owner_id))


@router.delete("/avatar", status_code=204)
def delete_avatar(caller: CurrentCaller, context: Context) -> Response:
    """Remove the owner's picture (nothing happens when there is none)."""
    context.profiles.set_avatar(caller.owner_id, None)
    return Response(status_code=204)


@router.get("/unseen", response_model=UnseenPublic)
def get_unseen(caller: CurrentCaller, context: Context) -> UnseenPublic:
    """Count what is new: missed calls since the owner last looked at the call log, unread voicemails."""
    return unseen_public(context.profiles.unseen(caller.owner_id))


@router.post("/calls-seen", response_model=UnseenPublic)
def mark_calls_seen(caller: CurrentCaller, context: Context) -> UnseenPublic:
    """Record that the owner has seen the call log now (viewing the portal's call log does the same)."""
    context.profiles.mark_calls_seen(caller.owner_id)
    return unseen_public(context.profiles.unseen(caller.owner_id))
