"""A small, exact billing scenario shared by the export tests on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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
        put_through: bool = True,
        **kw: object,
    ) -> int:
        """A call as the flows log it. Inbound with ``talk``: the assistant answers after ``ring``,
        screens for 20 s, and puts the caller through to the mobile, where the owner talks ``talk``
        seconds (unless not ``put_through``: then ``talk`` is the assistant's time alone)."""
        call_id = log.record_start(channel, direction, caller, None, line, at, **kw)
        answered = at + timedelta(seconds=ring)
        if talk is None:
            log.record_end(channel, answered, "caller-hangup", "16")
            return call_id
        log.record_answer(channel, answered)
        end = answered + timedelta(seconds=talk)
        if direction == "inbound" and put_through and "parent_id" not in kw:
            accepted = answered + timedelta(seconds=20)
            end = accepted + timedelta(seconds=talk)
            log.record_start(
                f"{channel}-mobile", "outbound", caller, None, "+15557770001", answered, parent_id=call_id
            )
            log.record_answer(f"{channel}-mobile", accepted)
            log.record_end(f"{channel}-mobile", end, "completed", "16")
        log.record_end(channel, end, "completed", "16")
        return call_id

    ids = {}
    # 2025-03-08 23:30 EST (UTC-5): before the change. The desk phone rang too, unanswered.
    ids["a"] = call("a", "+12025550123", "+15550100", datetime(2025, 3, 9, 4, 30, tzinfo=UTC), 400.2)
    call(
        "a-desk",
        "+12025550123",
        "PJSIP/101",
        datetime(2025, 3, 9, 4, 30, 5, tzinfo=UTC),
        None,
        direction="outbound",
        parent_id=ids["a"],
    )
    # 2025-03-09 03:30 EDT (UTC-4): just after the change (02:00 EST -> 03:00 EDT).
    ids["b"] = call("b", "+12025550124", "+15550100", datetime(2025, 3, 9, 7, 30, tzinfo=UTC), 29.6)
    # The owner phones the assistant line (900 s with it, not billed) and has Jane called: the
    # placed call is the conversation billed, from Jane's answer (360 s).
    ids["session"] = call(
        "line",
        "+12025550177",
        "+15550199",
        datetime(2025, 3, 10, 13, 14, tzinfo=UTC),
        900,
        put_through=False,
        flow="line",
    )
    ids["c"] = call(
        "c", "+15550100", "+12025550123", datetime(2025, 3, 10, 13, 15, tzinfo=UTC), 360, direction="outbound"
    )
    ids["d"] = call("d", "+442079460958", "+15550199", datetime(2025, 3, 10, 22, 0, tzinfo=UTC), 240)
    # Not billed: a missed call, a caller screened out (45 s with the assistant), a voicemail
    # (16 s message), and calls outside the range.
    ids["missed"] = call("m", "+12025550125", "+15550100", datetime(2025, 3, 9, 15, 0, tzinfo=UTC), None)
    ids["screened"] = call(
        "s", "+12025550127", "+15550100", datetime(2025, 3, 9, 15, 30, tzinfo=UTC), 45, put_through=False
    )
    ids["vm"] = call(
        "vm", "+12025550126", "+15550100", datetime(2025, 3, 9, 16, 0, tzinfo=UTC), 16, put_through=False
    )
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


TRICKY = [
    "Jane",
    "O'Brien, Esq.",
    'say "hi"',
    "line\nbreak",
    "cr\rhere",
    "=1+1",
    "+1",
    " -x",
    "@a,b",
    "\t=x",
    "   ",
    "ünïcödé ＝",
    "＋fullwidth",
    "a\r\nb",
    "'quoted'",
    '"=HYPERLINK(""x"")"',
]


def build_tricky(store: Store) -> tuple[int, date, date]:
    """An owner whose contacts and calls (placed by the owner) carry every awkward kind of cell;
    return (owner, first, last)."""
    owner = Users(store).create("tricky@example.com", PASSWORD, "Tricky", smart_number="+15550300")
    contacts = Contacts(store)
    log = CallLog(store)
    at = datetime(2025, 6, 2, 14, tzinfo=UTC)
    for n, text in enumerate(TRICKY):
        phone = f"+1202555{n:04d}"
        contacts.create(
            owner.id,
            {
                "name": text,
                "phone": phone,
                "client_code": TRICKY[-1 - n],
                "matter_code": text[::-1],
                "activity_code": None if n % 2 else "A10" + str(n % 10),
                "rate_cents": None if n % 3 else 12345 * n,
                "important": False,
            },
        )
        for k in range(2):
            channel = f"t{n}-{k}"
            log.record_start(
                channel, "outbound", "+15550300", None, phone, at + timedelta(minutes=10 * n + k)
            )
            log.record_answer(channel, at + timedelta(minutes=10 * n + k, seconds=1))
            log.record_end(
                channel, at + timedelta(minutes=10 * n + k, seconds=1 + 37 * n + k), "completed", "16"
            )
    raw = log.record_start(
        "raw", "outbound", "+15550300", None, "=cmd|' /C calc'!A0", at + timedelta(hours=5)
    )
    log.record_answer("raw", at + timedelta(hours=5, seconds=1))
    log.record_end("raw", at + timedelta(hours=5, seconds=100), "completed", "16")
    assert raw
    return owner.id, date(2025, 6, 1), date(2025, 6, 3)


def fast_and_reference_csv(store: Store, owner_id: int, first: date, last: date) -> tuple[str, str]:
    """The export's CSV (cells written by the database) and the same built in Python with csv.writer."""
    import csv
    import io
    from zoneinfo import ZoneInfo

    from assistant.billing_export import ExportRequest, export_chunks
    from assistant.domain.billing import CSV_HEADER, BillingRule, CsvRows
    from assistant.domain.timezones import day_range_utc
    from assistant.store.export import ExportQuery, iter_batches

    start, end = day_range_utc(first, last, ZoneInfo("America/New_York"))
    query = ExportQuery(owner_id, start, end, "America/New_York", "A106", 20000)
    request = ExportRequest(query, BillingRule(), first, last, "Tricky", "TR")
    fast = b"".join(export_chunks(store, request, "csv")).decode()
    reference = io.StringIO()
    writer = csv.writer(reference)
    writer.writerow(CSV_HEADER)
    rows = CsvRows(BillingRule())
    for batch in iter_batches(store, query):
        writer.writerows(rows.rows(batch))
    writer.writerow(rows.total())
    return fast, reference.getvalue()
