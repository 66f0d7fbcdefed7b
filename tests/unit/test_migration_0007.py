"""Migration 0007 gives existing users no picture, notifications off and every missed call still new;
undoing it keeps the users and everything that refers to them (real SQLite, real Alembic)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from api_fixtures import PASSWORD
from sqlalchemy import inspect, select

from assistant.store.contacts import Contacts
from assistant.store.db import alembic_config, open_store
from assistant.store.models import OwnerSettings
from assistant.store.profiles import Profiles
from assistant.store.users import Users

NEW_COLUMNS = {"avatar", "avatar_type", "calls_seen_at", "call_notifications"}


def test_existing_users_get_the_defaults_and_downgrading_keeps_their_rows(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    try:
        store.migrate()
        account = Users(store).create("old@example.com", PASSWORD, "Old", smart_number="+15550700")
        Contacts(store).create(account.id, {"name": "Jane", "phone": "+12025550123"})
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
        assert not NEW_COLUMNS & {c["name"] for c in inspect(store.engine).get_columns("users")}
        with store.session() as session:
            assert session.scalar(select(OwnerSettings.user_id)) == account.id
        assert [c.name for c in Contacts(store).iter_all(account.id)] == ["Jane"]

        store.migrate()
        profile = Profiles(store).get(account.id)
        assert profile is not None
        assert (profile.has_avatar, profile.call_notifications, profile.calls_seen_at) == (False, False, None)
        assert Users(store).login("old@example.com", PASSWORD).account is not None
    finally:
        store.close()
