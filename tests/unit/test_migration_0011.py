"""Migration 0011 gives existing owners the standard greeting in the standard voice; undoing it keeps
their settings rows and everything else in them (real SQLite, real Alembic)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from api_fixtures import PASSWORD
from sqlalchemy import inspect, select

from assistant.store.db import alembic_config, open_store
from assistant.store.models import OwnerSettings
from assistant.store.owners import OwnerSettingsStore
from assistant.store.users import Users

NEW_COLUMNS = {"welcome_text", "greeting_voice", "greeting_rate", "greeting_pitch"}


def test_existing_owners_get_the_standard_greeting_and_downgrading_keeps_their_rows(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    try:
        store.migrate()
        account = Users(store).create("old@example.com", PASSWORD, "Old", smart_number="+15550700")
        OwnerSettingsStore(store).update(
            account.id, {"greeting_text": "Leave a message.", "greeting_rate": 8}
        )
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0010")
        assert not NEW_COLUMNS & {c["name"] for c in inspect(store.engine).get_columns("owner_settings")}
        with store.engine.connect() as connection:
            row = connection.execute(select(OwnerSettings.__table__.c.greeting_text)).one()
        assert row.greeting_text == "Leave a message."

        store.migrate()
        view = OwnerSettingsStore(store).get(account.id)
        assert view is not None and view.greeting_text == "Leave a message."
        assert (view.welcome_text, view.greeting_voice, view.greeting_rate, view.greeting_pitch) == (
            None,
            "joe",
            5,
            5,
        )
    finally:
        store.close()
