"""Bearer tokens for API clients (``/auth/token``) and who the caller is (``/auth/me``)."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Caller, Context, CurrentCaller
from api.handlers import field_error
from api.schemas import COMMON_ERRORS, error_responses
from assistant.domain.credentials import MAX_PASSWORD_LEN, MIN_PASSWORD_LEN, check_password_policy
from assistant.errors import AssistantError
from assistant.store.users import LoginResult

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/auth", tags=["auth"], responses=COMMON_ERRORS)


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


class PasswordChange(BaseModel):
    """The current password, to show it is the owner, and the new one."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"current_password": "correct horse battery", "new_password": "a longer passphrase"}]
        },
    )

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(max_length=1024)


NEW_PASSWORD_RULE = f"must have {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} characters, not only spaces"


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


async def change_password(context, caller: Caller, current_password: str, new_password: str) -> None:
    """Check the current password (failures count toward the login lockout), then set the new one.

    The credential of this request (session or bearer token) stays valid; every other session and
    token of the account ends, so a browser or client that knew the old password is logged out.

    Raises:
        RequestValidationError: 422 naming ``current_password`` or ``new_password``.
        AssistantError: ``login-locked`` (429) after too many wrong passwords.
    """
    try:
        check_password_policy(new_password)
    except ValueError:
        raise field_error("new_password", NEW_PASSWORD_RULE) from None
    try:
        await check_login(context, caller.account.email, current_password)
    except AssistantError as exc:
        if exc.code != "unauthenticated":
            raise
        raise field_error("current_password", "this is not your current password") from None
    if new_password == current_password:
        raise field_error("new_password", "must differ from the current password")
    keep = caller.session_token or caller.bearer_token or ""
    await run_in_threadpool(context.users.change_password, caller.account.id, new_password, keep=keep)


@router.post("/password", status_code=204, responses=error_responses(401, 403, 422, 429))
async def set_password(body: PasswordChange, caller: CurrentCaller, context: Context) -> Response:
    """Change the account's password. The session or token of this request stays valid; every other
    session and token of the account is ended."""
    await change_password(context, caller, body.current_password, body.new_password)
    return Response(status_code=204)
