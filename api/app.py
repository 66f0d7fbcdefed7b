"""The FastAPI application: the REST API (calls, contacts, voicemails, settings, auth), health, portal."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from api.context import AppContext
from api.handlers import install_error_handlers
from api.portal import install_portal
from api.routes import auth, calls, contacts, profile, queues, voicemails, webphone
from api.routes import greeting as greeting_routes
from api.routes import settings as settings_routes
from api.routes import virtualization as virtualization_routes
from api.schemas import Check, Health
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.speech.greeting_audio import GreetingRenderer
from assistant.store.db import Store, open_store

logger = logging.getLogger(__name__)

AriProbe = Callable[[], Awaitable[None]]

TITLE = "Smart Number assistant API"
ARI_PROBE_TIMEOUT_S = 5.0
DESCRIPTION = """Call history, phonebook, voicemail, settings and billing export of the Smart Number.

**Authentication**: `POST /auth/token` with e-mail and password returns a bearer token; send it as
`Authorization: Bearer <token>`. The web portal (`/portal/`) uses a session cookie instead; requests
made with the cookie that change something also need the `X-CSRF-Token` header.

**Errors** are JSON: `{"detail": "...", "code": "..."}`, and for 422 an `errors` list naming each field.
Everything an account owns (calls, contacts, voicemails, settings) is visible only to that account:
another account's id answers 404.
"""
TAGS = [
    {"name": "calls", "description": "The unified call log and the billing export"},
    {"name": "contacts", "description": "The phonebook"},
    {"name": "voicemails", "description": "Messages callers left"},
    {"name": "settings", "description": "The owner's Smart Number settings"},
    {"name": "webphone", "description": "The portal's WebPhone: the SIP account the browser registers with"},
    {"name": "queues", "description": "The caller's queues and their presence in each"},
    {"name": "virtualization", "description": "Moving the owner's extensions onto other phones (*30)"},
    {"name": "profile", "description": "The owner's own account: picture, call notifications, what is new"},
    {"name": "auth", "description": "Bearer tokens and the password"},
    {"name": "health", "description": "Is the service working"},
]


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    ari_probe: AriProbe | None = None,
    greetings: GreetingRenderer | None = None,
) -> FastAPI:
    """Build the API application (and the portal served beside it).

    Args:
        settings: Service settings; the database URL is taken from them when ``store`` is None.
        store: An open, migrated Store. When None the app opens one from ``settings`` and
            migrates it at startup, and closes it at shutdown.
        ari_probe: Async callable that returns when ARI answers and raises when it does not;
            None reports ARI as "not configured".
        greetings: Renders the owners' greetings (the service's, with its Piper voice); None: the
            app loads a voice of its own when a greeting is first rendered.

    Returns:
        The FastAPI application.

    Raises:
        AssistantError: When the app has to open the database and cannot (e.g. ``db-unwritable``).
    """
    owns_store = store is None
    db = store if store is not None else open_store(settings.effective_database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if owns_store:
            await run_in_threadpool(db.migrate)
        try:
            yield
        finally:
            if owns_store:
                db.close()

    app = FastAPI(title=TITLE, description=DESCRIPTION, version="1.0.0", openapi_tags=TAGS, lifespan=lifespan)
    app.state.context = AppContext.build(settings, db, greetings)
    install_error_handlers(app)
    routers = (
        calls,
        contacts,
        voicemails,
        settings_routes,
        greeting_routes,
        profile,
        auth,
        webphone,
        queues,
        virtualization_routes,
    )
    for module in routers:
        app.include_router(module.router)

    install_portal(app)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/portal/", status_code=303)

    @app.get(
        "/healthz",
        response_model=Health,
        responses={503: {"model": Health, "description": "A dependency is not ok"}},
        tags=["health"],
    )
    async def healthz(response: Response) -> Health:
        """Report whether the database and Asterisk ARI are reachable (no authentication)."""
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
