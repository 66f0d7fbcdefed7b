"""Database tables of the assistant, as SQLAlchemy declarative models.

All timestamps are stored and returned as timezone-aware UTC datetimes, whatever the backend.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column
from sqlalchemy.types import TypeDecorator

DIRECTIONS = ("inbound", "outbound")
OUTCOMES = ("completed", "caller-hangup", "failed", "abandoned", "voicemail")
KINDS = ("inbound", "outbound", "missed", "voicemail")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A ``DateTime(timezone=True)`` that only accepts aware datetimes and always returns UTC.

    SQLite has no time zone support, so values are normalised to UTC before they are written
    and tagged as UTC when read back; PostgreSQL values are converted to UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; use a timezone-aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base holding the metadata that Alembic migrations are checked against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Call(Base):
    """One call leg handled by the Stasis app, from first ring to hangup."""

    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_started_at_id", "started_at", "id"),
        Index("ix_calls_owner_started", "owner_id", "started_at", "id"),
        Index("ix_calls_owner_kind_started", "owner_id", "kind", "started_at", "id"),
        Index("ix_calls_owner_party_started", "owner_id", "party_number", "started_at", "id"),
        # The monthly limit's sum of outbound talk (store/usage.py).
        Index("ix_calls_owner_direction_answered", "owner_id", "direction", "answered_at"),
        # Only legs have a parent: a partial index finds them without tempting the planner to walk
        # every conversation (parent_id IS NULL) instead of the owner's time-ordered index.
        Index(
            "ix_calls_parent_id",
            "parent_id",
            sqlite_where=text("parent_id IS NOT NULL"),
            postgresql_where=text("parent_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String, unique=True, index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ID_TYPE, ForeignKey("calls.id", ondelete="SET NULL"), default=None
    )
    direction: Mapped[str] = mapped_column(String)
    caller_number: Mapped[str] = mapped_column(String)
    caller_name: Mapped[str | None] = mapped_column(String, default=None)
    called_line: Mapped[str] = mapped_column(String)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    duration_s: Mapped[float | None] = mapped_column(Float, default=None)
    talk_s: Mapped[float | None] = mapped_column(Float, default=None)
    outcome: Mapped[str | None] = mapped_column(String, default=None)
    hangup_cause: Mapped[str | None] = mapped_column(String, default=None)
    events: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=func.now())
    # Whose call it is (found from the line at start), and what the call log shows of it.
    owner_id: Mapped[int | None] = mapped_column(
        ID_TYPE, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[str | None] = mapped_column(String, default=None)
    party_number: Mapped[str | None] = mapped_column(String, default=None)
    screening_decision: Mapped[str | None] = mapped_column(String, default=None)
    screening_reason: Mapped[str | None] = mapped_column(String, default=None)
    transcript: Mapped[str | None] = mapped_column(Text, default=None)
    # Which flow served the call ("smart", "line", "speechtest", "desk"); None for legs, placed calls.
    flow: Mapped[str | None] = mapped_column(String, default=None)

    def __repr__(self) -> str:
        return f"<Call id={self.id} channel_id={self.channel_id!r} outcome={self.outcome!r}>"


class User(Base):
    """An account: the owner of a Smart Number and of everything filed under it."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    email: Mapped[str] = mapped_column(String, unique=True)
    name: Mapped[str] = mapped_column(String)
    password_hash: Mapped[str] = mapped_column(String)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=func.now())
    # The portal's own settings: the owner's picture, when they last looked at the call log (missed
    # calls after that are new to them), and whether the browser shows a notification for calls.
    avatar: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, default=None))
    avatar_type: Mapped[str | None] = mapped_column(String, default=None)
    calls_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    call_notifications: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class OwnerSettings(Base):
    """Everything an owner sets for their Smart Number, one row per user."""

    __tablename__ = "owner_settings"

    user_id: Mapped[int] = mapped_column(
        ID_TYPE, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    smart_number: Mapped[str | None] = mapped_column(String, unique=True, default=None)
    assistant_line: Mapped[str | None] = mapped_column(String, default=None)
    extra_lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner_name: Mapped[str] = mapped_column(String)
    mobile: Mapped[str | None] = mapped_column(String, default=None)
    extensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    screening: Mapped[bool] = mapped_column(Boolean, default=True)
    vip_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    blocked_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    do_not_disturb: Mapped[bool] = mapped_column(Boolean, default=False)
    ring_timeout_s: Mapped[int] = mapped_column(Integer)
    greeting_text: Mapped[str | None] = mapped_column(Text, default=None)
    # The greeting the Smart Number answers with (None: the standard one), and the voice, rate and
    # pitch (levels 0-9, 5 the standard sound) of the owner's greetings (assistant.speech.greeting_voice).
    welcome_text: Mapped[str | None] = mapped_column(Text, default=None)
    greeting_voice: Mapped[str] = mapped_column(String, default="joe", server_default=text("'joe'"))
    greeting_rate: Mapped[int] = mapped_column(Integer, default=5, server_default=text("5"))
    greeting_pitch: Mapped[int] = mapped_column(Integer, default=5, server_default=text("5"))
    notification_emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    importance_words: Mapped[list[str]] = mapped_column(JSON, default=list)
    billing_increment_h: Mapped[str] = mapped_column(String)
    billing_rounding: Mapped[str] = mapped_column(String)
    billing_minimum_units: Mapped[int] = mapped_column(Integer)
    default_rate_cents: Mapped[int | None] = mapped_column(BigInteger, default=None)
    default_activity_code: Mapped[str] = mapped_column(String)
    timekeeper_id: Mapped[str] = mapped_column(String, default="")
    time_zone: Mapped[str] = mapped_column(String)
    default_country: Mapped[str] = mapped_column(String)
    default_caller_id: Mapped[str | None] = mapped_column(String, default=None)
    voicemail_max_s: Mapped[int] = mapped_column(Integer)
    voicemail_min_s: Mapped[int] = mapped_column(Integer)
    # The assistant line: phones that are the owner without a PIN, the PIN (scrypt hash, like
    # passwords) asked of any other phone, and how long a caller is locked out after 5 wrong PINs.
    registered_phones: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    pin_hash: Mapped[str | None] = mapped_column(String, default=None)
    pin_lock_minutes: Mapped[int] = mapped_column(Integer, default=15, server_default=text("15"))
    # Caller ID: numbers by area code for Local ID, whether outbound calls show a number at all,
    # and what a forwarded call shows on the owner's phones ("caller" or "smart_number").
    local_numbers: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    local_id: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    show_caller_id: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    forward_caller_id: Mapped[str] = mapped_column(String, default="caller", server_default=text("'caller'"))
    # Ringing: all devices together or one after another by priority, and each device's own seconds
    # ({"mobile": 20, "101": 15}; a device without them rings for ring_timeout_s).
    ring_strategy: Mapped[str] = mapped_column(String, default="together", server_default=text("'together'"))
    ring_seconds: Mapped[dict[str, int]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    # After the ring time with nobody taking the call: "voicemail", "forward" (to the number),
    # "hangup" or "notice" (a missed-call mail).
    no_answer_action: Mapped[str] = mapped_column(
        String, default="voicemail", server_default=text("'voicemail'")
    )
    no_answer_forward_to: Mapped[str | None] = mapped_column(String, default=None)
    # Call waiting: while the owner talks through the assistant, other callers ring (on) or leave a message.
    call_waiting: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Calls out: minutes of outbound talk a calendar month (None: unlimited), and the passcode (scrypt
    # hash, like the PIN) asked before a call to a number under one of the passcode destinations.
    monthly_limit_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    outbound_passcode_hash: Mapped[str | None] = mapped_column(String, default=None)
    passcode_destinations: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class OwnerLine(Base):
    """A number that belongs to one owner (Smart Number, assistant line, others): which calls are whose."""

    __tablename__ = "owner_lines"

    number: Mapped[str] = mapped_column(String, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ID_TYPE, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String)


class Contact(Base):
    """One phonebook entry of one owner."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("owner_id", "phone", name="uq_contacts_owner_id_phone"),
        Index("ix_contacts_owner_name", "owner_id", "name"),
    )

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ID_TYPE, ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String)
    phone: Mapped[str] = mapped_column(String)
    email: Mapped[str | None] = mapped_column(String, default=None)
    nickname: Mapped[str | None] = mapped_column(String, default=None)
    client_code: Mapped[str | None] = mapped_column(String, default=None)
    matter_code: Mapped[str | None] = mapped_column(String, default=None)
    activity_code: Mapped[str | None] = mapped_column(String, default=None)
    rate_cents: Mapped[int | None] = mapped_column(BigInteger, default=None)
    important: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[str | None] = mapped_column(String, default=None)  # "mobile", "office", ...
    avatar: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, default=None))
    avatar_type: Mapped[str | None] = mapped_column(String, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Voicemail(Base):
    """A message a caller left: the audio file in the voicemail spool, and its transcript."""

    __tablename__ = "voicemails"
    __table_args__ = (Index("ix_voicemails_owner_created", "owner_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ID_TYPE, ForeignKey("users.id", ondelete="CASCADE"))
    call_id: Mapped[int | None] = mapped_column(
        ID_TYPE, ForeignKey("calls.id", ondelete="SET NULL"), index=True, default=None
    )
    audio_path: Mapped[str] = mapped_column(String)
    duration_s: Mapped[float] = mapped_column(Float)
    transcript: Mapped[str | None] = mapped_column(Text, default=None)
    caller_number: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class AuthSession(Base):
    """A logged-in browser: the session cookie's digest and the CSRF token of its forms."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    digest: Mapped[str] = mapped_column(String, unique=True)
    user_id: Mapped[int] = mapped_column(ID_TYPE, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A bearer token for the API (only its digest is kept)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    digest: Mapped[str] = mapped_column(String, unique=True)
    user_id: Mapped[int] = mapped_column(ID_TYPE, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class LoginAttempt(Base):
    """Consecutive failed logins for one account name (see assistant.domain.lockout)."""

    __tablename__ = "login_attempts"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class LineAttempt(Base):
    """Consecutive wrong PINs on one owner's assistant line from one caller number (see
    assistant.store.line_access)."""

    __tablename__ = "line_attempts"

    owner_id: Mapped[int] = mapped_column(
        ID_TYPE, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    caller_number: Mapped[str] = mapped_column(String, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class VirtualExtension(Base):
    """An extension its owner can move onto another phone (a secret code is set), and where it is
    now: ``base`` is the extension whose phone it rings, None while at home (see
    assistant.domain.virtualization). Wrong codes are counted per extension, from any phone."""

    __tablename__ = "virtual_extensions"

    extension: Mapped[str] = mapped_column(String, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ID_TYPE, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String)
    base: Mapped[str | None] = mapped_column(String, unique=True, default=None)  # one virtual per base
    since: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class VirtualizationEvent(Base):
    """One virtualization event: an extension moved onto a base, returned, or a request denied."""

    __tablename__ = "virtualization_events"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    extension: Mapped[str] = mapped_column(String, index=True)
    base: Mapped[str | None] = mapped_column(String, default=None)
    event: Mapped[str] = mapped_column(String)  # virtualized, returned, denied, locked
    by: Mapped[str] = mapped_column(String)  # "phone 202", "portal", ...
    detail: Mapped[str | None] = mapped_column(String, default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class OutboxMessage(Base):
    """A notification mail waiting to be delivered (see assistant/mail/outbox.py)."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[bytes] = mapped_column(LargeBinary)  # the whole RFC 5322 message
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)  # queued | sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    voicemail_id: Mapped[int | None] = mapped_column(ID_TYPE, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Queue(Base):
    """A queue: a public number whose calls ring every present member together (see flows/queue.py)."""

    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    number: Mapped[str] = mapped_column(String, unique=True)
    name: Mapped[str] = mapped_column(String)
    # How long the caller waits on hold while the present members ring.
    ring_s: Mapped[int] = mapped_column(Integer, default=30, server_default=text("30"))
    # Whose mailbox takes the queue's messages (nobody present or nobody answering), and whose call
    # log shows those calls; None: the caller hears a goodbye instead.
    mailbox_owner_id: Mapped[int | None] = mapped_column(
        ID_TYPE, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QueueMember(Base):
    """One account assigned to one queue, and whether it takes that queue's calls now (presence)."""

    __tablename__ = "queue_members"

    queue_id: Mapped[int] = mapped_column(
        ID_TYPE, ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ID_TYPE, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    present: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
