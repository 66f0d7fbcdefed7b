"""The CSV form of the phonebook: columns, header aliases, and reading an uploaded file (no I/O).

Rows are returned as dicts of the contact fields; validating them is the caller's job (the same
rules as a contact created through the API).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

COLUMNS = (
    "name",
    "phone",
    "email",
    "nickname",
    "client_code",
    "matter_code",
    "activity_code",
    "hourly_rate",
    "important",
    "label",
)
ALIASES = {
    "full name": "name",
    "display name": "name",
    "number": "phone",
    "phone number": "phone",
    "telephone": "phone",
    "mobile": "phone",
    "e-mail": "email",
    "email address": "email",
    "client": "client_code",
    "client code": "client_code",
    "matter": "matter_code",
    "matter code": "matter_code",
    "activity": "activity_code",
    "activity code": "activity_code",
    "rate": "hourly_rate",
    "hourly rate": "hourly_rate",
    "vip": "important",
    "phone label": "label",
    "phone type": "label",
}
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
_TRUE = {"1", "true", "yes", "y", "x", "vip", "important"}
_FALSE = {"", "0", "false", "no", "n"}


class BadContactFile(ValueError):
    """The upload is not a contacts CSV this importer can read."""


def decode(data: bytes) -> str:
    """Return the text of an uploaded CSV (UTF-8 with or without BOM, else Windows-1252)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise BadContactFile(f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB")
    if b"\0" in data:
        raise BadContactFile("the file is not a text CSV file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def column_for(header: str) -> str | None:
    """Return the contact field a CSV header names (case and spacing ignored), or None."""
    key = " ".join(header.replace("_", " ").split()).lower()
    if key.replace(" ", "_") in COLUMNS:
        return key.replace(" ", "_")
    return ALIASES.get(key)


def parse_flag(value: str) -> bool:
    """Return a yes/no cell as a bool; ValueError for anything else."""
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{value!r} is not yes or no")


def read_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, {field: cell})`` for each non-empty row of a contacts CSV.

    Raises:
        BadContactFile: When there is no header naming at least ``name`` and ``phone``, or too many rows.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise BadContactFile("the file is empty") from None
    except csv.Error as exc:
        raise BadContactFile(f"not a CSV file: {exc}") from None
    fields = [column_for(cell) for cell in header]
    if "name" not in fields or "phone" not in fields:
        raise BadContactFile("the first line must name the columns, with at least 'name' and 'phone'")
    count = 0
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            if count > MAX_IMPORT_ROWS:
                raise BadContactFile(f"at most {MAX_IMPORT_ROWS} contacts per file")
            values = {
                field: cell.strip() for field, cell in zip(fields, row, strict=False) if field is not None
            }
            yield reader.line_num, values
    except csv.Error as exc:
        raise BadContactFile(f"line {reader.line_num}: {exc}") from None
