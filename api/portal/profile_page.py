"""The portal's profile page (``/portal/profile``): the owner's own account, its password, picture and
call notifications."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from api.auth import CSRF_FIELD, check_csrf
from api.avatars import AVATAR_UPLOAD_HELP, read_avatar
from api.portal.pages import Ctx, PortalCaller, checked_form, errors_by_field, render
from api.routes.auth import change_password
from assistant.errors import AssistantError

router = APIRouter(prefix="/portal", include_in_schema=False)

NOTICES = {
    "password": "Your password is changed. Your other browsers and API tokens were logged out.",
    "avatar": "Your picture is saved.",
    "avatar-removed": "Your picture is removed.",
    "notifications-on": "Call notifications are on.",
    "notifications-off": "Call notifications are off.",
}


def profile(
    request: Request, caller, status: int = 200, errors: dict[str, str] | None = None, notice: str = ""
):
    return render(
        request,
        "profile.html",
        caller,
        status,
        errors=errors or {},
        notice=NOTICES.get(notice, ""),
        avatar_help=AVATAR_UPLOAD_HELP,
    )


def done(notice: str) -> Response:
    return RedirectResponse(f"/portal/profile?notice={notice}", status_code=303)


@router.get("/profile")
def profile_page(request: Request, caller: PortalCaller, notice: str = "") -> Response:
    return profile(request, caller, notice=notice)


@router.post("/profile/password")
async def change_password_page(request: Request, caller: PortalCaller, context: Ctx) -> Response:
    form = await checked_form(request, caller)
    try:
        await change_password(context, caller, form.get("current_password", ""), form.get("new_password", ""))
    except RequestValidationError as exc:
        return profile(request, caller, 422, errors_by_field(exc))
    except AssistantError as exc:
        if exc.code != "login-locked":
            raise
        return profile(
            request, caller, 429, {"current_password": exc.message[0].upper() + exc.message[1:] + "."}
        )
    return done("password")


@router.post("/profile/avatar")
async def upload_avatar_page(request: Request, caller: PortalCaller, context: Ctx) -> Response:
    form = await request.form()
    check_csrf(caller, str(form.get(CSRF_FIELD) or ""))
    upload = form.get("avatar")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return profile(request, caller, 422, {"avatar": "choose a picture to upload"})
    try:
        avatar = await read_avatar(upload)
    except AssistantError as exc:
        return profile(
            request, caller, 413 if exc.code == "payload-too-large" else 415, {"avatar": exc.message}
        )
    await run_in_threadpool(context.profiles.set_avatar, caller.owner_id, avatar)
    return done("avatar")


@router.post("/profile/avatar/delete")
async def remove_avatar_page(request: Request, caller: PortalCaller, context: Ctx) -> Response:
    await checked_form(request, caller)
    await run_in_threadpool(context.profiles.set_avatar, caller.owner_id, None)
    return done("avatar-removed")


@router.post("/profile/notifications")
async def call_notifications_page(request: Request, caller: PortalCaller, context: Ctx) -> Response:
    form = await checked_form(request, caller)
    enabled = form.get("call_notifications") in ("on", "true", "1")
    await run_in_threadpool(context.profiles.set_call_notifications, caller.owner_id, enabled)
    return done("notifications-on" if enabled else "notifications-off")
