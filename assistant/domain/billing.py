"""Billing rules for phone time: billable units, spreadsheet-safe cells, and export rows.

A lawyer bills phone time in increments (typically 0.1 hour, six minutes), rounded up, with a
minimum of one increment for any call that was talked on. Everything here is pure: the export
streams rows from the database and runs them through these functions.

Formats built here:
- the plain CSV (:data:`CSV_HEADER`), one row per conversation and a total row;
- Clio's time-entry import (:data:`CLIO_HEADER`);
- LEDES 1998B line items (:func:`ledes_line`), pipe-delimited with ``[]`` line ends.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

ROUNDINGS = ("up", "nearest", "down")
DEFAULT_INCREMENT_H = Decimal("0.1")
DEFAULT_ROUNDING = "up"
DEFAULT_MINIMUM_UNITS = 1
DEFAULT_ACTIVITY_CODE = "A106"
MAX_INCREMENT_H = Decimal("24")
MAX_MINIMUM_UNITS = 100
_CENT = Decimal("0.01")

#: UTBMS activity codes (ABA litigation code set) and their standard descriptions.
UTBMS_ACTIVITIES = {
    "A101": "Plan and prepare for",
    "A102": "Research",
    "A103": "Draft/revise",
    "A104": "Review/analyze",
    "A105": "Communicate (in firm)",
    "A106": "Communicate (with client)",
    "A107": "Communicate (other outside counsel)",
    "A108": "Communicate (other external)",
    "A109": "Appear for/attend",
    "A110": "Manage data/files",
    "A111": "Other",
}

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection),
#: with their full-width forms, which some spreadsheet programs fold to ASCII.
FORMULA_TRIGGERS = frozenset("=+-@\t\r＝＋－＠")

CSV_HEADER = (
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
)
TOTAL_LABEL = "TOTAL"

CLIO_HEADER = (
    "Matter",
    "Date",
    "Activity description",
    "Note",
    "Quantity",
    "Price",
    "Type",
    "User",
    "Non-billable",
)
CLIO_TYPE = "TimeEntry"

LEDES_FORMAT_LINE = "LEDES1998B[]"
LEDES_FIELDS = (
    "INVOICE_DATE",
    "INVOICE_NUMBER",
    "CLIENT_ID",
    "LAW_FIRM_MATTER_ID",
    "INVOICE_TOTAL",
    "BILLING_START_DATE",
    "BILLING_END_DATE",
    "INVOICE_DESCRIPTION",
    "LINE_ITEM_NUMBER",
    "EXP/FEE/INV_ADJ_TYPE",
    "LINE_ITEM_NUMBER_OF_UNITS",
    "LINE_ITEM_ADJUSTMENT_AMOUNT",
    "LINE_ITEM_TOTAL",
    "LINE_ITEM_DATE",
    "LINE_ITEM_TASK_CODE",
    "LINE_ITEM_EXPENSE_CODE",
    "LINE_ITEM_ACTIVITY_CODE",
    "TIMEKEEPER_ID",
    "LINE_ITEM_DESCRIPTION",
    "LAW_FIRM_ID",
    "LINE_ITEM_UNIT_COST",
    "TIMEKEEPER_NAME",
    "TIMEKEEPER_CLASSIFICATION",
    "CLIENT_MATTER_ID",
)
LEDES_HEADER_LINE = "|".join(LEDES_FIELDS) + "[]"


@dataclass(frozen=True)
class BillingRule:
    """How talk time becomes billable units.

    Args:
        increment_h: One unit, in hours (0.1 = six minutes); more than 0, at most 24.
        rounding: ``up`` (any part of an increment counts), ``nearest`` (half up) or ``down``.
        minimum_units: Units billed at least for any call with talk time (0 for none).

    Raises:
        ValueError: For an increment, rounding or minimum out of range.
    """

    increment_h: Decimal = DEFAULT_INCREMENT_H
    rounding: str = DEFAULT_ROUNDING
    minimum_units: int = DEFAULT_MINIMUM_UNITS
    _increment_s: Fraction = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        increment = Decimal(self.increment_h)
        if not increment.is_finite() or not Decimal(0) < increment <= MAX_INCREMENT_H:
            raise ValueError(f"increment must be more than 0 and at most {MAX_INCREMENT_H} hours")
        if self.rounding not in ROUNDINGS:
            raise ValueError(f"rounding must be one of {', '.join(ROUNDINGS)}")
        if type(self.minimum_units) is not int or not 0 <= self.minimum_units <= MAX_MINIMUM_UNITS:
            raise ValueError(f"minimum units must be a whole number from 0 to {MAX_MINIMUM_UNITS}")
        object.__setattr__(self, "increment_h", increment)
        object.__setattr__(self, "_increment_s", Fraction(increment) * 3600)

    def units(self, talk_seconds: int) -> int:
        """Return the billable units for a call of ``talk_seconds`` whole seconds of talk.

        No talk time is no units (the minimum applies only to calls that were talked on).
        """
        if talk_seconds <= 0:
            return 0
        exact = Fraction(talk_seconds) / self._increment_s
        if self.rounding == "up":
            units = math.ceil(exact)
        elif self.rounding == "down":
            units = math.floor(exact)
        else:
            units = math.floor(exact + Fraction(1, 2))
        return max(units, self.minimum_units)

    def hours(self, units: int) -> Decimal:
        """Return ``units`` increments as hours, with the increment's decimal places (at least one)."""
        places = max(1, -self.increment_h.normalize().as_tuple().exponent)
        return (self.increment_h * units).quantize(Decimal(1).scaleb(-places))


def talk_seconds(talk_s: float | None) -> int:
    """Return talk time as whole seconds, half a second rounding up; None or negative is 0."""
    if talk_s is None or not talk_s > 0 or math.isinf(talk_s):
        return 0
    return int(talk_s + 0.5)


def amount(hours: Decimal, rate: Decimal | None) -> Decimal | None:
    """Return ``hours`` × ``rate`` rounded to the cent (half up), or None without a rate."""
    if rate is None:
        return None
    return (hours * rate).quantize(_CENT, rounding=ROUND_HALF_UP)


def cents_to_money(cents: int | None) -> Decimal | None:
    """Return an amount kept in whole cents as a Decimal with two places (None stays None)."""
    return None if cents is None else Decimal(cents).scaleb(-2)


def money(value: Decimal | None) -> str:
    """Return a money value with two decimals, or an empty string for None."""
    return "" if value is None else str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def neutralize(cell: str) -> str:
    """Return ``cell`` made safe from spreadsheet formula evaluation.

    A cell whose first character (ignoring leading spaces) a spreadsheet would read as the start
    of a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading apostrophe,
    so it shows as the text it was, never runs.
    """
    if not cell:
        return cell
    first = cell[0]
    if first == " ":
        stripped = cell.lstrip(" ")
        if not stripped:
            return cell
        first = stripped[0]
    if first in FORMULA_TRIGGERS:
        return "'" + cell
    return cell


def activity_description(code: str) -> str:
    """Return the UTBMS description of an activity code, or the code itself when unknown."""
    return UTBMS_ACTIVITIES.get(code, code)


def call_note(direction: str, who: str, number: str, seconds: int) -> str:
    """Return the narrative of one call for a time entry: ``Inbound call with Jane Roe (+1...), 7m 05s``."""
    minutes, secs = divmod(seconds, 60)
    party = f"{who} ({number})" if who and who != number else number or "unknown caller"
    return f"{direction.capitalize()} call with {party}, {minutes}m {secs:02d}s"


class BillableCall(NamedTuple):
    """One conversation as the export query returns it (legs folded in, time local to the owner).

    A named tuple in the database row's column order, so rows need no copying to be used here.
    """

    call_id: int
    local: str
    direction: str
    contact: str
    number: str
    client_code: str
    matter_code: str
    line: str
    talk_s: float | None
    activity_code: str
    rate_cents: int | None

    @property
    def local_date(self) -> str:
        """``YYYY-MM-DD`` on the owner's wall clock."""
        return self.local[:10]

    @property
    def local_time(self) -> str:
        """``HH:MM:SS`` on the owner's wall clock."""
        return self.local[11:19]

    @property
    def talk_seconds(self) -> int:
        """Talk time in whole seconds (see :func:`talk_seconds`)."""
        return talk_seconds(self.talk_s)

    @property
    def rate(self) -> Decimal | None:
        """The hourly rate, or None."""
        return cents_to_money(self.rate_cents)


@dataclass
class Totals:
    """Running totals of an export: what the total row shows (money in cents, exact)."""

    talk_seconds: int = 0
    units: int = 0
    amount_cents: int = 0
    priced_rows: int = 0
    rows: int = 0


class CsvRows:
    """Builds the plain-CSV rows of an export and keeps its totals.

    Units and hours depend only on whole seconds of talk, so they are computed once per distinct
    duration; the amount is exact integer arithmetic on cents (half up), the same as
    :func:`amount`. Both caches are bounded, so memory stays flat however many rows go through.

    Args:
        rule: The owner's billing rule.
        answered_only: Leave out conversations with no talk time.
    """

    CACHE_LIMIT = 20_000

    def __init__(self, rule: BillingRule, answered_only: bool = True) -> None:
        self.rule = rule
        self.answered_only = answered_only
        self.totals = Totals()
        increment = Fraction(rule.increment_h)
        self._num, self._den = increment.numerator, increment.denominator
        self._units: dict[int, tuple[int, str]] = {}
        self._rates: dict[int | None, str] = {}
        self._neutral: dict[str, str] = {}
        self._quoted: dict[str, str] = {}

    def rows(self, calls: Iterable[Sequence]) -> list[tuple[str | int, ...]]:
        """Return the CSV rows of a batch of calls (BillableCall-shaped), counting them in the totals."""
        return self._build(calls, as_text=False)

    def text(self, calls: Iterable[Sequence]) -> str:
        """Return the CSV text of a batch of calls (``\\r\\n`` line ends), counting them in the totals.

        The same text ``csv.writer`` writes for :meth:`rows`, built with one format per line (no
        writer): the export's hot path.
        """
        return "".join(self._build(calls, as_text=True))

    def _build(self, calls: Iterable[Sequence], as_text: bool) -> list:
        # Hot loop of a million-row export: local names only, no call in the common case.
        units_of, rates = self._units, self._rates
        safe = self._quoted if as_text else self._neutral
        if len(safe) >= self.CACHE_LIMIT:
            safe.clear()
        fix = self._fixer(safe, as_text)
        unsafe, special = _UNSAFE_FIRST, _CSV_SPECIAL.search
        skip_silent = self.answered_only
        num2, den, den2 = 2 * self._num, self._den, 2 * self._den
        secs_sum = units_sum = cents_sum = priced = 0
        out: list = []
        append = out.append
        for call_id, local, direction, contact, number, client, matter, line, talk, activity, rate in calls:
            seconds = int(talk + 0.5) if talk is not None and talk > 0 else 0
            if not seconds and skip_silent:
                continue
            cached = units_of.get(seconds)
            if cached is None:
                cached = self._units_for(seconds)
            units, hours_text = cached
            if rate is None:
                rate_text = amount_text = ""
            else:
                rate_text = rates.get(rate)
                if rate_text is None:
                    rate_text = self._rate_text(rate)
                cents = (units * rate * num2 + den) // den2
                amount_text = str(cents // 100) + _CENTS[cents % 100]
                cents_sum += cents
                priced += 1
            secs_sum += seconds
            units_sum += units
            if as_text and special(contact + number + client + matter + line + activity) is not None:
                contact, number, client, matter, line, activity = map(
                    fix, (contact, number, client, matter, line, activity)
                )
            else:  # nothing to quote: only cells starting like a formula change
                if contact and contact[0] in unsafe:
                    contact = safe.get(contact) or fix(contact)
                if number and number[0] in unsafe:
                    number = safe.get(number) or fix(number)
                if client and client[0] in unsafe:
                    client = safe.get(client) or fix(client)
                if matter and matter[0] in unsafe:
                    matter = safe.get(matter) or fix(matter)
                if line and line[0] in unsafe:
                    line = safe.get(line) or fix(line)
                if activity and activity[0] in unsafe:
                    activity = safe.get(activity) or fix(activity)
            if as_text:
                append(
                    f"{call_id},{local[:10]},{local[11:19]},{direction},{contact},{number},{client},{matter},"
                    f"{line},{seconds},{units},{hours_text},{activity},{rate_text},{amount_text}\r\n"
                )
            else:
                append(
                    (
                        call_id,
                        local[:10],
                        local[11:19],
                        direction,
                        contact,
                        number,
                        client,
                        matter,
                        line,
                        seconds,
                        units,
                        hours_text,
                        activity,
                        rate_text,
                        amount_text,
                    )
                )
        totals = self.totals
        totals.rows += len(out)
        totals.talk_seconds += secs_sum
        totals.units += units_sum
        totals.amount_cents += cents_sum
        totals.priced_rows += priced
        return out

    @staticmethod
    def _fixer(cache: dict[str, str], as_text: bool):
        make = _safe_quoted_cell if as_text else neutralize

        def fix(value: str) -> str:
            if not value:
                return value
            done = cache.get(value)
            if done is None:
                done = cache[value] = make(value)
            return done

        return fix

    def row(self, call: Sequence) -> tuple[str | int, ...] | None:
        """Return the CSV row of one call (None when it is left out), counting it in the totals."""
        rows = self.rows((call,))
        return rows[0] if rows else None

    def total(self) -> tuple[str | int, ...]:
        """Return the total row for the rows built so far."""
        return total_row(self.totals, self.rule)

    def _units_for(self, seconds: int) -> tuple[int, str]:
        if len(self._units) >= self.CACHE_LIMIT:
            self._units.clear()
        units = self.rule.units(seconds)
        cached = self._units[seconds] = (units, str(self.rule.hours(units)))
        return cached

    def _rate_text(self, rate_cents: int) -> str:
        if len(self._rates) >= self.CACHE_LIMIT:
            self._rates.clear()
        text = self._rates[rate_cents] = money(cents_to_money(rate_cents))
        return text


_UNSAFE_FIRST = FORMULA_TRIGGERS | {" "}
_CENTS = tuple(f".{n:02d}" for n in range(100))
_CSV_SPECIAL = re.compile('[,"\r\n]')


def _safe_quoted_cell(cell: str) -> str:
    """Neutralize a cell, then quote it as ``csv.writer`` would (only when it must)."""
    cell = neutralize(cell)
    if _CSV_SPECIAL.search(cell) is None:
        return cell
    return '"' + cell.replace('"', '""') + '"'


def total_row(totals: Totals, rule: BillingRule) -> tuple[str | int, ...]:
    """Return the last row of the plain CSV: sums of talk time, units, hours and amount."""
    blanks = ("",) * 8
    total_amount = money(cents_to_money(totals.amount_cents)) if totals.priced_rows else ""
    return (
        TOTAL_LABEL,
        *blanks,
        totals.talk_seconds,
        totals.units,
        str(rule.hours(totals.units)),
        "",
        "",
        total_amount,
    )


def clio_row(call: BillableCall, rule: BillingRule, user: str) -> tuple[str, ...]:
    """Return one Clio time-entry import row (cells neutralized).

    The matter is the contact's matter code (else its client code); the quantity is in hours.
    """
    units = rule.units(call.talk_seconds)
    hours = rule.hours(units)
    who = call.contact or call.number
    return (
        neutralize(call.matter_code or call.client_code),
        call.local_date,
        neutralize(activity_description(call.activity_code)),
        neutralize(call_note(call.direction, who, call.number, call.talk_seconds)),
        str(hours),
        money(call.rate),
        CLIO_TYPE,
        neutralize(user),
        "false" if call.rate is not None else "true",
    )


@dataclass(frozen=True)
class LedesInvoice:
    """The invoice-level fields repeated on each LEDES line of one client/matter."""

    invoice_date: date
    invoice_number: str
    client_id: str
    matter_id: str
    total: Decimal
    start: date
    end: date
    description: str
    timekeeper_id: str
    timekeeper_name: str


def ledes_key(call: BillableCall) -> tuple[str, str]:
    """Return the invoice a call belongs to in a LEDES export: its (client, matter) codes."""
    return call.client_code, call.matter_code


def ledes_amount(call: BillableCall, rule: BillingRule) -> Decimal:
    """Return the LINE_ITEM_TOTAL of a call (0.00 without a rate)."""
    return amount(rule.hours(rule.units(call.talk_seconds)), call.rate) or Decimal("0.00")


def ledes_clean(value: str) -> str:
    """Return ``value`` without the LEDES delimiters (``|``, ``[``, ``]``) and line breaks."""
    if not value:
        return ""
    return " ".join(value.translate(_LEDES_STRIP).split())


_LEDES_STRIP = str.maketrans({"|": " ", "[": "(", "]": ")", "\r": " ", "\n": " ", "\t": " "})


def ledes_date(value: date | str) -> str:
    """Return a date as LEDES writes it: ``YYYYMMDD``."""
    text = value.isoformat() if isinstance(value, date) else value
    return text.replace("-", "")


def ledes_line(invoice: LedesInvoice, item_number: int, call: BillableCall, rule: BillingRule) -> str:
    """Return one LEDES 1998B fee line (24 fields, ``|``-separated, ending in ``[]``)."""
    units = rule.units(call.talk_seconds)
    hours = rule.hours(units)
    who = call.contact or call.number
    fields = (
        ledes_date(invoice.invoice_date),
        invoice.invoice_number,
        invoice.client_id,
        invoice.matter_id,
        money(invoice.total),
        ledes_date(invoice.start),
        ledes_date(invoice.end),
        invoice.description,
        str(item_number),
        "F",
        str(hours),
        "0.00",
        money(amount(hours, call.rate) or Decimal("0.00")),
        ledes_date(call.local_date),
        "",
        "",
        call.activity_code,
        invoice.timekeeper_id,
        call_note(call.direction, who, call.number, call.talk_seconds),
        "",
        money(call.rate or Decimal("0.00")),
        invoice.timekeeper_name,
        "",
        invoice.matter_id,
    )
    return "|".join(ledes_clean(str(value)) for value in fields) + "[]"
