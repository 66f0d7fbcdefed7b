"""Migration 0013 adds queues and their members to a database that has accounts; undoing it drops them
and keeps the accounts (real SQLite, real Alembic)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from api_fixtures import PASSWORD
from sqlalchemy import inspect

from assistant.store.db import alembic_config, open_store
from assistant.store.queues import Queues
from assistant.store.users import Users

QUEUE_TABLES = {"queues", "queue_members"}


def test_queues_come_and_go_and_the_accounts_stay(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    try:
        store.migrate()
        account = Users(store).create("old@example.com", PASSWORD, "Old", smart_number="+15550700")
        Queues(store).create("+15550300", "Front desk", mailbox_email=account.email)
        Queues(store).add_member("+15550300", account.email)
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0012")
        assert not QUEUE_TABLES & set(inspect(store.engine).get_table_names())
        assert Users(store).login("old@example.com", PASSWORD).account is not None

        store.migrate()
        assert QUEUE_TABLES <= set(inspect(store.engine).get_table_names())
        assert Queues(store).memberships(account.id) == []
        Queues(store).create("+15550300", "Front desk")
        Queues(store).add_member("+15550300", account.email)
        assert [m.present for m in Queues(store).memberships(account.id)] == [True]  # presence starts on
    finally:
        store.close()
