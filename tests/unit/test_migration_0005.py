"""Migration 0005 brings rows written under the old rules under decision 0008 (real SQLite, real Alembic)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from assistant.store.db import alembic_config, open_store

CALL = (
    "INSERT INTO calls (id, channel_id, parent_id, direction, caller_number, called_line, started_at,"
    " answered_at, ended_at, duration_s, talk_s, events, owner_id, kind, party_number, created_at)"
    " VALUES (:id, :channel, :parent, :direction, :caller, :line, '2025-03-01 12:00:00.000000',"
    " :answered, '2025-03-01 12:05:00.000000', 300, :talk, '[]', 1, :kind, :caller, CURRENT_TIMESTAMP)"
)


def test_old_rows_are_brought_under_the_new_rules(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        connection.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, disabled, created_at)"
                " VALUES (1, 'a@example.com', 'A', 'x', 0, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO owner_settings (user_id, smart_number, extra_lines, owner_name, extensions,"
                " screening, vip_numbers, blocked_numbers, do_not_disturb, ring_timeout_s,"
                " notification_emails, importance_words, billing_increment_h, billing_rounding,"
                " billing_minimum_units, default_activity_code, timekeeper_id, time_zone, default_country,"
                " default_caller_id, voicemail_max_s, voicemail_min_s, registered_phones, pin_lock_minutes,"
                " updated_at) VALUES (1, '+15550100', '[]', 'A', '[]', 1, '[]', '[]', 0, 28, '[]', '[]',"
                " '0.1', 'up', 1, 'A106', '', 'UTC', 'US', '+12025550999', 180, 2, '[]', 15,"
                " CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text("INSERT INTO owner_lines (number, owner_id, role) VALUES ('+15550199', 1, 'assistant')")
        )
        answered = "2025-03-01 12:00:05.000000"
        rows = [
            # screened or voicemail-less call the assistant answered: was inbound, is missed
            (1, "screened", None, "inbound", "+12025550001", "+15550100", answered, 295.0, "inbound"),
            # put through: an accepted leg
            (2, "taken", None, "inbound", "+12025550002", "+15550100", answered, 295.0, "inbound"),
            (3, "taken-leg", 2, "outbound", "+12025550002", "+15557770001", answered, 200.0, "outbound"),
            # the owner's assistant-line session stays inbound
            (4, "session", None, "inbound", "+12025550177", "+15550199", answered, 295.0, "inbound"),
            (5, "message", None, "inbound", "+12025550005", "+15550100", answered, 295.0, "voicemail"),
        ]
        for row in rows:
            keys = ("id", "channel", "parent", "direction", "caller", "line", "answered", "talk", "kind")
            connection.execute(text(CALL), dict(zip(keys, row, strict=True)))
    store.migrate()
    with store.engine.connect() as connection:
        kinds = dict(connection.execute(text("SELECT channel_id, kind FROM calls")).all())
        flows = dict(connection.execute(text("SELECT channel_id, flow FROM calls")).all())
        caller_id = connection.execute(text("SELECT default_caller_id FROM owner_settings")).scalar()
    store.close()
    assert kinds == {
        "screened": "missed",
        "taken": "inbound",
        "taken-leg": "outbound",
        "session": "inbound",
        "message": "voicemail",
    }
    assert flows["session"] == "line" and flows["screened"] is None
    assert caller_id is None  # +12025550999 is none of the owner's numbers
