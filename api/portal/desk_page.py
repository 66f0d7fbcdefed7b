"""The portal's desk phones page (``/portal/desk``): where each of the owner's extensions rings now
(its own phone, or the base it is virtualized on), its secret code for ``*30``, and "Return to my
desk phone"; server-rendered forms over the same rules as the ``/virtualization`` API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.portal.pages import Ctx, PortalCaller, checked_form, render
from api.routes.virtualization import ExtensionPath, own_extension, status
from assistant.domain.virtualization import check_code
from assistant.store.virtualization import Virtualizations

router = APIRouter(prefix="/portal", include_in_schema=False)

NOTICES = {
    "returned": "Your extension is back on your desk phone.",
    "code": "The secret code is saved.",
    "code-removed": "The secret code is removed: the extension can no longer be virtualized.",
}


def desk(request: Request, caller, context, status_code: int = 200, errors=None, notice: str = ""):
    return render(
        request,
        "desk.html",
        caller,
        status_code,
        virtualization=status(context, caller.owner_id),
        errors=errors or {},
        notice=NOTICES.get(notice, ""),
    )


@router.get("/desk")
async def desk_page(request: Request, caller: PortalCaller, context: Ctx, notice: str = "") -> Response:
    return await run_in_threadpool(desk, request, caller, context, notice=notice)


@router.post("/desk/{extension}/return")
async def return_page(
    request: Request, extension: ExtensionPath, caller: PortalCaller, context: Ctx
) -> Response:
    await checked_form(request, caller)
    await run_in_threadpool(own_extension, context, caller.owner_id, extension)
    await run_in_threadpool(Virtualizations(context.store).return_home, extension, "portal")
    return RedirectResponse("/portal/desk?notice=returned", status_code=303)


@router.post("/desk/{extension}/code")
async def code_page(
    request: Request, extension: ExtensionPath, caller: PortalCaller, context: Ctx
) -> Response:
    form = await checked_form(request, caller)
    await run_in_threadpool(own_extension, context, caller.owner_id, extension)
    places = Virtualizations(context.store)
    if form.get("remove"):
        await run_in_threadpool(places.remove_code, extension, "portal")
        return RedirectResponse("/portal/desk?notice=code-removed", status_code=303)
    try:
        code = check_code(form.get("code", ""))
    except ValueError as exc:
        return await run_in_threadpool(desk, request, caller, context, 422, {extension: str(exc)})
    await run_in_threadpool(places.set_code, caller.owner_id, extension, code)
    return RedirectResponse("/portal/desk?notice=code", status_code=303)
