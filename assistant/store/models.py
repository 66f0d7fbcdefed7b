"""Database tables of the assistant, as SQLAlchemy declarative models.

All timestamps are stored and returned as timezone-aware UTC datetimes, whatever the backend.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

DIRECTIONS = ("inbound", "outbound")
OUTCOMES = ("completed", "caller-hangup", "failed", "abandoned")

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
    __table_args__ = (Index("ix_calls_started_at_id", "started_at", "id"),)

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String, unique=True, index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ID_TYPE, ForeignKey("calls.id", ondelete="SET NULL"), index=True, default=None
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

    def __repr__(self) -> str:
        return f"<Call id={self.id} channel_id={self.channel_id!r} outcome={self.outcome!r}>"
