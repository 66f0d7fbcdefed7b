"""The store on SQLite: opening, migrating, the folder checks, and the CallLog contract."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from call_log_contract import CallLogContract

from assistant.errors import AssistantError
from assistant.store.calls import CallLog
from assistant.store.db import Store, open_store
from assistant.store.models import Base


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "assistant.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{db_path}")
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def call_log(store: Store) -> CallLog:
    return CallLog(store)


class TestCallLogOnSqlite(CallLogContract):
    pass


def test_open_store_creates_the_missing_folder(db_path: Path) -> None:
    store = open_store(f"sqlite:///{db_path}")
    try:
        assert db_path.parent.is_dir()
        store.ping()
    finally:
        store.close()


def test_migrate_twice_is_harmless_and_matches_the_models(store: Store) -> None:
    store.migrate()
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() is not None


def test_sqlite_uses_wal_and_a_busy_timeout(store: Store, db_path: Path) -> None:
    store.ping()
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_folder_under_a_regular_file_is_reported_unwritable_even_for_root(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should go\n")
    with pytest.raises(AssistantError) as caught:
        open_store(f"sqlite:///{blocker}/data/assistant.db")
    assert caught.value.code == "db-unwritable"
    message = str(caught.value)
    assert message.startswith(f"database folder {blocker}/data is not writable: ")
    assert "\n" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_database_path_that_is_a_folder_is_reported_unwritable(tmp_path: Path) -> None:
    (tmp_path / "assistant.db").mkdir()
    with pytest.raises(AssistantError) as caught:
        open_store(f"sqlite:///{tmp_path}/assistant.db")
    assert caught.value.code == "db-unwritable"
    assert "not a regular file" in str(caught.value)


def test_invalid_url_is_an_assistant_error() -> None:
    with pytest.raises(AssistantError) as caught:
        open_store("this is not a url")
    assert caught.value.code == "db-bad-url"


def test_bare_postgresql_url_uses_psycopg3() -> None:
    store = open_store("postgresql://user:secret@127.0.0.1:1/assistant")
    try:
        assert store.engine.dialect.driver == "psycopg"
        assert "secret" not in store.display_url
    finally:
        store.close()


def test_ping_on_unreachable_server_is_db_unreachable_without_the_password() -> None:
    store = open_store("postgresql+psycopg://user:secret@127.0.0.1:1/assistant")
    try:
        with pytest.raises(AssistantError) as caught:
            store.ping()
    finally:
        store.close()
    assert caught.value.code == "db-unreachable"
    assert "secret" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_in_memory_sqlite_works_without_a_folder() -> None:
    store = open_store("sqlite://")
    try:
        store.migrate()
        log = CallLog(store)
        assert log.list_calls(5) == ([], None)
    finally:
        store.close()
