"""Calls that came in before the owner's account existed become the owner's when it is created."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from assistant.store.calls import CallLog
from assistant.store.db import open_store
from assistant.store.users import Users


def test_new_owner_claims_earlier_calls_on_their_lines_only(tmp_path: Path):
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store.migrate()
    log = CallLog(store)
    now = datetime.now(UTC)
    log.record_start("a", "inbound", "+12025550001", None, "+15550100", now)
    log.record_start("b", "inbound", "+12025550002", None, "+15559999", now)
    owner = Users(store).create(
        "owner@example.com",
        "a long enough password",
        "Alex",
        smart_number="+15550100",
        assistant_line="+15550199",
    )

    assert log.claim_unowned(owner.id, ["+15550100", "+15550199"]) == 1
    assert log.get_by_channel("a").owner_id == owner.id
    assert log.get_by_channel("b").owner_id is None
    assert log.claim_unowned(owner.id, ["+15550100"]) == 0
