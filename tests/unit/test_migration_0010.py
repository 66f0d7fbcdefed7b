"""Migration 0010 leaves existing owners unlimited, with no passcode and no passcode destinations;
undoing it keeps their settings rows (real SQLite, real Alembic)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from api_fixtures import PASSWORD
from sqlalchemy import inspect

from assistant.store.db import alembic_config, open_store
from assistant.store.owners import OwnerSettingsStore
from assistant.store.users import Users

NEW_COLUMNS = {"monthly_limit_minutes", "outbound_passcode_hash", "passcode_destinations"}


def columns(store) -> set[str]:
    return {c["name"] for c in inspect(store.engine).get_columns("owner_settings")}


def test_existing_owners_are_unlimited_and_downgrading_keeps_their_settings(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    try:
        store.migrate()
        account = Users(store).create("old@example.com", PASSWORD, "Old", smart_number="+15550700")
        OwnerSettingsStore(store).update(account.id, {"ring_timeout_s": 20})
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0009")
        assert not NEW_COLUMNS & columns(store)
        store.migrate()
        assert NEW_COLUMNS <= columns(store)
        view = OwnerSettingsStore(store).get(account.id)
        assert view is not None and view.ring_timeout_s == 20
        assert (view.monthly_limit_minutes, view.passcode_destinations, view.outbound_passcode_set) == (
            None,
            (),
            False,
        )
    finally:
        store.close()
