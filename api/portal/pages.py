"""The portal's pages: log in and out, call history, phonebook, voicemail, settings.

Pages are rendered on the server from the same repositories the API uses, so every rule
(ownership, validation, formula-safe exports) is the API's. Forms post with the session's CSRF
token in a hidden field; the session cookie is HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from api.auth import CSRF_FIELD, SESSION_COOKIE, Caller, check_csrf
from api.contact_schemas import ContactIn, contact_public, storage_values
from api.context import AppContext, get_context
from api.portal import PORTAL_DIR
from api.portal.header import portal_header
from api.portal.ring_form import (
    ring_devices,
    ring_seconds_errors,
    ring_seconds_from_form,
    ring_seconds_values,
)
from api.portal.usage_summary import usage_summary
from api.routes.auth import check_login
from api.routes.calls import local_range
from api.routes.settings import current_settings, save_settings
from api.schemas import call_public
from assistant.domain.credentials import new_token, same_token
from assistant.domain.phone import BadNumber, normalize_number
from assistant.errors import AssistantError
from assistant.speech.greeting_voice import VOICES as GREETING_VOICES
from assistant.store.history import CallFilters
from assistant.store.users import SESSION_TTL

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/portal", include_in_schema=False)
templates = Jinja2Templates(directory=PORTAL_DIR / "templates")
templates.env.globals["greeting_voices"] = [(name, choice.label) for name, choice in GREETING_VOICES.items()]

LOGIN_CSRF_COOKIE = "assistant_login_csrf"
PAGE_SIZE = 50
KINDS = ("inbound", "outbound", "missed", "voicemail")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
LIST_SETTINGS = (
    "registered_phones",
    "extra_lines",
    "local_numbers",
    "extensions",
    "vip_numbers",
    "blocked_numbers",
    "notification_emails",
    "importance_words",
    "passcode_destinations",
)
BOOL_SETTINGS = ("screening", "do_not_disturb", "show_caller_id", "local_id", "call_waiting")


class LoginRequired(Exception):
    """The page needs a logged-in session."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def install_login_redirect(app: FastAPI) -> None:
    """Send visitors without a session to the login page instead of a JSON 401."""

    async def to_login(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        target = "/portal/login"
        if exc.next_url and exc.next_url.startswith("/portal/"):
            target += "?" + urlencode({"next": exc.next_url})
        return RedirectResponse(target, status_code=303)

    app.add_exception_handler(LoginRequired, to_login)


async def portal_caller(request: Request, context: Annotated[AppContext, Depends(get_context)]) -> Caller:
    """Dependency: the logged-in account of a portal page (redirects to the login page otherwise)."""
    token = request.cookies.get(SESSION_COOKIE)
    info = await run_in_threadpool(context.users.session_for, token) if token else None
    if info is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return Caller(info.account, "session", info.csrf_token, token)


PortalCaller = Annotated[Caller, Depends(portal_caller)]
Ctx = Annotated[AppContext, Depends(get_context)]


async def checked_form(request: Request, caller: Caller) -> dict[str, Any]:
    """Return a posted form's fields after checking its CSRF token."""
    form = await request.form()
    check_csrf(caller, str(form.get(CSRF_FIELD) or ""))
    return {key: value for key, value in form.multi_items() if key != CSRF_FIELD and isinstance(value, str)}


def render(
    request: Request, template: str, caller: Caller | None, status: int = 200, **values: Any
) -> HTMLResponse:
    """Render a page with the common values (account, CSRF token, current section)."""
    context = {
        "caller": caller,
        "csrf_token": caller.csrf_token if caller else "",
        "section": template,
        "header": portal_header(request, caller),
        **values,
    }
    return templates.TemplateResponse(
        request, template, context, status_code=status, headers=SECURITY_HEADERS
    )


def owner_clock(context: AppContext, owner_id: int):
    """Return a formatter of UTC datetimes on the owner's wall clock."""
    view = context.owner_settings.get(owner_id)
    zone = ZoneInfo(view.time_zone if view else "UTC")

    def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return value.astimezone(zone).strftime(fmt) if value is not None else ""

    return local


def duration(seconds: float | None) -> str:
    """Return seconds as ``m:ss`` (empty for none)."""
    if seconds is None:
        return ""
    whole = int(seconds + 0.5)
    return f"{whole // 60}:{whole % 60:02d}"


def errors_by_field(exc: ValidationError | RequestValidationError) -> dict[str, str]:
    """Return the first message per field of a validation error."""
    found: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
        field = loc[0] if loc else "form"
        found.setdefault(field, str(error.get("msg", "invalid")).removeprefix("Value error, "))
    return found


# --- login / logout ---------------------------------------------------------------------------


@router.get("/login")
async def login_page(request: Request, context: Ctx, next: str = "/portal/calls") -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token and await run_in_threadpool(context.users.session_for, token):
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_form(request, next)


@router.post("/login")
async def login(request: Request, context: Ctx) -> Response:
    form = await request.form()
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    next_url = _safe_next(str(form.get("next") or ""))
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not cookie_token or not same_token(cookie_token, str(form.get(CSRF_FIELD) or "")):
        return _login_form(request, next_url, "The login form expired: please try again.", 403, email)
    try:
        result = await check_login(context, email, password)
    except AssistantError as exc:
        status = 429 if exc.code == "login-locked" else 401
        message = exc.message[0].upper() + exc.message[1:] + "."
        return _login_form(request, next_url, message, status, email)
    assert result.account is not None
    token, _csrf = await run_in_threadpool(context.users.start_session, result.account.id)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/portal/login")
    logger.info("portal login: %s", result.account.email)
    return response


@router.post("/logout")
async def logout(request: Request, caller: PortalCaller, context: Ctx) -> Response:
    await checked_form(request, caller)
    if caller.session_token:
        await run_in_threadpool(context.users.end_session, caller.session_token)
    response = RedirectResponse("/portal/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _login_form(
    request: Request, next_url: str, error: str = "", status: int = 200, email: str = ""
) -> Response:
    token = new_token()
    response = render(
        request,
        "login.html",
        None,
        status,
        error=error,
        email=email,
        next=_safe_next(next_url),
        login_csrf=token,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/portal/login",
    )
    return response


def _safe_next(value: str) -> str:
    if value.startswith("/portal/") and not value.startswith("/portal/login") and "//" not in value:
        return value
    return "/portal/calls"


# --- calls ------------------------------------------------------------------------------------


@router.get("/")
def home() -> Response:
    return RedirectResponse("/portal/calls", status_code=303)


@router.get("/calls")
def calls_page(
    request: Request,
    caller: PortalCaller,
    context: Ctx,
    kind: Annotated[list[str] | None, Query()] = None,
    since: str = "",
    until: str = "",
    q: Annotated[str, Query(max_length=200)] = "",
    contact_id: str = "",
    cursor: Annotated[str | None, Query(max_length=256)] = None,
) -> Response:
    view = context.owner_settings.get(caller.owner_id)
    assert view is not None
    context.profiles.mark_calls_seen(caller.owner_id)
    q = _printable(q)
    errors: dict[str, str] = {}
    since_day, until_day = _parse_day(since, "since", errors), _parse_day(until, "until", errors)
    kinds = tuple(k for k in (kind or ()) if k in KINDS)
    contact = None
    if contact_id.isdigit():
        contact = context.contacts.get(caller.owner_id, int(contact_id))
    try:
        start, end = local_range(view, since_day, until_day)
    except RequestValidationError:
        errors["until"] = "must not be before since"
        start = end = None
    filters = CallFilters(
        kinds=kinds, since=start, until=end, number=contact.phone if contact else None, text=q
    )
    try:
        rows, next_cursor = context.history.page(caller.owner_id, filters, PAGE_SIZE, cursor)
    except AssistantError:
        rows, next_cursor = context.history.page(caller.owner_id, filters, PAGE_SIZE, None)
    today = datetime.now(ZoneInfo(view.time_zone)).date()
    query = {"kind": list(kinds), "since": since, "until": until, "q": q, "contact_id": contact_id}
    next_link = None
    if next_cursor:
        next_link = "/portal/calls?" + urlencode({**query, "cursor": next_cursor}, doseq=True)
    return render(
        request,
        "calls.html",
        caller,
        calls=[call_public(row) for row in rows],
        kinds=KINDS,
        selected=kinds,
        since=since,
        until=until,
        q=q,
        contact=contact,
        errors=errors,
        next_link=next_link,
        local=owner_clock(context, caller.owner_id),
        duration=duration,
        export_from=(since_day or today.replace(day=1)).isoformat(),
        export_to=(until_day or today).isoformat(),
        time_zone=view.time_zone,
    )


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable())


def _parse_day(text: str, field: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = "use a date like 2025-03-31"
        return None


# --- contacts ---------------------------------------------------------------------------------

CONTACT_FIELDS = (
    "name",
    "phone",
    "email",
    "nickname",
    "label",
    "client_code",
    "matter_code",
    "activity_code",
    "hourly_rate",
)


@router.get("/contacts")
def contacts_page(
    request: Request,
    caller: PortalCaller,
    context: Ctx,
    q: Annotated[str, Query(max_length=200)] = "",
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    notice: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    q = _printable(q)
    try:
        rows, next_cursor = context.contacts.search(caller.owner_id, q, PAGE_SIZE, cursor)
    except AssistantError:
        rows, next_cursor = context.contacts.search(caller.owner_id, q, PAGE_SIZE, None)
    next_link = "/portal/contacts?" + urlencode({"q": q, "cursor": next_cursor}) if next_cursor else None
    return render(
        request,
        "contacts.html",
        caller,
        contacts=[contact_public(row) for row in rows],
        q=q,
        next_link=next_link,
        notice=notice,
    )


@router.get("/contacts/new")
def new_contact_page(
    request: Request,
    caller: PortalCaller,
    context: Ctx,
    call_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Response:
    values: dict[str, Any] = {}
    if call_id is not None:
        row = context.history.get(caller.owner_id, call_id)
        if row is not None:
            values = {"phone": row.number, "name": (row.call.caller_name or "").strip()}
    return render(request, "contact_form.html", caller, contact=None, values=values, errors={})


@router.post("/contacts")
async def create_contact(request: Request, caller: PortalCaller, context: Ctx) -> Response:
    form = await checked_form(request, caller)
    values, errors = await run_in_threadpool(_contact_values, context, caller.owner_id, form)
    if not errors:
        try:
            row = await run_in_threadpool(context.contacts.create, caller.owner_id, values)
        except AssistantError as exc:
            errors["phone"] = exc.message
        else:
            return RedirectResponse(
                "/portal/contacts?" + urlencode({"notice": f"Added {row.name}."}), status_code=303
            )
    return render(request, "contact_form.html", caller, 422, contact=None, values=form, errors=errors)


@router.get("/contacts/{contact_id}")
def edit_contact_page(request: Request, contact_id: int, caller: PortalCaller, context: Ctx) -> Response:
    row = context.contacts.get(caller.owner_id, contact_id) if 0 < contact_id < 2**63 else None
    if row is None:
        return render(request, "not_found.html", caller, 404, what="contact")
    contact = contact_public(row)
    values = contact.model_dump()
    values["hourly_rate"] = "" if contact.hourly_rate is None else str(contact.hourly_rate)
    return render(request, "contact_form.html", caller, contact=contact, values=values, errors={})


@router.post("/contacts/{contact_id}")
async def update_contact(request: Request, contact_id: int, caller: PortalCaller, context: Ctx) -> Response:
    form = await checked_form(request, caller)
    row = context.contacts.get(caller.owner_id, contact_id) if 0 < contact_id < 2**63 else None
    if row is None:
        return render(request, "not_found.html", caller, 404, what="contact")
    values, errors = await run_in_threadpool(_contact_values, context, caller.owner_id, form)
    if not errors:
        try:
            row = await run_in_threadpool(context.contacts.update, caller.owner_id, contact_id, values)
        except AssistantError as exc:
            errors["phone"] = exc.message
        else:
            return RedirectResponse(
                "/portal/contacts?" + urlencode({"notice": f"Saved {row.name}."}), status_code=303
            )
    return render(
        request, "contact_form.html", caller, 422, contact=contact_public(row), values=form, errors=errors
    )


@router.post("/contacts/{contact_id}/delete")
async def delete_contact(request: Request, contact_id: int, caller: PortalCaller, context: Ctx) -> Response:
    await checked_form(request, caller)
    row = context.contacts.get(caller.owner_id, contact_id) if 0 < contact_id < 2**63 else None
    if row is None or not context.contacts.delete(caller.owner_id, contact_id):
        return render(request, "not_found.html", caller, 404, what="contact")
    return RedirectResponse(
        "/portal/contacts?" + urlencode({"notice": f"Deleted {row.name}."}), status_code=303
    )


def _contact_values(
    context: AppContext, owner_id: int, form: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    raw: dict[str, Any] = {name: (form.get(name) or "").strip() for name in CONTACT_FIELDS}
    for name in ("email", "nickname", "label", "client_code", "matter_code", "activity_code", "hourly_rate"):
        if raw[name] == "":
            raw[name] = None
    raw["important"] = form.get("important") in ("on", "true", "1", "yes")
    errors: dict[str, str] = {}
    body = None
    try:
        body = ContactIn.model_validate(raw)
    except ValidationError as exc:
        errors = errors_by_field(exc)
    view = context.owner_settings.get(owner_id)
    phone = None
    if "phone" not in errors:
        try:
            phone = normalize_number(raw["phone"], view.default_country if view else "US")
        except BadNumber as exc:
            errors["phone"] = str(exc)
    if errors or body is None:
        return {}, errors
    values = body.model_dump()
    values["phone"] = phone
    return storage_values(values), {}


# --- voicemail --------------------------------------------------------------------------------


@router.get("/voicemails")
def voicemails_page(
    request: Request,
    caller: PortalCaller,
    context: Ctx,
    cursor: Annotated[str | None, Query(max_length=256)] = None,
) -> Response:
    try:
        rows, next_cursor = context.voicemails.list(caller.owner_id, PAGE_SIZE, cursor)
    except AssistantError:
        rows, next_cursor = context.voicemails.list(caller.owner_id, PAGE_SIZE, None)
    items = []
    for row in rows:
        contact = context.owners.contact_for(caller.owner_id, row.caller_number)
        items.append({"row": row, "name": contact.name if contact else None})
    return render(
        request,
        "voicemails.html",
        caller,
        voicemails=items,
        local=owner_clock(context, caller.owner_id),
        duration=duration,
        next_link="/portal/voicemails?" + urlencode({"cursor": next_cursor}) if next_cursor else None,
    )


@router.post("/voicemails/{voicemail_id}/read")
async def mark_voicemail_read(
    request: Request, voicemail_id: int, caller: PortalCaller, context: Ctx
) -> Response:
    form = await checked_form(request, caller)
    try:
        await run_in_threadpool(
            context.voicemails.mark_read, caller.owner_id, voicemail_id, form.get("read", "true") != "false"
        )
    except AssistantError:
        return render(request, "not_found.html", caller, 404, what="voicemail")
    return RedirectResponse("/portal/voicemails", status_code=303)


@router.post("/voicemails/{voicemail_id}/delete")
async def delete_voicemail(
    request: Request, voicemail_id: int, caller: PortalCaller, context: Ctx
) -> Response:
    await checked_form(request, caller)
    try:
        await run_in_threadpool(context.voicemails.delete, caller.owner_id, voicemail_id)
    except AssistantError as exc:
        if exc.code != "not-found":
            raise
        return render(request, "not_found.html", caller, 404, what="voicemail")
    return RedirectResponse("/portal/voicemails", status_code=303)


# --- settings ---------------------------------------------------------------------------------


@router.get("/settings")
def settings_page(request: Request, caller: PortalCaller, context: Ctx, saved: bool = False) -> Response:
    values = _settings_form_values(current_settings(context, caller.owner_id))
    usage = usage_summary(context, caller.owner_id)
    return render(request, "settings.html", caller, values=values, errors={}, saved=saved, usage=usage)


@router.post("/settings")
async def save_settings_page(request: Request, caller: PortalCaller, context: Ctx) -> Response:
    form = await checked_form(request, caller)
    changes: dict[str, Any] = {}
    current = await run_in_threadpool(current_settings, context, caller.owner_id)
    for name in current:
        if name in BOOL_SETTINGS:
            changes[name] = form.get(name) in ("on", "true", "1")
        elif name == "ring_seconds":
            changes[name] = ring_seconds_from_form(form)
        elif name not in form:
            continue
        elif name in LIST_SETTINGS:
            changes[name] = [
                item.strip() for item in form[name].replace(",", "\n").splitlines() if item.strip()
            ]
        elif form[name].strip() == "" and name in (
            "smart_number",
            "assistant_line",
            "mobile",
            "default_caller_id",
            "greeting_text",
            "welcome_text",
            "default_hourly_rate",
            "no_answer_forward_to",
            "monthly_limit_minutes",
        ):
            changes[name] = None
        else:
            changes[name] = form[name]
    if form.get("pin", "").strip():
        changes["pin"] = form["pin"]
    elif form.get("remove_pin") in ("on", "true", "1"):
        changes["pin"] = None
    if form.get("outbound_passcode", "").strip():
        changes["outbound_passcode"] = form["outbound_passcode"]
    elif form.get("remove_outbound_passcode") in ("on", "true", "1"):
        changes["outbound_passcode"] = None
    errors: dict[str, str] = {}
    try:
        await run_in_threadpool(save_settings, context, caller.owner_id, changes)
    except RequestValidationError as exc:
        errors = {**errors_by_field(exc), **ring_seconds_errors(exc.errors())}
    except AssistantError as exc:
        if exc.code != "line-taken":
            raise
        errors = {"smart_number": exc.message}
    if errors:
        values = {**_settings_form_values(current), **form}
        values.pop("pin", None)  # never sent back to the browser
        values.pop("outbound_passcode", None)
        usage = await run_in_threadpool(usage_summary, context, caller.owner_id)
        return render(
            request, "settings.html", caller, 422, values=values, errors=errors, saved=False, usage=usage
        )
    return RedirectResponse("/portal/settings?saved=true", status_code=303)


def _settings_form_values(settings: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"ring_devices": ring_devices(settings)}
    for name, value in settings.items():
        if name == "ring_seconds":
            values.update(ring_seconds_values(value))
        elif name in LIST_SETTINGS:
            values[name] = "\n".join(str(item) for item in value)
        elif value is None:
            values[name] = ""
        else:
            values[name] = value if isinstance(value, bool) else str(value)
    return values
