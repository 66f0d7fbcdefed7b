"""A small, exact billing scenario shared by the export tests on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.store.calls import CallLog
from assistant.store.contacts import Contacts
from assistant.store.db import Store
from assistant.store.owners import OwnerSettingsStore
from assistant.store.users import Users
from assistant.store.voicemails import VoicemailStore

PASSWORD = "correct horse battery"
EXPECTED_CSV = [
    [
        "call_id",
        "date",
        "time",
        "direction",
        "contact",
        "number",
        "client_code",
        "matter_code",
        "line",
        "talk_seconds",
        "units",
        "hours",
        "activity_code",
        "rate",
        "amount",
    ],
    [
        "{a}",
        "2025-03-08",
        "23:30:00",
        "inbound",
        "Jane Roe",
        "'+12025550123",
        "ROE",
        "ROE-1",
        "'+15550100",
        "400",
        "2",
        "0.2",
        "A106",
        "350.00",
        "70.00",
    ],
    [
        "{b}",
        "2025-03-09",
        "03:30:00",
        "inbound",
        '\'=HYPERLINK("http://evil","x")',
        "'+12025550124",
        "",
        "",
        "'+15550100",
        "30",
        "1",
        "0.1",
        "A103",
        "200.00",
        "20.00",
    ],
    [
        "{c}",
        "2025-03-10",
        "09:15:00",
        "outbound",
        "Jane Roe",
        "'+12025550123",
        "ROE",
        "ROE-1",
        "'+15550100",
        "360",
        "1",
        "0.1",
        "A106",
        "350.00",
        "35.00",
    ],
    [
        "{d}",
        "2025-03-10",
        "18:00:00",
        "inbound",
        "",
        "'+442079460958",
        "",
        "",
        "'+15550199",
        "240",
        "1",
        "0.1",
        "A106",
        "200.00",
        "20.00",
    ],
    ["TOTAL", "", "", "", "", "", "", "", "", "1030", "5", "0.5", "", "", "145.00"],
]


def build(store: Store) -> dict[str, int]:
    """Two owners; Alice's calls around the March 2025 DST change in New York, Bob's on the same days."""
    users = Users(store)
    alice = users.create(
        "alice@example.com", PASSWORD, "Alice Lawyer", smart_number="+15550100", assistant_line="+15550199"
    )
    bob = users.create("bob@example.com", PASSWORD, "Bob", smart_number="+15550200")
    OwnerSettingsStore(store).update(
        alice.id, {"default_hourly_rate": __import__("decimal").Decimal("200"), "timekeeper_id": "AL"}
    )
    contacts = Contacts(store)
    contacts.create(
        alice.id,
        {
            "name": "Jane Roe",
            "phone": "+12025550123",
            "client_code": "ROE",
            "matter_code": "ROE-1",
            "rate_cents": 35000,
            "important": False,
        },
    )
    contacts.create(
        alice.id,
        {
            "name": '=HYPERLINK("http://evil","x")',
            "phone": "+12025550124",
            "activity_code": "A103",
            "important": False,
        },
    )
    log = CallLog(store)

    def call(
        channel: str,
        caller: str,
        line: str,
        at: datetime,
        talk: float | None,
        ring: float = 5.0,
        direction: str = "inbound",
        **kw: object,
    ) -> int:
        call_id = log.record_start(channel, direction, caller, None, line, at, **kw)
        if talk is not None:
            log.record_answer(channel, at + timedelta(seconds=ring))
        log.record_end(channel, at + timedelta(seconds=ring + (talk or 0)), "completed", "16")
        return call_id

    ids = {}
    # 2025-03-08 23:30 EST (UTC-5): before the change.
    ids["a"] = call("a", "+12025550123", "+15550100", datetime(2025, 3, 9, 4, 30, tzinfo=UTC), 400.2)
    # 2025-03-09 03:30 EDT (UTC-4): just after the change (02:00 EST -> 03:00 EDT).
    ids["b"] = call("b", "+12025550124", "+15550100", datetime(2025, 3, 9, 7, 30, tzinfo=UTC), 29.6)
    # A forwarded call: 300 s with the assistant, the owner's mobile answered for 360 s of it.
    ids["c"] = call(
        "c", "+15550100", "+12025550123", datetime(2025, 3, 10, 13, 15, tzinfo=UTC), 900, direction="outbound"
    )
    call(
        "c-leg",
        "+15550100",
        "+12025550999",
        datetime(2025, 3, 10, 13, 15, 10, tzinfo=UTC),
        None,
        direction="outbound",
        parent_id=ids["c"],
    )
    call(
        "c-leg2",
        "+15550100",
        "+12025550998",
        datetime(2025, 3, 10, 13, 15, 10, tzinfo=UTC),
        360,
        direction="outbound",
        parent_id=ids["c"],
    )
    ids["d"] = call("d", "+442079460958", "+15550199", datetime(2025, 3, 10, 22, 0, tzinfo=UTC), 240)
    # Not billed: a missed call, a voicemail the owner never talked on (0 talk), and outside the range.
    ids["missed"] = call("m", "+12025550125", "+15550100", datetime(2025, 3, 9, 15, 0, tzinfo=UTC), None)
    ids["vm"] = call("vm", "+12025550126", "+15550100", datetime(2025, 3, 9, 16, 0, tzinfo=UTC), 0.2)
    VoicemailStore(store).add(alice.id, ids["vm"], "/nonexistent/vm.wav", 12.0, "+12025550126")
    ids["before"] = call("early", "+12025550123", "+15550100", datetime(2025, 3, 8, 4, 59, tzinfo=UTC), 100)
    ids["after"] = call("late", "+12025550123", "+15550100", datetime(2025, 3, 11, 4, 0, tzinfo=UTC), 100)
    # Bob's calls on the same days never show up in Alice's export.
    ids["bob"] = call("bob", "+12025550123", "+15550200", datetime(2025, 3, 9, 15, 0, tzinfo=UTC), 500)
    ids["alice"], ids["bob_id"] = alice.id, bob.id
    return ids


def expected_csv(ids: dict[str, int]) -> list[list[str]]:
    """The expected plain CSV of Alice's export from 2025-03-08 to 2025-03-10, as rows of cells."""
    return [[cell.format(**{k: str(v) for k, v in ids.items()}) for cell in row] for row in EXPECTED_CSV]
