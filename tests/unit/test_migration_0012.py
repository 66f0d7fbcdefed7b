"""Migration 0012 gives existing extensions no secret code (none can be virtualized yet); undoing it
drops the virtualization tables and keeps the accounts (real SQLite, real Alembic)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from api_fixtures import PASSWORD
from sqlalchemy import inspect, select

from assistant.store.db import alembic_config, open_store
from assistant.store.models import OwnerSettings
from assistant.store.users import Users
from assistant.store.virtualization import Virtualizations

TABLES = {"virtual_extensions", "virtualization_events"}


def test_existing_extensions_have_no_code_and_downgrading_keeps_the_accounts(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    try:
        store.migrate()
        account = Users(store).create("old@example.com", PASSWORD, "Old", smart_number="+15550700")
        Virtualizations(store).set_code(account.id, "101", "4711")
        Virtualizations(store).virtualize("101", "202", "phone 202")
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0011")
        assert not TABLES & set(inspect(store.engine).get_table_names())
        with store.session() as session:
            assert session.scalar(select(OwnerSettings.user_id)) == account.id

        store.migrate()
        places = Virtualizations(store)
        assert TABLES <= set(inspect(store.engine).get_table_names())
        assert not places.has_code("101") and places.placements() == {}
        assert Users(store).login("old@example.com", PASSWORD).account is not None
    finally:
        store.close()
