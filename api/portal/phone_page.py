"""The portal's phone page (``/portal/phone``): the WebPhone, a SIP user agent in the browser.

The page talks to the lab Asterisk's secure websocket itself, so its Content-Security-Policy lets
it connect there as well as to the portal.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.portal.pages import SECURITY_HEADERS, Ctx, PortalCaller, render
from assistant.pbx import webphone

router = APIRouter(prefix="/portal", include_in_schema=False)


def phone_csp(websocket_url: str) -> str:
    """The portal's policy, with the WebPhone's websocket added to where the page may connect."""
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    return f"{policy}; connect-src 'self' {websocket_url}"


@router.get("/phone")
def phone_page(
    request: Request,
    caller: PortalCaller,
    context: Ctx,
    dial: Annotated[str, Query(max_length=40, pattern=r"^[0-9+*#() .\-]*$")] = "",
) -> Response:
    response = render(request, "phone.html", caller, dial=dial)
    response.headers["Content-Security-Policy"] = phone_csp(webphone.account(context.settings).websocket_url)
    return response
