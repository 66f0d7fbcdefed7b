"""Bearer tokens for API clients (``/auth/token``) and who the caller is (``/auth/me``)."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Context, CurrentCaller
from api.schemas import error_responses
from assistant.errors import AssistantError
from assistant.store.users import LoginResult

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenRequest(BaseModel):
    """Credentials to trade for a bearer token."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"email": "alex@example.com", "password": "correct horse battery"}]},
    )

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    name: str = Field(default="", max_length=100, description="A label for the token, e.g. the client's name")


class TokenResponse(BaseModel):
    """A bearer token: send it as ``Authorization: Bearer <access_token>``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"access_token": "q3J…", "token_type": "bearer", "expires_at": "2025-06-01T00:00:00Z"}
            ]
        }
    )

    access_token: str
    token_type: str = "bearer"
    expires_at: str | None


class Me(BaseModel):
    """The authenticated account."""

    id: int
    email: str
    name: str


class LoginLocked(AssistantError):
    """Too many failed logins for this account name."""

    def __init__(self, seconds: float) -> None:
        minutes = max(1, round(seconds / 60))
        super().__init__("login-locked", f"too many failed logins: try again in {minutes} minute(s)")
        self.retry_after_s = seconds


async def check_login(context, email: str, password: str) -> LoginResult:
    """Check credentials (off the event loop), holding failed answers as the lockout policy says.

    Raises:
        AssistantError: ``login-locked`` (429) or ``unauthenticated`` (401).
    """
    result = await run_in_threadpool(context.users.login, email, password)
    if result.account is not None:
        return result
    if result.delay_s:
        await asyncio.sleep(result.delay_s)
    if result.locked_for_s:
        raise LoginLocked(result.locked_for_s)
    raise AssistantError("unauthenticated", "wrong e-mail or password")


@router.post(
    "/token", response_model=TokenResponse, status_code=201, responses=error_responses(401, 422, 429)
)
async def create_token(body: TokenRequest, context: Context) -> TokenResponse:
    """Log in with e-mail and password and get a bearer token for the API (valid 90 days)."""
    result = await check_login(context, body.email, body.password)
    assert result.account is not None
    token, expires = await run_in_threadpool(context.users.issue_token, result.account.id, body.name)
    return TokenResponse(access_token=token, expires_at=expires.isoformat() if expires else None)


@router.delete("/token", status_code=204, responses=error_responses(401))
async def revoke_token(caller: CurrentCaller, context: Context) -> Response:
    """Revoke the credential this request carries: its bearer token, or its portal session."""
    if caller.bearer_token is not None:
        await run_in_threadpool(context.users.revoke_token, caller.bearer_token)
    elif caller.session_token is not None:
        await run_in_threadpool(context.users.end_session, caller.session_token)
    return Response(status_code=204)


@router.get("/me", response_model=Me, responses=error_responses(401))
def me(caller: CurrentCaller) -> Me:
    """Return the authenticated account."""
    return Me(id=caller.account.id, email=caller.account.email, name=caller.account.name)
