"""Accounts: creating users with their default settings, logging in (slowed and locked on repeated
failures), browser sessions and API bearer tokens.

Secrets are never stored: passwords as scrypt hashes, session ids and tokens as SHA-256 digests
(see ``assistant.domain.credentials``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from assistant.domain import lockout
from assistant.domain.billing import (
    DEFAULT_ACTIVITY_CODE,
    DEFAULT_INCREMENT_H,
    DEFAULT_MINIMUM_UNITS,
    DEFAULT_ROUNDING,
)
from assistant.domain.credentials import (
    check_password_policy,
    dummy_verify,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from assistant.domain.owner_settings import (
    DEFAULT_COUNTRY,
    DEFAULT_IMPORTANCE_WORDS,
    DEFAULT_PIN_LOCK_MINUTES,
    DEFAULT_RING_TIMEOUT_S,
    DEFAULT_TIME_ZONE,
    DEFAULT_VOICEMAIL_MAX_S,
    DEFAULT_VOICEMAIL_MIN_S,
    check_pin,
)
from assistant.errors import AssistantError
from assistant.store.db import Store
from assistant.store.models import ApiToken, AuthSession, LoginAttempt, OwnerSettings, User, utcnow
from assistant.store.owners import OwnerSettingsStore, sync_lines

logger = logging.getLogger(__name__)

SESSION_TTL = timedelta(days=14)
TOKEN_TTL = timedelta(days=90)
MAX_EMAIL_LEN = 254


@dataclass(frozen=True)
class Account:
    """A user as the API needs it after authentication."""

    id: int
    email: str
    name: str


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt gave: the account, or why not and how long to hold the answer."""

    account: Account | None
    locked_for_s: float = 0.0
    delay_s: float = 0.0


@dataclass(frozen=True)
class SessionInfo:
    """A live browser session: its account and the CSRF token its forms must carry."""

    account: Account
    csrf_token: str


def normalize_email(email: str) -> str:
    """Return the form an e-mail is stored and looked up in (trimmed, lower case)."""
    return (email or "").strip().lower()


class Users:
    """Repository of accounts, sessions and tokens.

    Args:
        store: The open database.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def create(
        self,
        email: str,
        password: str,
        name: str,
        *,
        smart_number: str | None = None,
        assistant_line: str | None = None,
        extra_lines: tuple[str, ...] = (),
        registered_phones: tuple[str, ...] = (),
        time_zone: str = DEFAULT_TIME_ZONE,
        default_country: str = DEFAULT_COUNTRY,
    ) -> Account:
        """Create a user with default owner settings (numbers already validated and in E.164).

        Raises:
            AssistantError: ``user-exists`` for a taken e-mail, ``line-taken`` for a number
                another account has, ``bad-password`` for a password the policy refuses.
        """
        try:
            check_password_policy(password)
        except ValueError as exc:
            raise AssistantError("bad-password", str(exc)) from None
        email = normalize_email(email)
        if not email or "@" not in email or len(email) > MAX_EMAIL_LEN:
            raise AssistantError("bad-email", "an e-mail address is required to create a user")
        with self._store.session() as session:
            if session.scalar(select(User.id).where(User.email == email)) is not None:
                raise AssistantError("user-exists", f"a user with e-mail {email} already exists")
        try:
            with self._store.write() as session:
                user = User(email=email, name=name or email, password_hash=hash_password(password))
                session.add(user)
                session.flush()
                settings = OwnerSettings(
                    user_id=user.id,
                    owner_name=name or email,
                    smart_number=smart_number,
                    assistant_line=assistant_line,
                    extra_lines=list(extra_lines),
                    extensions=[],
                    screening=True,
                    vip_numbers=[],
                    blocked_numbers=[],
                    do_not_disturb=False,
                    ring_timeout_s=DEFAULT_RING_TIMEOUT_S,
                    notification_emails=[email],
                    importance_words=list(DEFAULT_IMPORTANCE_WORDS),
                    billing_increment_h=str(DEFAULT_INCREMENT_H),
                    billing_rounding=DEFAULT_ROUNDING,
                    billing_minimum_units=DEFAULT_MINIMUM_UNITS,
                    default_activity_code=DEFAULT_ACTIVITY_CODE,
                    timekeeper_id="",
                    time_zone=time_zone,
                    default_country=default_country,
                    voicemail_max_s=DEFAULT_VOICEMAIL_MAX_S,
                    voicemail_min_s=DEFAULT_VOICEMAIL_MIN_S,
                    registered_phones=list(registered_phones),
                    pin_lock_minutes=DEFAULT_PIN_LOCK_MINUTES,
                )
                session.add(settings)
                session.flush()
                sync_lines(session, settings)
                session.flush()
                logger.info("user %s created (id %s, smart number %s)", email, user.id, smart_number)
                return Account(user.id, user.email, user.name)
        except IntegrityError as exc:
            raise AssistantError(
                "line-taken",
                "that Smart Number, assistant line or other line already belongs to another user",
            ) from exc

    def set_password(self, email: str, password: str) -> None:
        """Change a user's password and end their sessions and tokens.

        Raises:
            AssistantError: ``not-found`` or ``bad-password``.
        """
        try:
            check_password_policy(password)
        except ValueError as exc:
            raise AssistantError("bad-password", str(exc)) from None
        with self._store.write() as session:
            user = session.scalar(select(User).where(User.email == normalize_email(email)))
            if user is None:
                raise AssistantError("not-found", f"no user with e-mail {normalize_email(email)}")
            user.password_hash = hash_password(password)
            session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
            session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
            session.execute(delete(LoginAttempt).where(LoginAttempt.key == user.email))

    def change_password(self, account_id: int, new_password: str, *, keep: str) -> None:
        """Replace the password of an account whose current password the caller has already shown.

        Every session and bearer token of the account ends except ``keep``: the session cookie or
        the bearer token the change was made with.

        Raises:
            AssistantError: ``not-found``, or ``bad-password`` for a password the policy refuses.
        """
        try:
            check_password_policy(new_password)
        except ValueError as exc:
            raise AssistantError("bad-password", str(exc)) from None
        kept = token_digest(keep)
        with self._store.write() as session:
            user = session.get(User, account_id)
            if user is None:
                raise AssistantError("not-found", f"no user with id {account_id}")
            user.password_hash = hash_password(new_password)
            session.execute(
                delete(AuthSession).where(AuthSession.user_id == account_id, AuthSession.digest != kept)
            )
            session.execute(delete(ApiToken).where(ApiToken.user_id == account_id, ApiToken.digest != kept))
        logger.info("user %s changed their password; their other sessions and tokens ended", account_id)

    def set_pin(self, email: str, pin: str | None) -> None:
        """Set (or with None, remove) the PIN of a user's assistant line; clears its lockouts.

        Raises:
            AssistantError: ``not-found``, or ``bad-pin`` for anything but 4 to 8 digits.
        """
        if pin is not None:
            try:
                pin = check_pin(pin)
            except ValueError as exc:
                raise AssistantError("bad-pin", str(exc)) from None
        with self._store.session() as session:
            user_id = session.scalar(select(User.id).where(User.email == normalize_email(email)))
        if user_id is None:
            raise AssistantError("not-found", f"no user with e-mail {normalize_email(email)}")
        OwnerSettingsStore(self._store).update(user_id, {"pin": pin})

    def list(self) -> list[Account]:
        """Return every account, oldest first."""
        with self._store.session() as session:
            return [Account(u.id, u.email, u.name) for u in session.scalars(select(User).order_by(User.id))]

    def login(self, email: str, password: str, now: datetime | None = None) -> LoginResult:
        """Check a password, counting failures per e-mail (known or not) and locking after too many.

        While the name is locked even the right password is refused. The hash is always computed,
        so unknown e-mails take as long as known ones.
        """
        now = now or utcnow()
        key = normalize_email(email)[:MAX_EMAIL_LEN]
        if not key or any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
            dummy_verify(password)
            return LoginResult(None)
        with self._store.session() as session:
            attempt = session.get(LoginAttempt, key)
            state = _state(attempt)
            user = session.scalar(select(User).where(User.email == key))
        locked = lockout.locked_for_s(state, now)
        if locked:
            dummy_verify(password)
            return LoginResult(None, locked_for_s=locked)
        if user is not None and not user.disabled and verify_password(password, user.password_hash):
            if attempt is not None:
                with self._store.write() as session:
                    session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))
            return LoginResult(Account(user.id, user.email, user.name))
        if user is None:
            dummy_verify(password)
        with self._store.write() as session:
            stale = now - timedelta(seconds=lockout.FAILURE_WINDOW_S + lockout.LOCK_S)
            session.execute(delete(LoginAttempt).where(LoginAttempt.last_failure_at < stale))
            row = session.get(LoginAttempt, key, with_for_update=True)
            state = lockout.after_failure(_state(row), now)
            if row is None:
                row = LoginAttempt(key=key)
                session.add(row)
            row.failures = state.failures
            row.last_failure_at = state.last_failure_at
            row.locked_until = state.locked_until
        logger.info("failed login for %r (%d in a row)", key, state.failures)
        return LoginResult(
            None, locked_for_s=lockout.locked_for_s(state, now), delay_s=lockout.delay_s(state)
        )

    def start_session(self, account_id: int) -> tuple[str, str]:
        """Open a browser session; return ``(session id for the cookie, CSRF token)``."""
        token, csrf = new_token(), new_token()
        now = utcnow()
        with self._store.write() as session:
            session.execute(delete(AuthSession).where(AuthSession.expires_at < now))
            session.add(
                AuthSession(
                    digest=token_digest(token),
                    user_id=account_id,
                    csrf_token=csrf,
                    expires_at=now + SESSION_TTL,
                )
            )
        return token, csrf

    def session_for(self, token: str) -> SessionInfo | None:
        """Return the live session for a cookie value, or None."""
        if not token or len(token) > 256:
            return None
        with self._store.session() as session:
            row = session.execute(
                select(AuthSession, User)
                .join(User, User.id == AuthSession.user_id)
                .where(AuthSession.digest == token_digest(token))
            ).first()
        if row is None or row[0].expires_at <= utcnow() or row[1].disabled:
            return None
        user = row[1]
        return SessionInfo(Account(user.id, user.email, user.name), row[0].csrf_token)

    def end_session(self, token: str) -> None:
        """Close a browser session (logout)."""
        with self._store.write() as session:
            session.execute(delete(AuthSession).where(AuthSession.digest == token_digest(token or "")))

    def issue_token(
        self, account_id: int, name: str = "", ttl: timedelta | None = TOKEN_TTL
    ) -> tuple[str, datetime | None]:
        """Create an API bearer token; return it (shown once) and when it expires."""
        token = new_token()
        expires = utcnow() + ttl if ttl is not None else None
        with self._store.write() as session:
            session.add(
                ApiToken(digest=token_digest(token), user_id=account_id, name=name[:100], expires_at=expires)
            )
        return token, expires

    def token_account(self, token: str) -> Account | None:
        """Return the account of a live bearer token, or None."""
        if not token or len(token) > 256:
            return None
        with self._store.session() as session:
            row = session.execute(
                select(ApiToken, User)
                .join(User, User.id == ApiToken.user_id)
                .where(ApiToken.digest == token_digest(token))
            ).first()
        if (
            row is None
            or row[1].disabled
            or (row[0].expires_at is not None and row[0].expires_at <= utcnow())
        ):
            return None
        return Account(row[1].id, row[1].email, row[1].name)

    def revoke_token(self, token: str) -> bool:
        """Revoke a bearer token; True if it existed."""
        with self._store.write() as session:
            result = session.execute(delete(ApiToken).where(ApiToken.digest == token_digest(token or "")))
            return bool(result.rowcount)


def _state(row: LoginAttempt | None) -> lockout.LoginState:
    if row is None:
        return lockout.LoginState()
    return lockout.LoginState(row.failures, row.last_failure_at, row.locked_until)
