"""Migration 0014's index carries the monthly limit's sum on a database of many calls, and undoing the
migration keeps the calls (real SQLite, real Alembic)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from api_fixtures import PASSWORD
from sqlalchemy import func, inspect, select

from assistant.store.db import alembic_config, open_store
from assistant.store.models import Call
from assistant.store.usage import OutboundUsage, outbound_talk
from assistant.store.users import Users

INDEX = "ix_calls_owner_direction_answered"
START = datetime(2025, 1, 1, tzinfo=UTC)


def seed_calls(store, owner_id: int, calls: int) -> None:
    """A year of calls, one in three out, each answered and talked for a minute."""
    rows = []
    for n in range(calls):
        at = START + timedelta(hours=4 * n)
        rows.append(
            {
                "channel_id": f"c{n}",
                "direction": "outbound" if n % 3 == 0 else "inbound",
                "caller_number": "+15550100",
                "called_line": "+12025550100",
                "started_at": at,
                "answered_at": at + timedelta(seconds=5),
                "talk_s": 60.0,
                "outcome": "completed",
                "owner_id": owner_id,
                "kind": "outbound" if n % 3 == 0 else "inbound",
            }
        )
    with store.engine.begin() as connection:
        connection.execute(Call.__table__.insert(), rows)
        connection.exec_driver_sql("ANALYZE")


def plan(store, db_path: Path, owner_id: int) -> str:
    """SQLite's plan for the monthly sum, from a connection of its own (the pool's keep old plans)."""
    statement = outbound_talk(owner_id, datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC))
    compiled = statement.compile(store.engine, compile_kwargs={"literal_binds": True})
    with closing(sqlite3.connect(db_path)) as connection:
        return " / ".join(row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {compiled}"))


def test_the_monthly_sum_uses_the_index_and_downgrading_keeps_the_calls(tmp_path: Path) -> None:
    db_path = tmp_path / "calls.db"
    store = open_store(f"sqlite:///{db_path}")
    config = alembic_config()
    try:
        store.migrate()
        account = Users(store).create("many@example.com", PASSWORD, "Many", smart_number="+15550700")
        seed_calls(store, account.id, 2190)

        assert INDEX in plan(store, db_path, account.id), plan(store, db_path, account.id)
        june = OutboundUsage(store).this_month(account.id, datetime(2025, 6, 15, 12, tzinfo=UTC))
        assert june is not None and june.used_s == 60.0 * 60  # 180 calls in June, one in three out

        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0013")
        assert INDEX not in {index["name"] for index in inspect(store.engine).get_indexes("calls")}
        assert INDEX not in plan(store, db_path, account.id)
        with store.engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Call.__table__)) == 2190

        store.migrate()
        assert INDEX in {index["name"] for index in inspect(store.engine).get_indexes("calls")}
    finally:
        store.close()
