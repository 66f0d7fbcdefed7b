"""The billing export (/calls/export.csv): exact rows and totals across a DST change, filters, the Clio
and LEDES formats, formula-safe cells checked in LibreOffice and pandas, streaming in flat memory,
another owner's data, and malformed requests."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
import tracemalloc
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from api_fixtures import assert_error, client, settings, store
from export_scenario import PASSWORD, TRICKY, build, build_tricky, expected_csv, fast_and_reference_csv
from fastapi.testclient import TestClient

from assistant.billing_export import ExportRequest, export_chunks
from assistant.domain.billing import BillingRule
from assistant.domain.timezones import day_range_utc
from assistant.store.db import Store
from assistant.store.export import ExportQuery, iter_batches

RANGE = {"from": "2025-03-08", "to": "2025-03-10"}


@pytest.fixture
def scenario(store: Store) -> dict[str, int]:
    return build(store)


@pytest.fixture
def alice_headers(client: TestClient, scenario: dict[str, int]) -> dict[str, str]:
    token = client.post("/auth/token", json={"email": "alice@example.com", "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def export(client: TestClient, headers: dict[str, str], **params: object):
    response = client.get("/calls/export.csv", headers=headers, params={**RANGE, **params})
    assert response.status_code == 200, response.text
    return response


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_rows_and_total(client: TestClient, alice_headers: dict, scenario: dict[str, int]) -> None:
    response = export(client, alice_headers)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"] == 'attachment; filename="calls-2025-03-08-to-2025-03-10.csv"'
    )
    assert rows_of(response.text) == expected_csv(scenario)
    assert response.text.endswith("\r\n")


def test_filters_by_contact_and_codes(
    client: TestClient, alice_headers: dict, scenario: dict[str, int]
) -> None:
    jane = client.get("/contacts", headers=alice_headers, params={"q": "Jane"}).json()["items"][0]
    by_contact = rows_of(export(client, alice_headers, contact_id=jane["id"]).text)
    assert [r[0] for r in by_contact[1:]] == [str(scenario["a"]), str(scenario["c"]), "TOTAL"]
    assert by_contact[-1][9:12] == ["760", "3", "0.3"]
    by_client = rows_of(export(client, alice_headers, client_code="ROE").text)
    assert [r[0] for r in by_client[1:]] == [str(scenario["a"]), str(scenario["c"]), "TOTAL"]
    assert len(rows_of(export(client, alice_headers, matter_code="NONE").text)) == 2
    one_day = rows_of(
        client.get(
            "/calls/export.csv", headers=alice_headers, params={"from": "2025-03-09", "to": "2025-03-09"}
        ).text
    )
    assert [r[0] for r in one_day[1:]] == [str(scenario["b"]), "TOTAL"]


def test_unanswered_calls_can_be_listed_at_zero_units(
    client: TestClient, alice_headers: dict, scenario: dict
) -> None:
    rows = rows_of(export(client, alice_headers, include_unanswered="true").text)
    listed = {r[0]: r for r in rows[1:-1]}
    assert listed[str(scenario["missed"])][9:12] == ["0", "0", "0.0"]
    assert listed[str(scenario["vm"])][9:12] == ["0", "0", "0.0"]
    assert listed[str(scenario["screened"])][9:12] == ["0", "0", "0.0"]
    assert listed[str(scenario["session"])][9:12] == ["0", "0", "0.0"]
    assert rows[-1][9:12] == ["1030", "5", "0.5"]


def test_billing_settings_change_the_units(client: TestClient, alice_headers: dict, scenario: dict) -> None:
    client.patch(
        "/settings",
        headers=alice_headers,
        json={"billing_increment_h": "0.25", "billing_rounding": "nearest", "billing_minimum_units": 0},
    )
    rows = rows_of(export(client, alice_headers).text)
    assert [r[10:12] for r in rows[1:-1]] == [["0", "0.00"], ["0", "0.00"], ["0", "0.00"], ["0", "0.00"]]
    client.patch(
        "/settings", headers=alice_headers, json={"billing_increment_h": "0.01", "billing_rounding": "up"}
    )
    rows = rows_of(export(client, alice_headers).text)
    assert [r[10:12] for r in rows[1:-1]] == [["12", "0.12"], ["1", "0.01"], ["10", "0.10"], ["7", "0.07"]]


def test_time_zone_setting_moves_the_days(client: TestClient, alice_headers: dict, scenario: dict) -> None:
    client.patch("/settings", headers=alice_headers, json={"time_zone": "Asia/Tokyo"})
    rows = rows_of(
        client.get(
            "/calls/export.csv", headers=alice_headers, params={"from": "2025-03-09", "to": "2025-03-09"}
        ).text
    )
    assert [(r[0], r[1], r[2]) for r in rows[1:-1]] == [
        (str(scenario["a"]), "2025-03-09", "13:30:00"),
        (str(scenario["b"]), "2025-03-09", "16:30:00"),
    ]


def test_clio_format(client: TestClient, alice_headers: dict, scenario: dict) -> None:
    response = export(client, alice_headers, format="clio")
    assert response.headers["content-disposition"].endswith('-clio.csv"')
    rows = rows_of(response.text)
    assert rows[0] == [
        "Matter",
        "Date",
        "Activity description",
        "Note",
        "Quantity",
        "Price",
        "Type",
        "User",
        "Non-billable",
    ]
    assert rows[1] == [
        "ROE-1",
        "2025-03-08",
        "Communicate (with client)",
        "Inbound call with Jane Roe (+12025550123), 6m 40s",
        "0.2",
        "350.00",
        "TimeEntry",
        "AL",
        "false",
    ]
    assert rows[2][2:5] == [
        "Draft/revise",
        'Inbound call with =HYPERLINK("http://evil","x") (+12025550124), 0m 30s',
        "0.1",
    ]
    assert rows[3][3] == "Outbound call with Jane Roe (+12025550123), 6m 00s"
    assert len(rows) == 5


def test_ledes_format(client: TestClient, alice_headers: dict, scenario: dict) -> None:
    response = export(client, alice_headers, format="ledes")
    lines = response.text.split("\r\n")
    assert lines[0] == "LEDES1998B[]"
    assert lines[1].startswith("INVOICE_DATE|INVOICE_NUMBER|CLIENT_ID|") and lines[1].endswith(
        "CLIENT_MATTER_ID[]"
    )
    items = [line[:-2].split("|") for line in lines[2:] if line]
    assert len(items) == 4 and all(len(item) == 24 for item in items)
    roe = [item for item in items if item[2] == "ROE"]
    assert [item[8] for item in roe] == ["1", "2"]  # line numbers within the invoice
    assert {item[4] for item in roe} == {"105.00"}  # invoice total = 70 + 35
    assert [item[12] for item in roe] == ["70.00", "35.00"]
    assert roe[0][:8] == [
        "20250310",
        "CALLS-20250310-ROE-ROE-1",
        "ROE",
        "ROE-1",
        "105.00",
        "20250308",
        "20250310",
        "Telephone conferences",
    ]
    others = [item for item in items if item[2] == ""]
    assert {item[4] for item in others} == {"40.00"} and [item[8] for item in others] == ["1", "2"]
    assert others[0][18] == 'Inbound call with =HYPERLINK("http://evil","x") (+12025550124), 0m 30s'
    assert response.text.endswith("[]\r\n")


def test_another_owners_calls_and_contacts_never_appear(client: TestClient, scenario: dict) -> None:
    token = client.post("/auth/token", json={"email": "bob@example.com", "password": PASSWORD}).json()[
        "access_token"
    ]
    bob = {"Authorization": f"Bearer {token}"}
    rows = rows_of(export(client, bob).text)
    assert [r[0] for r in rows[1:]] == [str(scenario["bob"]), "TOTAL"]
    assert rows[1][4] == ""  # Alice's contact name is not Bob's
    alice_token = client.post("/auth/token", json={"email": "alice@example.com", "password": PASSWORD}).json()
    jane = client.get("/contacts", headers={"Authorization": f"Bearer {alice_token['access_token']}"}).json()[
        "items"
    ]
    assert_error(
        client.get("/calls/export.csv", headers=bob, params={**RANGE, "contact_id": jane[0]["id"]}), 404
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "from"),
        ({"from": "2025-03-01"}, "to"),
        ({"from": "2025-03-10", "to": "2025-03-01"}, "to"),
        ({"from": "March", "to": "2025-03-01"}, "from"),
        ({"from": "0001-01-01", "to": "9999-12-31"}, "from"),
        ({"from": "2025-03-01", "to": "9999-12-31"}, "to"),
        ({"from": "2025-03-01", "to": "2025-03-02", "format": "xlsx"}, "format"),
        ({"from": "2025-03-01", "to": "2025-03-02", "contact_id": "x"}, "contact_id"),
        ({"from": "2025-03-01", "to": "2025-03-02", "client_code": "x" * 41}, "client_code"),
    ],
)
def test_malformed_export_requests(client: TestClient, alice_headers: dict, params: dict, field: str) -> None:
    assert field in assert_error(client.get("/calls/export.csv", headers=alice_headers, params=params), 422)


def test_export_needs_authentication(client: TestClient, scenario: dict) -> None:
    assert_error(client.get("/calls/export.csv", params=RANGE), 401)


def test_pandas_reads_the_export(client: TestClient, alice_headers: dict, scenario: dict) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(
        io.BytesIO(export(client, alice_headers).content), dtype={"number": str, "line": str}
    )
    assert list(frame.columns) == expected_csv(scenario)[0]
    assert len(frame) == 5
    body = frame.iloc[:-1]
    assert body["talk_seconds"].sum() == frame.iloc[-1]["talk_seconds"] == 1030
    assert body["amount"].sum() == pytest.approx(145.0)
    assert body["number"].tolist()[0] == "'+12025550123"


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed"
)
def test_libreoffice_opens_the_export_without_running_any_formula(
    client: TestClient, alice_headers: dict, scenario: dict, tmp_path: Path
) -> None:
    source = tmp_path / "calls.csv"
    source.write_bytes(export(client, alice_headers).content)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "fods",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    ns = {
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    }
    tree = ET.parse(tmp_path / "calls.fods")
    formula_attr = f"{{{ns['table']}}}formula"
    cells = tree.getroot().iter(f"{{{ns['table']}}}table-cell")
    sheet: list[list[tuple[str, str]]] = []
    for row in tree.getroot().iter(f"{{{ns['table']}}}table-row"):
        values = []
        for cell in row.iter(f"{{{ns['table']}}}table-cell"):
            repeat = int(cell.get(f"{{{ns['table']}}}number-columns-repeated", "1"))
            text = "".join(p.text or "" for p in cell.iter(f"{{{ns['text']}}}p"))
            values.extend([(cell.get(f"{{{ns['office']}}}value-type", ""), text)] * min(repeat, 20))
        sheet.append(values)
    assert not [cell for cell in cells if cell.get(formula_attr)], "a cell became a formula"
    assert sheet[2][4] == ("string", '\'=HYPERLINK("http://evil","x")')
    assert sheet[1][5] == ("string", "'+12025550123")
    assert sheet[1][9] == ("float", "400") and sheet[1][14][0] == "float"
    assert sheet[5][0] == ("string", "TOTAL") and sheet[5][9] == ("float", "1030")


def seed_many(store: Store, owner_id: int, count: int, start: datetime) -> None:
    """Bulk-insert ``count`` answered outbound calls one minute apart (raw SQL, fast)."""
    path = store.engine.url.database
    connection = sqlite3.connect(path)
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    rows = []
    for n in range(count):
        at = start + timedelta(minutes=n)
        rows.append(
            (
                f"bulk-{start:%s}-{n}",
                "outbound",
                "+15550100",
                f"+1202555{n % 10000:04d}",
                at.strftime(fmt),
                at.strftime(fmt),
                at.strftime(fmt),
                100.0 + n % 900,
                100.0 + n % 900,
                "completed",
                "[]",
                owner_id,
                "outbound",
                f"+1202555{n % 10000:04d}",
            )
        )
    connection.executemany(
        "INSERT INTO calls (channel_id, direction, caller_number, called_line, started_at, answered_at,"
        " ended_at, duration_s, talk_s, outcome, events, owner_id, kind, party_number, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,CURRENT_TIMESTAMP)",
        rows,
    )
    connection.commit()
    connection.close()


def test_export_streams_in_batches_with_flat_memory(
    store: Store, scenario: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("assistant.store.export.BATCH_ROWS", 1000)
    owner = scenario["alice"]
    seed_many(store, owner, 40_000, datetime(2024, 1, 1, tzinfo=UTC))

    def peak(days: int) -> tuple[int, int, int]:
        start, end = day_range_utc(date(2024, 1, 1), date(2024, 1, days), ZoneInfo("UTC"))
        request = ExportRequest(
            ExportQuery(owner, start, end, "UTC", "A106", 20000),
            BillingRule(),
            date(2024, 1, 1),
            date(2024, 1, days),
            "Alice",
            "AL",
        )
        tracemalloc.start()
        chunks = rows = 0
        for chunk in export_chunks(store, request, "csv"):
            chunks += 1
            rows += chunk.count(b"\n")
        _, high = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return rows, chunks, high

    small_rows, small_chunks, small_peak = peak(5)
    big_rows, big_chunks, big_peak = peak(20)
    assert small_rows == 5 * 1440 + 2 and big_rows == 20 * 1440 + 2
    assert big_chunks > small_chunks > 2
    assert big_peak < small_peak * 1.5, (small_peak, big_peak)
    start, end = day_range_utc(date(2024, 1, 1), date(2024, 1, 20), ZoneInfo("UTC"))
    sizes = [len(batch) for batch in iter_batches(store, ExportQuery(owner, start, end, "UTC", "A106"), 1000)]
    assert max(sizes) == 1000 and sum(sizes) == 20 * 1440


def test_export_starts_before_the_query_is_read_whole(
    client: TestClient, alice_headers: dict, scenario, store
) -> None:
    seed_many(store, scenario["alice"], 20_000, datetime(2024, 1, 1, tzinfo=UTC))
    with client.stream(
        "GET", "/calls/export.csv", headers=alice_headers, params={"from": "2023-12-01", "to": "2024-02-01"}
    ) as response:
        chunks = response.iter_bytes()
        first = next(chunks)
        assert first.startswith(b"call_id,date,time")
        total = len(first) + sum(len(chunk) for chunk in chunks)
    assert total > 20_000 * 60


def test_cells_written_by_the_database_equal_the_python_rule(store: Store) -> None:
    owner, first, last = build_tricky(store)
    fast, reference = fast_and_reference_csv(store, owner, first, last)
    assert fast == reference
    rows = list(csv.reader(io.StringIO(fast)))
    assert len(rows) == 1 + 2 * len(TRICKY) - 1 + 1 + 1  # header, calls (one had no talk), raw, total
    assert {row[4] for row in rows[1:-2]} >= {
        "Jane",
        "O'Brien, Esq.",
        "'=1+1",
        "' -x",
        "'\t=x",
        "'＋fullwidth",
    }
    assert rows[-2][5] == "'=cmd|' /C calc'!A0"
