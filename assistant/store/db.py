"""Opening the database: engine and sessions, SQLite tuning, Alembic migrations and a health ping.

SQLite (the default, a file in the data folder) and PostgreSQL (``postgresql+psycopg://``) are
supported. For SQLite the folder is created and checked for writability up front, WAL and a busy
timeout are enabled, and write transactions start with ``BEGIN IMMEDIATE`` so concurrent writers
queue on the busy timeout instead of failing half way.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import AssistantError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
SQLITE_BUSY_TIMEOUT_S = 15.0
POSTGRES_CONNECT_TIMEOUT_S = 10
_BEGIN_IMMEDIATE = "assistant_begin_immediate"


@dataclass(eq=False)
class Store:
    """An open database: the engine plus session factories for reading and for writing."""

    engine: Engine
    _read_sessions: sessionmaker[Session]
    _write_sessions: sessionmaker[Session]

    @property
    def display_url(self) -> str:
        """The database URL with any password masked, for messages and logs."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        """Return a new session for reading; use it as a context manager."""
        return self._read_sessions()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """Yield a session inside a write transaction, committed on success, rolled back on error."""
        with self._write_sessions.begin() as session:
            yield session

    def migrate(self) -> None:
        """Bring the schema up to the newest revision (Alembic ``upgrade head``).

        Raises:
            AssistantError: ``db-unwritable``, ``db-unreachable`` or ``db-migration-failed``.
        """
        config = alembic_config()
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except CommandError as exc:
            raise AssistantError(
                "db-migration-failed", f"cannot migrate database {self.display_url}: {_one_line(exc)}"
            ) from exc
        except Exception as exc:
            raise self._error(exc, "cannot migrate database", default_code="db-migration-failed") from exc
        logger.info("database %s is at the newest schema", self.display_url)

    def ping(self) -> None:
        """Check that the database answers a trivial query.

        Raises:
            AssistantError: ``db-unreachable`` (or ``db-unwritable`` for a read-only SQLite file).
        """
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except Exception as exc:
            raise self._error(exc, "cannot reach database", default_code="db-unreachable") from exc

    def close(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()

    def _error(self, exc: Exception, doing: str, *, default_code: str) -> AssistantError:
        detail = _one_line(exc)
        if "readonly" in detail or "read-only" in detail:
            code = "db-unwritable"
        elif _is_operational(exc):
            code = "db-unreachable"
        else:
            code = default_code
        return AssistantError(code, f"{doing} {self.display_url}: {detail}")


def open_store(url: str) -> Store:
    """Create a Store for a SQLAlchemy database URL without connecting yet (except SQLite checks).

    ``postgresql://`` and ``postgres://`` URLs without a driver are read as ``postgresql+psycopg://``.
    For a SQLite file the parent folder is created and must be writable.

    Args:
        url: A SQLAlchemy URL, for example ``settings.effective_database_url``.

    Returns:
        The Store; call ``migrate()`` before first use.

    Raises:
        AssistantError: ``db-bad-url``, ``db-driver-missing`` or ``db-unwritable``.
    """
    parsed = _parse_url(url)
    engine_args: dict[str, Any] = {"json_serializer": _json_dumps}
    connect_args: dict[str, Any] = {}
    sqlite_file = False
    if parsed.get_backend_name() == "sqlite":
        sqlite_file = _is_plain_sqlite_file(parsed)
        if sqlite_file:
            path = _prepare_sqlite_file(Path(parsed.database or ""))
            parsed = parsed.set(database=str(path))
        connect_args["timeout"] = SQLITE_BUSY_TIMEOUT_S
        connect_args["check_same_thread"] = False
    else:
        engine_args["pool_pre_ping"] = True
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
    try:
        engine = create_engine(parsed, connect_args=connect_args, **engine_args)
    except (NoSuchModuleError, ImportError) as exc:
        raise AssistantError(
            "db-driver-missing",
            f"no database driver for {parsed.drivername!r}: {_one_line(exc)}",
        ) from exc
    write_engine = engine
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine, wal=sqlite_file)
        write_engine = engine.execution_options(**{_BEGIN_IMMEDIATE: True})
    return Store(
        engine=engine,
        _read_sessions=sessionmaker(bind=engine, expire_on_commit=False),
        _write_sessions=sessionmaker(bind=write_engine, expire_on_commit=False),
    )


def alembic_config() -> Config:
    """Return an Alembic Config for the packaged migrations, built without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


def _parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise AssistantError(
            "db-bad-url", "database URL is not a valid SQLAlchemy URL (expected e.g. sqlite:///path)"
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_plain_sqlite_file(url: URL) -> bool:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or url.query.get("mode") == "memory"
    return not in_memory and not database.startswith("file:")


def _prepare_sqlite_file(path: Path) -> Path:
    path = path.expanduser().absolute()
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise AssistantError(
            "db-unwritable", f"database folder {folder} is not writable: {exc.strerror or exc}"
        ) from None
    if path.exists():
        if not path.is_file():
            raise AssistantError("db-unwritable", f"database file {path} is not a regular file")
        try:
            with path.open("r+b"):
                pass
        except OSError as exc:
            raise AssistantError(
                "db-unwritable", f"database file {path} is not writable: {exc.strerror or exc}"
            ) from None
    return path


def _tune_sqlite(engine: Engine, *, wal: bool) -> None:
    busy_ms = int(SQLITE_BUSY_TIMEOUT_S * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_BEGIN_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default)


def _is_operational(exc: BaseException) -> bool:
    return any(cls.__name__ in ("OperationalError", "InterfaceError") for cls in type(exc).__mro__)


def _one_line(exc: BaseException) -> str:
    source = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = " ".join(str(source).split())
    return text or type(source).__name__
