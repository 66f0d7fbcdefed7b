"""The portal's queues page (``/portal/queues``): one switch per queue the owner is a member of, for
the owner's presence in it. The switch saves at once (``static/queues.js`` calls the API); without
scripts, each queue's form posts here."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.portal.pages import Ctx, PortalCaller, checked_form, render
from api.routes.queues import MAX_ID
from assistant.errors import AssistantError

router = APIRouter(prefix="/portal", include_in_schema=False)


@router.get("/queues")
async def queues_page(request: Request, caller: PortalCaller, context: Ctx) -> Response:
    memberships = await run_in_threadpool(context.queues.memberships, caller.owner_id)
    return render(request, "queues.html", caller, queues=memberships)


@router.post("/queues/{queue_id}/presence")
async def presence_form(
    request: Request, caller: PortalCaller, context: Ctx, queue_id: int = Path(ge=1, le=MAX_ID)
) -> Response:
    form = await checked_form(request, caller)
    present = form.get("present") == "on"
    if await run_in_threadpool(context.queues.set_presence, caller.owner_id, queue_id, present) is None:
        raise AssistantError("not-found", f"you are not a member of queue {queue_id}")
    return RedirectResponse("/portal/queues", status_code=303)
