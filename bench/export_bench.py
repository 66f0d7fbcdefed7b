"""Benchmark of the billing export and the call-log page on 1,000,000 calls (SQLite).

Seeds a temporary database (one owner; a million conversations over a year, 1 in 20 forwarded
with two legs, a phonebook of 2,000 contacts), then reports, in the same run:

- the streamed CSV export through HTTP (uvicorn on loopback, fetched by curl): rows/s, time to
  the first byte,
  and peak memory (tracemalloc) for 100k rows and for all rows (flat memory: about the same);
- the yardstick: the database's own CSV dump of the same rows (``sqlite3 -csv`` running the
  export's own SQL), rows/s and the CLI's peak RSS;
- Python's csv module alone writing the same number of rows (for scale);
- call-log page latency (GET /calls, 50 rows) p50/p95 with and without filters;
- the monthly limit's sum of the owner's outbound talk this month (read before every call out and
  on the settings page) p50/p95.

Usage: ``python bench/export_bench.py [--calls 1000000] [--keep DIR]``. Needs sqlite3 and curl.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import uvicorn

from api import create_app
from assistant.billing_export import ExportRequest, export_chunks
from assistant.config import Settings
from assistant.domain.billing import BillingRule
from assistant.domain.timezones import day_range_utc, offset_spans
from assistant.store.db import open_store
from assistant.store.export import ExportQuery, statement
from assistant.store.usage import OutboundUsage
from assistant.store.users import Users

ZONE = "America/New_York"
START = datetime(2025, 1, 1, 5, tzinfo=UTC)
FMT = "%Y-%m-%d %H:%M:%S.%f"
CONTACTS = 2000
PAGE_REQUESTS = 200
ROUNDS = 3
SECONDARY_INDEXES = (
    "ix_calls_started_at_id",
    "ix_calls_owner_started",
    "ix_calls_owner_kind_started",
    "ix_calls_owner_party_started",
    "ix_calls_owner_direction_answered",
    "ix_calls_parent_id",
)


def seed(db_path: Path, owner_id: int, calls: int) -> float:
    """Bulk-insert ``calls`` conversations (plus legs) and a phonebook; return seconds taken."""
    began = time.perf_counter()
    rnd = random.Random(20250101)
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA synchronous = OFF")
    saved = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in saved:
        if name in SECONDARY_INDEXES:
            connection.execute(f"DROP INDEX {name}")
    step = timedelta(days=365) / calls
    kinds = ("inbound",) * 6 + ("missed",) * 2 + ("outbound",)

    def rows():
        leg_id = calls + 1
        for n in range(1, calls + 1):
            at = START + step * n
            kind = kinds[n % len(kinds)]
            party = f"+1202555{rnd.randrange(10000):04d}"
            direction = "outbound" if kind == "outbound" else "inbound"
            caller, called = ("+15550100", party) if direction == "outbound" else (party, "+15550100")
            talk = None if kind == "missed" else float(rnd.randrange(5, 1800))
            answered = None if talk is None else (at + timedelta(seconds=4)).strftime(FMT)
            ended = (at + timedelta(seconds=4 + (talk or 20))).strftime(FMT)
            yield (
                n,
                f"c{n}",
                None,
                direction,
                caller,
                called,
                at.strftime(FMT),
                answered,
                ended,
                (talk or 20) + 4,
                talk,
                "completed",
                "[]",
                owner_id,
                kind,
                party,
            )
            if n % 20 == 0:
                for accepted in (False, True):
                    leg_id += 1
                    leg_talk = float(rnd.randrange(5, 900)) if accepted and talk else None
                    yield (
                        leg_id,
                        f"l{leg_id}",
                        n,
                        "outbound",
                        "+15550100",
                        "+12025557777",
                        at.strftime(FMT),
                        answered if leg_talk else None,
                        ended,
                        20.0,
                        leg_talk,
                        "completed",
                        "[]",
                        owner_id,
                        "outbound",
                        "+12025557777",
                    )

    connection.executemany(
        "INSERT INTO calls (id, channel_id, parent_id, direction, caller_number, called_line,"
        " started_at, answered_at, ended_at, duration_s, talk_s, outcome, events, owner_id, kind,"
        " party_number, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,CURRENT_TIMESTAMP)",
        rows(),
    )
    connection.executemany(
        "INSERT INTO contacts (owner_id, name, phone, client_code, matter_code, rate_cents, important,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,0,CURRENT_TIMESTAMP,CURRENT_TIMESTAMP)",
        [
            (owner_id, f"Client {n:04d}", f"+1202555{n * 5:04d}", f"C{n % 100:03d}", f"M{n:04d}", 30000 + n)
            for n in range(CONTACTS)
        ],
    )
    for name, sql in saved:
        if name in SECONDARY_INDEXES:
            connection.execute(sql)
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    return time.perf_counter() - began


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_export(base: str, token: str, first: date, last: date, out: Path) -> tuple[int, float, float]:
    """Download the export with curl (a separate process, as a real client); return
    (data rows, seconds to the first byte, total seconds)."""
    url = f"{base}/calls/export.csv?from={first}&to={last}&include_unanswered=true"
    timing = subprocess.run(
        [
            "curl",
            "-sS",
            "--fail",
            "-o",
            str(out),
            "-w",
            "%{time_starttransfer} %{time_total}",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    rows = 0
    with out.open("rb") as data:
        while chunk := data.read(1 << 20):
            rows += chunk.count(b"\n")
    out.unlink()
    return rows - 2, float(timing[0]), float(timing[1])


def peak_memory(store, owner_id: int, first: date, last: date) -> tuple[int, int]:
    """Run the export in-process under tracemalloc; return (rows, peak bytes)."""
    start, end = day_range_utc(first, last, ZoneInfo(ZONE))
    request = ExportRequest(
        ExportQuery(owner_id, start, end, ZONE, "A106", 25000),
        BillingRule(),
        first,
        last,
        "Owner",
        "OW",
        False,
    )
    tracemalloc.start()
    rows = 0
    for chunk in export_chunks(store, request, "csv"):
        rows += chunk.count(b"\n")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows - 2, peak


def yardstick(db_path: Path, owner_id: int, first: date, last: date) -> tuple[int, float, int]:
    """The sqlite3 CLI dumping the export's own SQL as CSV; return (rows, seconds, peak RSS KiB)."""
    start, end = day_range_utc(first, last, ZoneInfo(ZONE))
    query = ExportQuery(owner_id, start, end, ZONE, "A106", 25000)
    script = []
    for span_start, span_end, offset in offset_spans(start, end, ZoneInfo(ZONE)):
        sql, params = statement(query, span_start, span_end, offset, postgres=False)
        for name, value in sorted(params.items(), key=lambda item: -len(item[0])):
            literal = "NULL" if value is None else str(value) if isinstance(value, int) else f"'{value}'"
            sql = sql.replace(f":{name}", literal)
        script.append(sql.strip() + ";")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.perf_counter()
    out = subprocess.run(
        ["sqlite3", "-csv", str(db_path)], input="\n".join(script), capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - began
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return out.stdout.count("\n"), seconds, peak


def csv_module_alone(rows: int) -> float:
    """Rows per second of csv.writer writing rows of the export's shape to memory, in batches."""
    sample = (
        123456,
        "2025-03-03",
        "10:00:05",
        "inbound",
        "Client 0042",
        "'+12025550210",
        "C042",
        "M0042",
        "'+15550100",
        400,
        2,
        "0.2",
        "A106",
        "300.42",
        "60.08",
    )
    batch = [sample] * 5000
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    began = time.perf_counter()
    for _ in range(rows // len(batch)):
        writer.writerows(batch)
        buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    return rows / (time.perf_counter() - began)


def page_latency(base: str, token: str, contact_id: int) -> dict[str, tuple[float, float]]:
    """p50/p95 of GET /calls (50 rows) in milliseconds for several filters."""
    cases = {
        "no filter": {},
        "kind=missed": {"kind": "missed"},
        "kind=inbound+voicemail": {"kind": ["inbound", "voicemail"]},
        "one week": {"since": "2025-06-01", "until": "2025-06-07"},
        "contact": {"contact_id": contact_id},
        "week+missed": {"since": "2025-06-01", "until": "2025-06-07", "kind": "missed"},
        "text (number digits)": {"q": "555-00"},
    }
    results = {}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for label, params in cases.items():
            client.get("/calls", params=params).raise_for_status()
            timings = []
            for _ in range(PAGE_REQUESTS):
                began = time.perf_counter()
                response = client.get("/calls", params=params)
                timings.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200 and len(response.json()["items"]) > 0, (
                    label,
                    response.text,
                )
            timings.sort()
            results[label] = (statistics.median(timings), timings[int(len(timings) * 0.95) - 1])
    return results


def usage_latency(store, owner_id: int) -> tuple[float, float, float]:
    """p50/p95 in milliseconds of the owner's outbound talk this month (June 2025), and the seconds."""
    usage = OutboundUsage(store)
    now = datetime(2025, 6, 15, 12, tzinfo=UTC)
    used = usage.this_month(owner_id, now)
    assert used is not None and used.used_s > 0, used
    timings = []
    for _ in range(PAGE_REQUESTS):
        began = time.perf_counter()
        usage.this_month(owner_id, now)
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], used.used_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="keep the database in this folder")
    args = parser.parse_args()
    if shutil.which("sqlite3") is None or shutil.which("curl") is None:
        print("bench: install Debian's sqlite3 (the yardstick) and curl", file=sys.stderr)
        return 2
    root = args.keep or Path(tempfile.mkdtemp(prefix="export-bench-"))
    settings = Settings(_env_file=None, data_dir=root, database_url=None)
    db_path = root / "assistant.db"
    store = open_store(settings.effective_database_url)
    store.migrate()
    users = Users(store)
    owner = users.create("bench@example.com", "bench password", "Bench", smart_number="+15550100")
    token, _ = users.issue_token(owner.id, "bench")
    print(f"seeding {args.calls:,} calls ...", flush=True)
    seconds = seed(db_path, owner.id, args.calls)
    print(f"seeded in {seconds:.1f} s ({db_path.stat().st_size / 1e6:.0f} MB)", flush=True)

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, store=store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    first, last = date(2024, 12, 31), date(2026, 1, 1)
    try:
        # Best of three, interleaved: the machine is shared, so both sides see the same noise.
        ours_runs, yard_runs = [], []
        for _ in range(ROUNDS):
            ours_runs.append(http_export(base, token, first, last, root / "export.csv"))
            yard_runs.append(yardstick(db_path, owner.id, first, last))
        rows, ttfb, total = min(ours_runs, key=lambda run: run[2])
        ttfb = statistics.median(run[1] for run in ours_runs)
        y_rows, y_seconds, y_rss = min(yard_runs, key=lambda run: run[1])
        small_rows, small_peak = peak_memory(store, owner.id, date(2025, 1, 1), date(2025, 2, 6))
        all_rows, all_peak = peak_memory(store, owner.id, first, last)
        csv_alone = csv_module_alone(1_000_000)
        contact_id = store.engine.connect().exec_driver_sql("SELECT min(id) FROM contacts").scalar()
        pages = page_latency(base, token, contact_id)
        usage_p50, usage_p95, used_s = usage_latency(store, owner.id)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
    ours = rows / total
    theirs = y_rows / y_seconds
    print()
    print(f"export over HTTP: {rows:,} rows in {total:.2f} s = {ours:,.0f} rows/s;", end=" ")
    print(f"first byte {ttfb * 1000:.0f} ms (best of {ROUNDS}; first byte: median)")
    print(
        f"yardstick sqlite3 -csv (same SQL): {y_rows:,} rows in {y_seconds:.2f} s = {theirs:,.0f} rows/s;"
        f" peak RSS {y_rss / 1024:.0f} MiB"
    )
    print(f"ours / yardstick: {ours / theirs:.2f}")
    print(f"python csv module alone: {csv_alone:,.0f} rows/s")
    print(
        f"export peak memory (tracemalloc): {small_rows:,} rows {small_peak / 1e6:.1f} MB;"
        f" {all_rows:,} rows {all_peak / 1e6:.1f} MB"
    )
    print("call-log page (GET /calls, 50 rows), ms:")
    for label, (p50, p95) in pages.items():
        print(f"  {label:24s} p50 {p50:6.1f}  p95 {p95:6.1f}")
    print(f"outbound talk this month ({used_s / 3600:.0f} h), ms: p50 {usage_p50:6.1f}  p95 {usage_p95:6.1f}")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
