"""The FastAPI application: call history (``/calls``) and health (``/healthz``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import FastAPI, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from api.handlers import install_error_handlers
from api.schemas import CallPage, CallPublic, Check, ErrorBody, Health
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.store.calls import CallLog
from assistant.store.db import Store, open_store

logger = logging.getLogger(__name__)

AriProbe = Callable[[], Awaitable[None]]

TITLE = "Smart Number assistant API"
ARI_PROBE_TIMEOUT_S = 5.0
_MAX_ID = 2**63 - 1
_ERRORS = {
    400: {"model": ErrorBody, "description": "Bad request"},
    422: {"model": ErrorBody, "description": "Invalid parameters"},
    500: {"model": ErrorBody, "description": "Internal error"},
    503: {"model": ErrorBody, "description": "Database unavailable"},
}


def create_app(
    settings: Settings, *, store: Store | None = None, ari_probe: AriProbe | None = None
) -> FastAPI:
    """Build the API application.

    Args:
        settings: Service settings; the database URL is taken from them when ``store`` is None.
        store: An open, migrated Store. When None the app opens one from ``settings`` and
            migrates it at startup, and closes it at shutdown.
        ari_probe: Async callable that returns when ARI answers and raises when it does not;
            None reports ARI as "not configured".

    Returns:
        The FastAPI application.

    Raises:
        AssistantError: When the app has to open the database and cannot (e.g. ``db-unwritable``).
    """
    owns_store = store is None
    db = store if store is not None else open_store(settings.effective_database_url)
    calls = CallLog(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if owns_store:
            await run_in_threadpool(db.migrate)
        try:
            yield
        finally:
            if owns_store:
                db.close()

    app = FastAPI(
        title=TITLE,
        description="Call history and health of the Smart Number phone assistant.",
        lifespan=lifespan,
    )
    install_error_handlers(app)

    @app.get("/calls", response_model=CallPage, responses=_ERRORS, tags=["calls"])
    def list_calls(
        limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
        cursor: Annotated[str | None, Query(description="next_cursor from the previous page")] = None,
    ) -> CallPage:
        """List calls, newest first."""
        rows, next_cursor = calls.list_calls(limit, cursor)
        return CallPage(items=[CallPublic.model_validate(row) for row in rows], next_cursor=next_cursor)

    @app.get(
        "/calls/{call_id}",
        response_model=CallPublic,
        responses={404: {"model": ErrorBody, "description": "No such call"}, **_ERRORS},
        tags=["calls"],
    )
    def get_call(call_id: Annotated[int, Path(ge=-_MAX_ID, le=_MAX_ID)]) -> CallPublic:
        """Return one call with its event log."""
        row = calls.get(call_id)
        if row is None:
            raise AssistantError("not-found", f"call {call_id} not found")
        return CallPublic.model_validate(row)

    @app.get(
        "/healthz",
        response_model=Health,
        responses={503: {"model": Health, "description": "A dependency is not ok"}},
        tags=["health"],
    )
    async def healthz(response: Response) -> Health:
        """Report whether the database and Asterisk ARI are reachable."""
        db_check, ari_check = await asyncio.gather(_check_db(db), _check_ari(ari_probe))
        healthy = db_check.ok and ari_check.ok
        if not healthy:
            response.status_code = 503
        return Health(status="ok" if healthy else "degraded", db=db_check, ari=ari_check)

    return app


async def _check_db(store: Store) -> Check:
    try:
        await run_in_threadpool(store.ping)
    except AssistantError as exc:
        return Check(ok=False, detail=exc.message)
    return Check(ok=True, detail=f"{store.engine.dialect.name} ok")


async def _check_ari(probe: AriProbe | None) -> Check:
    if probe is None:
        return Check(ok=False, detail="not configured")
    try:
        async with asyncio.timeout(ARI_PROBE_TIMEOUT_S):
            await probe()
    except TimeoutError:
        return Check(ok=False, detail=f"no answer within {ARI_PROBE_TIMEOUT_S:g} s")
    except Exception as exc:
        return Check(ok=False, detail=str(exc) or type(exc).__name__)
    return Check(ok=True, detail="ok")
