"""Migration 0006 gives existing owners today's ringing: all phones together, no per-phone seconds
(real SQLite, real Alembic), and can be undone."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import text

from assistant.store.db import alembic_config, open_store


def test_existing_owners_ring_together_for_the_ring_timeout(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, disabled, created_at)"
                " VALUES (1, 'a@example.com', 'A', 'x', 0, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO owner_settings (user_id, smart_number, extra_lines, owner_name, mobile,"
                " extensions, screening, vip_numbers, blocked_numbers, do_not_disturb, ring_timeout_s,"
                " notification_emails, importance_words, billing_increment_h, billing_rounding,"
                " billing_minimum_units, default_activity_code, timekeeper_id, time_zone, default_country,"
                " voicemail_max_s, voicemail_min_s, updated_at) VALUES (1, '+15550100', '[]', 'A',"
                " '+12025550111', '[\"101\"]', 1, '[]', '[]', 0, 22, '[]', '[]', '0.1', 'up', 1, 'A106', '',"
                " 'UTC', 'US', 180, 2, CURRENT_TIMESTAMP)"
            )
        )
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        strategy, seconds, timeout = connection.execute(
            text("SELECT ring_strategy, ring_seconds, ring_timeout_s FROM owner_settings WHERE user_id = 1")
        ).one()
    assert (strategy, json.loads(seconds), timeout) == ("together", {}, 22)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
        columns = {row[1] for row in connection.execute(text("PRAGMA table_info(owner_settings)"))}
    store.close()
    assert "ring_strategy" not in columns and "ring_seconds" not in columns and "mobile" in columns
