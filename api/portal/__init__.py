"""The web portal: server-rendered pages (Jinja2) over the same repositories as the API, no build step."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

PORTAL_DIR = Path(__file__).resolve().parent


def install_portal(app: FastAPI) -> None:
    """Serve the portal's pages under ``/portal/`` and its static files under ``/portal/static/``."""
    from api.portal.desk_page import router as desk_router
    from api.portal.pages import install_login_redirect, router
    from api.portal.phone_page import router as phone_router
    from api.portal.profile_page import router as profile_router
    from api.portal.queues_page import router as queues_router

    install_login_redirect(app)
    app.mount("/portal/static", StaticFiles(directory=PORTAL_DIR / "static"), name="portal-static")
    app.include_router(router)
    app.include_router(phone_router)
    app.include_router(desk_router)
    app.include_router(profile_router)
    app.include_router(queues_router)
