"""Exception handlers that turn every failure into a JSON body with a one-line ``detail``.

Statuses come from the error code (``not-found`` 404, ``duplicate-contact`` 409, ...); anything
unexpected is logged with its traceback and answered with a 500 that leaks nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError

logger = logging.getLogger(__name__)

_STATUS_BY_CODE = {
    "bad-cursor": 400,
    "bad-upload": 400,
    "unauthenticated": 401,
    "csrf-failed": 403,
    "not-found": 404,
    "audio-missing": 404,
    "duplicate-contact": 409,
    "no-number": 409,
    "not-virtualized": 409,
    "line-taken": 409,
    "user-exists": 409,
    "webphone-taken": 409,
    "payload-too-large": 413,
    "unsupported-media": 415,
    "login-locked": 429,
    "voicemail-undeletable": 503,
}


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(AssistantError, _assistant_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)


def error_response(status: int, detail: str, code: str | None = None, **extra: Any) -> JSONResponse:
    """Return the standard error body."""
    body: dict[str, Any] = {"detail": detail}
    if code is not None:
        body["code"] = code
    body.update(extra)
    return JSONResponse(status_code=status, content=body)


def status_for(code: str) -> int:
    """Return the HTTP status for an AssistantError code."""
    if code in _STATUS_BY_CODE:
        return _STATUS_BY_CODE[code]
    if code.startswith(("db-", "ari-")):
        return 503
    return 500


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        field = ".".join(loc[1:] if len(loc) > 1 else loc) or "request"
        errors.append({"field": field, "in": loc[0] if loc else None, "message": str(error.get("msg", ""))})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
    return error_response(422, detail, "invalid-request", errors=errors)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = error_response(exc.status_code, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _assistant_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AssistantError)
    status = status_for(exc.code)
    if status >= 500:
        logger.warning("%s %s failed: %s (%s)", request.method, request.url.path, exc.message, exc.code)
    response = error_response(status, exc.message, exc.code)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    retry_after = getattr(exc, "retry_after_s", None)
    if retry_after:
        response.headers["Retry-After"] = str(int(retry_after) + 1)
    return response


def field_error(field: str, message: str, where: str = "body") -> RequestValidationError:
    """Return a 422 error naming one field, shaped like FastAPI's own validation errors."""
    return RequestValidationError([{"loc": (where, field), "msg": message, "type": "value_error"}])


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("%s %s: database error: %s", request.method, request.url.path, exc, exc_info=exc)
    return error_response(503, "database error; see the service log", "db-error")


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.error("%s %s: unexpected error", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal error; see the service log", "internal")
