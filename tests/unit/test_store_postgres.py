"""The CallLog contract and migrations against a real PostgreSQL.

Uses ``ASSISTANT_TEST_POSTGRES_URL`` when set (the role needs CREATEDB: every test gets a fresh
database). Otherwise a throwaway cluster is started from the PostgreSQL server binaries
(Debian package ``postgresql``), listening on 127.0.0.1 only, and stopped by its pid at the end.
Skipped when neither is available.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from call_log_contract import CallLogContract
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from assistant.store.calls import CallLog
from assistant.store.db import Store, open_store
from assistant.store.models import Base

STARTUP_TIMEOUT_S = 60
SHUTDOWN_TIMEOUT_S = 30


def _postgres_bin_dir() -> Path | None:
    def version(initdb: Path) -> tuple[int, ...]:
        name = initdb.parent.parent.name
        return tuple(int(part) for part in name.split(".") if part.isdigit())

    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version)
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(argv: list[str], log: Path) -> None:
    with log.open("ab") as out:
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(argv)} failed ({result.returncode}):\n{log.read_text(errors='replace')}")


def _stop_by_pid(pid_file: Path) -> None:
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return
    for sig in (signal.SIGINT, signal.SIGQUIT):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + SHUTDOWN_TIMEOUT_S
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        if not pid_file.exists():
            return


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    configured = os.environ.get("ASSISTANT_TEST_POSTGRES_URL")
    if configured:
        yield configured
        return
    bin_dir = _postgres_bin_dir()
    if bin_dir is None:
        pytest.skip(
            "no PostgreSQL server binaries (install the Debian package 'postgresql') "
            "and ASSISTANT_TEST_POSTGRES_URL is not set"
        )
    prefix: list[str] = []
    parent = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root but there is no 'postgres' user to run the server as")
        prefix = ["runuser", "-u", "postgres", "--"]
        parent = "/tmp"
    root = Path(tempfile.mkdtemp(prefix="assistant-pg-", dir=parent))
    if prefix:
        os.chown(root, account.pw_uid, account.pw_gid)
    data, log = root / "data", root / "server.log"
    port = _free_port()
    try:
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
        _run([*prefix, *initdb, "--encoding=UTF8", "--locale=C", "--no-sync"], root / "initdb.log")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off"
        pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options]
        _run([*prefix, *pg_ctl, "-w", "-t", str(STARTUP_TIMEOUT_S), "start"], root / "pg_ctl.log")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        _stop_by_pid(data / "postmaster.pid")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def store(postgres_url: str) -> Iterator[Store]:
    name = f"assistant_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    store = open_store(make_url(postgres_url).set(database=name).render_as_string(hide_password=False))
    try:
        store.migrate()
        yield store
    finally:
        store.close()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def call_log(store: Store) -> CallLog:
    return CallLog(store)


class TestCallLogOnPostgres(CallLogContract):
    pass


def test_migrations_match_the_models_on_postgres(store: Store) -> None:
    store.migrate()
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_billing_export_on_postgres_matches_sqlite(store: Store, tmp_path: Path) -> None:
    """The export query (time zones, legs, phonebook join, streaming cursor) gives the same files on both."""
    import csv
    import io
    from datetime import date
    from zoneinfo import ZoneInfo

    from export_scenario import build, expected_csv

    from assistant.billing_export import ExportRequest, export_chunks
    from assistant.domain.billing import BillingRule
    from assistant.domain.timezones import day_range_utc
    from assistant.store.export import ExportQuery

    sqlite = open_store(f"sqlite:///{tmp_path / 'same.db'}")
    sqlite.migrate()
    try:
        outputs = {}
        for name, db in (("postgres", store), ("sqlite", sqlite)):
            ids = build(db)
            start, end = day_range_utc(date(2025, 3, 8), date(2025, 3, 10), ZoneInfo("America/New_York"))
            query = ExportQuery(ids["alice"], start, end, "America/New_York", "A106", 20000)
            request = ExportRequest(
                query, BillingRule(), date(2025, 3, 8), date(2025, 3, 10), "Alice Lawyer", "AL"
            )
            outputs[name] = {
                fmt: b"".join(export_chunks(db, request, fmt)).decode() for fmt in ("csv", "clio", "ledes")
            }
            assert list(csv.reader(io.StringIO(outputs[name]["csv"]))) == expected_csv(ids)
        assert outputs["postgres"] == outputs["sqlite"]
    finally:
        sqlite.close()


def test_csv_cells_written_by_postgres_equal_the_python_rule(store: Store) -> None:
    from export_scenario import build_tricky, fast_and_reference_csv

    owner, first, last = build_tricky(store)
    fast, reference = fast_and_reference_csv(store, owner, first, last)
    assert fast == reference
