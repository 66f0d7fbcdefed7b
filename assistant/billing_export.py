"""Writing the billing export: the streamed query through the billing rules into CSV, Clio or LEDES.

Output is produced in chunks of encoded text (one per database batch), so the first bytes leave at
once and memory stays flat however many calls there are. Per-row work is kept to a minimum:
billable units depend only on whole seconds of talk, so they are computed once per distinct
duration; rates once per distinct value.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assistant.domain import billing
from assistant.domain.billing import BillableCall, BillingRule, CsvRows, LedesInvoice
from assistant.store.db import Store
from assistant.store.export import ExportQuery, iter_batches

logger = logging.getLogger(__name__)

FORMATS = ("csv", "clio", "ledes")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "clio": "text/csv; charset=utf-8",
    "ledes": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class ExportRequest:
    """One export: what to query, the owner's billing rule, and who the time entries are for."""

    query: ExportQuery
    rule: BillingRule
    first_day: date
    last_day: date
    user_name: str
    timekeeper_id: str
    answered_only: bool = True


def filename(request: ExportRequest, fmt: str) -> str:
    """Return the download name, e.g. ``calls-2025-03-01-to-2025-03-31.csv`` (``-clio``, ``.ledes``)."""
    stem = f"calls-{request.first_day.isoformat()}-to-{request.last_day.isoformat()}"
    return {"csv": f"{stem}.csv", "clio": f"{stem}-clio.csv", "ledes": f"{stem}.ledes.txt"}[fmt]


def export_chunks(store: Store, request: ExportRequest, fmt: str) -> Iterator[bytes]:
    """Yield the export file in ``fmt`` (``csv``, ``clio`` or ``ledes``) as UTF-8 chunks."""
    if fmt == "csv":
        return _csv(store, request)
    if fmt == "clio":
        return _clio(store, request)
    if fmt == "ledes":
        return _ledes(store, request)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")


def billable_calls(store: Store, request: ExportRequest) -> Iterator[list[BillableCall]]:
    """Yield batches of the conversations to bill, as BillableCall tuples."""
    make = BillableCall._make
    for batch in iter_batches(store, request.query):
        calls = [make(row) for row in batch]
        if request.answered_only:
            calls = [call for call in calls if call.talk_seconds]
        yield calls


def _csv(store: Store, request: ExportRequest) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(billing.CSV_HEADER)
    yield _drain(buffer)
    rows = CsvRows(request.rule, answered_only=request.answered_only)
    for batch in iter_batches(store, request.query):
        yield rows.text(batch).encode()
    writer.writerow(rows.total())
    logger.info("billing export: %d conversations, %d units", rows.totals.rows, rows.totals.units)
    yield _drain(buffer)


def _clio(store: Store, request: ExportRequest) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(billing.CLIO_HEADER)
    yield _drain(buffer)
    user = request.timekeeper_id or request.user_name
    for calls in billable_calls(store, request):
        writer.writerows(billing.clio_row(call, request.rule, user) for call in calls)
        yield _drain(buffer)


def _ledes(store: Store, request: ExportRequest) -> Iterator[bytes]:
    # LEDES repeats each invoice's total on every line: a first pass adds up the totals.
    totals: dict[tuple[str, str], Decimal] = {}
    for calls in billable_calls(store, request):
        for call in calls:
            key = billing.ledes_key(call)
            totals[key] = totals.get(key, Decimal(0)) + billing.ledes_amount(call, request.rule)
    yield (billing.LEDES_FORMAT_LINE + "\r\n" + billing.LEDES_HEADER_LINE + "\r\n").encode()
    invoices = {key: _invoice(request, key, total) for key, total in totals.items()}
    numbers: dict[tuple[str, str], int] = {}
    for calls in billable_calls(store, request):
        lines = []
        for call in calls:
            key = billing.ledes_key(call)
            invoice = invoices.get(key)
            if invoice is None:  # a call that arrived between the two passes
                continue
            numbers[key] = numbers.get(key, 0) + 1
            lines.append(billing.ledes_line(invoice, numbers[key], call, request.rule))
        if lines:
            yield ("\r\n".join(lines) + "\r\n").encode()


def _invoice(request: ExportRequest, key: tuple[str, str], total: Decimal) -> LedesInvoice:
    client, matter = key
    number = "-".join(part for part in ("CALLS", request.last_day.strftime("%Y%m%d"), client, matter) if part)
    return LedesInvoice(
        invoice_date=request.last_day,
        invoice_number=number[:60],
        client_id=client,
        matter_id=matter,
        total=total,
        start=request.first_day,
        end=request.last_day,
        description="Telephone conferences",
        timekeeper_id=request.timekeeper_id,
        timekeeper_name=request.user_name,
    )


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data
