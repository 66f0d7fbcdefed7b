"""The billing export query: the owner's conversations in a date range, streamed in batches.

Each row is ``(call id, local "YYYY-MM-DD HH:MM:SS", direction, contact name, number, client
code, matter code, line used, talk seconds (float or None), activity code, rate in cents or None)``:
joined with the phonebook (number within the owner), defaults filled in, oldest first. Talk time
follows ``assistant.domain.calls.conversation_talk_s``: an inbound conversation's is that of its
accepted legs (the assistant's own time with the caller never counts), an outbound one's its own.

This is the hot path of a million-row export, so it is plain SQL on the driver's cursor (no ORM,
no per-row result objects), read a batch at a time: a server-side cursor on PostgreSQL, SQLite's
lazy stepping otherwise. Local times are formatted by the database: PostgreSQL converts to the
owner's time zone itself; for SQLite the range is cut where the zone's UTC offset changes and each
span is formatted with its fixed offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from assistant.domain.timezones import offset_spans
from assistant.store.db import Store

BATCH_ROWS = 10_000

_SELECT = """
SELECT {columns}
FROM calls c
LEFT JOIN contacts ct ON ct.owner_id = c.owner_id AND ct.phone = c.party_number
LEFT JOIN (
    SELECT parent_id AS pid, SUM(CASE WHEN answered_at IS NOT NULL THEN talk_s END) AS talk
    FROM calls
    WHERE owner_id = {p}owner{s} AND parent_id IS NOT NULL AND started_at >= {p}start{s}
    GROUP BY parent_id
) lg ON lg.pid = c.id
WHERE c.owner_id = {p}owner{s} AND c.parent_id IS NULL
  AND c.started_at >= {p}start{s} AND c.started_at < {p}end{s}{filters}
ORDER BY c.started_at, c.id
"""
# A row as plain values (the order of assistant.domain.billing.BillableCall).
_DATA_COLUMNS = (
    "c.id, {local}, c.direction, {contact}, {number}, {client}, {matter}, {line}, {talk}, {activity}, {rate}"
)


@dataclass(frozen=True)
class ExportQuery:
    """Which conversations to export: one owner, a UTC range ``[start, end)``, optional narrowing."""

    owner_id: int
    start: datetime
    end: datetime
    time_zone: str
    default_activity_code: str
    default_rate_cents: int | None = None
    number: str | None = None
    client_code: str | None = None
    matter_code: str | None = None


def iter_batches(store: Store, query: ExportQuery, batch_rows: int | None = None) -> Iterator[list[tuple]]:
    """Yield lists of export rows (at most ``batch_rows`` each), oldest conversation first.

    Args:
        store: The database.
        query: What to export.
        batch_rows: Rows per batch (and per fetch from the cursor); :data:`BATCH_ROWS` by default.
    """
    batch_rows = batch_rows or BATCH_ROWS
    postgres = store.engine.dialect.name == "postgresql"
    with store.engine.connect() as connection:
        raw = connection.connection.driver_connection
        if postgres:
            sql, params = statement(query, query.start, query.end, None, postgres=True)
            with raw.cursor(name="billing_export") as cursor:
                cursor.itersize = batch_rows
                cursor.execute(sql, params)
                yield from _fetch(cursor, batch_rows)
            return
        for span_start, span_end, offset in offset_spans(query.start, query.end, ZoneInfo(query.time_zone)):
            sql, params = statement(query, span_start, span_end, offset, postgres=False)
            cursor = raw.cursor()
            try:
                cursor.execute(sql, params)
                yield from _fetch(cursor, batch_rows)
            finally:
                cursor.close()


def statement(
    query: ExportQuery,
    start: datetime,
    end: datetime,
    offset_s: int | None,
    *,
    postgres: bool,
) -> tuple[str, dict]:
    """Return the SQL text and parameters of one span of the export (the benchmark dumps it too)."""
    p, s = ("%(", ")s") if postgres else (":", "")
    params: dict = {
        "owner": query.owner_id,
        "activity": query.default_activity_code,
        "rate": query.default_rate_cents,
        "start": _bind_time(start, postgres),
        "end": _bind_time(end, postgres),
    }
    if postgres:
        zoned = f"(c.started_at AT TIME ZONE {p}tz{s})"
        local = f"to_char({zoned}, 'YYYY-MM-DD HH24:MI:SS')"
        params["tz"] = query.time_zone
    else:
        local = f"datetime(c.started_at, {p}modifier{s})"
        params["modifier"] = f"{offset_s or 0:+d} seconds"
    text = {
        "contact": "COALESCE(ct.name, '')",
        "number": "COALESCE(c.party_number, '')",
        "client": "COALESCE(ct.client_code, '')",
        "matter": "COALESCE(ct.matter_code, '')",
        "line": "(CASE WHEN c.direction = 'outbound' THEN c.caller_number ELSE c.called_line END)",
        "activity": f"COALESCE(ct.activity_code, {p}activity{s})",
    }
    talk = "(CASE WHEN c.direction = 'outbound' THEN c.talk_s ELSE lg.talk END)"
    figures = {"talk": talk, "rate": f"COALESCE(ct.rate_cents, {p}rate{s})"}
    columns = _DATA_COLUMNS.format(local=local, **text, **figures)
    filters = ""
    if query.number:
        filters += f" AND c.party_number = {p}number{s}"
        params["number"] = query.number
    if query.client_code:
        filters += f" AND ct.client_code = {p}client{s}"
        params["client"] = query.client_code
    if query.matter_code:
        filters += f" AND ct.matter_code = {p}matter{s}"
        params["matter"] = query.matter_code
    return _SELECT.format(columns=columns, p=p, s=s, filters=filters), params


def _bind_time(at: datetime, postgres: bool) -> datetime | str:
    utc = at.astimezone(UTC)
    if postgres:
        return utc
    # The format SQLAlchemy stores SQLite datetimes in, so text comparison orders correctly.
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f")


def _fetch(cursor, batch_rows: int) -> Iterator[list[tuple]]:
    while True:
        rows = cursor.fetchmany(batch_rows)
        if not rows:
            return
        yield rows
