"""The portal's profile page (``/portal/profile``): the owner's own account, its password."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from api.portal.pages import Ctx, PortalCaller, checked_form, errors_by_field, render
from api.routes.auth import change_password
from assistant.errors import AssistantError

router = APIRouter(prefix="/portal", include_in_schema=False)

NOTICES = {"password": "Your password is changed. Your other browsers and API tokens were logged out."}


@router.get("/profile")
def profile_page(request: Request, caller: PortalCaller, notice: str = "") -> Response:
    return render(request, "profile.html", caller, errors={}, notice=NOTICES.get(notice, ""))


@router.post("/profile/password")
async def change_password_page(request: Request, caller: PortalCaller, context: Ctx) -> Response:
    form = await checked_form(request, caller)
    try:
        await change_password(context, caller, form.get("current_password", ""), form.get("new_password", ""))
    except RequestValidationError as exc:
        return render(request, "profile.html", caller, 422, errors=errors_by_field(exc), notice="")
    except AssistantError as exc:
        if exc.code != "login-locked":
            raise
        errors = {"current_password": exc.message[0].upper() + exc.message[1:] + "."}
        return render(request, "profile.html", caller, 429, errors=errors, notice="")
    return RedirectResponse("/portal/profile?notice=password", status_code=303)
