"""Who is asking: bearer tokens for API clients, the session cookie for the portal, and CSRF.

A request is authenticated by ``Authorization: Bearer <token>`` or by the ``assistant_session``
cookie (HttpOnly, SameSite=Strict). Cookie-authenticated requests that change something must also
carry the session's CSRF token (header ``X-CSRF-Token``, or the ``csrf_token`` form field on portal
forms): the cookie alone never authorizes a change. Decision record: docs/decisions/0005-auth.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from api.context import AppContext, get_context
from assistant.domain.credentials import same_token
from assistant.errors import AssistantError
from assistant.store.users import Account

logger = logging.getLogger(__name__)

SESSION_COOKIE = "assistant_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(auto_error=False, description="A token from POST /auth/token")
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="The portal's session cookie; changes also need the X-CSRF-Token header",
)


@dataclass(frozen=True)
class Caller:
    """The authenticated account, and how it authenticated."""

    account: Account
    via: str
    csrf_token: str | None = None
    session_token: str | None = None
    bearer_token: str | None = None

    @property
    def owner_id(self) -> int:
        """The owner whose objects this request may see."""
        return self.account.id


class Unauthenticated(AssistantError):
    """No valid token or session."""

    def __init__(self, message: str = "authentication required: log in, or send a bearer token") -> None:
        super().__init__("unauthenticated", message)


async def authenticate(
    request: Request,
    context: Annotated[AppContext, Depends(get_context)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    session_cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Caller:
    """FastAPI dependency: the caller, from a bearer token or the session cookie (with CSRF on changes).

    Raises:
        AssistantError: ``unauthenticated`` (401) or ``csrf-failed`` (403).
    """
    if bearer is not None:
        account = await run_in_threadpool(context.users.token_account, bearer.credentials)
        if account is None:
            raise Unauthenticated("the bearer token is not valid (expired or revoked?)")
        return Caller(account, "token", bearer_token=bearer.credentials)
    if request.headers.get("authorization"):
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    if session_cookie:
        info = await run_in_threadpool(context.users.session_for, session_cookie)
        if info is None:
            raise Unauthenticated("the session has ended: log in again")
        caller = Caller(info.account, "session", info.csrf_token, session_cookie)
        if request.method not in SAFE_METHODS:
            check_csrf(caller, request.headers.get(CSRF_HEADER))
        return caller
    raise Unauthenticated()


def check_csrf(caller: Caller, token: str | None) -> None:
    """Raise ``csrf-failed`` unless ``token`` is the session's CSRF token."""
    if caller.via != "session":
        return
    if not token or caller.csrf_token is None or not same_token(token, caller.csrf_token):
        raise AssistantError("csrf-failed", "the form or request is missing its CSRF token: reload the page")


CurrentCaller = Annotated[Caller, Depends(authenticate)]
Context = Annotated[AppContext, Depends(get_context)]
