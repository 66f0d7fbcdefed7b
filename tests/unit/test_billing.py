"""Billing rules, exhaustively: units for every rounding and boundary, the minimum, hours and money,
formula neutralization, and the rows of the CSV, Clio and LEDES exports."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from assistant.domain import billing
from assistant.domain.billing import BillableCall, BillingRule, CsvRows, LedesInvoice

SIX_MIN = 360


def call(talk_s: float | None = 400.0, **overrides: object) -> BillableCall:
    fields = {
        "call_id": 1,
        "local": "2025-03-03 10:00:05",
        "direction": "inbound",
        "contact": "Jane Roe",
        "number": "+12025550123",
        "client_code": "ROE",
        "matter_code": "ROE-1",
        "line": "+15550100",
        "talk_s": talk_s,
        "activity_code": "A106",
        "rate_cents": 35000,
    }
    fields.update(overrides)
    return BillableCall(**fields)


# --- units ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "units"),
    [(0, 0), (1, 1), (359, 1), (360, 1), (361, 2), (720, 2), (721, 3), (3600, 10), (3601, 11)],
)
def test_default_rule_is_tenths_of_an_hour_rounded_up_minimum_one(seconds: int, units: int) -> None:
    assert BillingRule().units(seconds) == units


@pytest.mark.parametrize(
    ("seconds", "up", "nearest", "down"),
    [
        (1, 1, 0, 0),
        (179, 1, 0, 0),
        (180, 1, 1, 0),  # exactly half an increment: nearest rounds half up
        (181, 1, 1, 0),
        (359, 1, 1, 0),
        (360, 1, 1, 1),
        (539, 2, 1, 1),
        (540, 2, 2, 1),
        (719, 2, 2, 1),
        (720, 2, 2, 2),
    ],
)
def test_every_rounding_at_the_boundaries_without_minimum(
    seconds: int, up: int, nearest: int, down: int
) -> None:
    for rounding, expected in (("up", up), ("nearest", nearest), ("down", down)):
        assert BillingRule(rounding=rounding, minimum_units=0).units(seconds) == expected, rounding


@pytest.mark.parametrize("rounding", ["up", "nearest", "down"])
@pytest.mark.parametrize("minimum", [0, 1, 2, 5])
def test_minimum_applies_only_to_calls_with_talk(rounding: str, minimum: int) -> None:
    rule = BillingRule(rounding=rounding, minimum_units=minimum)
    assert rule.units(0) == 0
    assert rule.units(-5) == 0
    assert rule.units(1) >= minimum
    assert rule.units(10 * 3600) == 100  # far above any minimum


@pytest.mark.parametrize("increment", ["0.1", "0.25", "0.5", "1", "0.0167", "0.05", "2"])
@pytest.mark.parametrize("rounding", ["up", "nearest", "down"])
def test_units_match_exact_arithmetic_for_every_second_of_two_hours(increment: str, rounding: str) -> None:
    rule = BillingRule(Decimal(increment), rounding, 0)
    step = Fraction(Decimal(increment)) * 3600
    for seconds in range(0, 7201):
        exact = Fraction(seconds) / step
        expected = {
            "up": math.ceil(exact),
            "down": math.floor(exact),
            "nearest": math.floor(exact + Fraction(1, 2)),
        }
        assert rule.units(seconds) == expected[rounding], (seconds, increment, rounding)


@pytest.mark.parametrize(
    ("increment", "units", "hours"),
    [
        ("0.1", 0, "0.0"),
        ("0.1", 3, "0.3"),
        ("0.1", 10, "1.0"),
        ("0.25", 3, "0.75"),
        ("0.25", 4, "1.00"),
        ("1", 2, "2.0"),
        ("0.0167", 3, "0.0501"),
    ],
)
def test_hours_keep_the_increments_decimal_places(increment: str, units: int, hours: str) -> None:
    assert str(BillingRule(Decimal(increment)).hours(units)) == hours


@pytest.mark.parametrize(
    ("increment", "rounding", "minimum"),
    [
        ("0", "up", 1),
        ("-0.1", "up", 1),
        ("24.01", "up", 1),
        ("NaN", "up", 1),
        ("0.1", "sideways", 1),
        ("0.1", "up", -1),
        ("0.1", "up", 101),
        ("0.1", "up", 1.5),
    ],
)
def test_bad_rules_are_refused(increment: str, rounding: str, minimum: object) -> None:
    with pytest.raises(ValueError):
        BillingRule(Decimal(increment), rounding, minimum)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("talk", "seconds"),
    [
        (None, 0),
        (0.0, 0),
        (-3.0, 0),
        (0.4, 0),
        (0.5, 1),
        (359.4, 359),
        (359.5, 360),
        (float("inf"), 0),
        (float("nan"), 0),
    ],
)
def test_talk_time_is_whole_seconds_half_up(talk: float | None, seconds: int) -> None:
    assert billing.talk_seconds(talk) == seconds


def test_amounts_round_to_the_cent_half_up() -> None:
    assert billing.amount(Decimal("0.1"), Decimal("333.33")) == Decimal("33.33")
    assert billing.amount(Decimal("0.1"), Decimal("333.35")) == Decimal("33.34")
    assert billing.amount(Decimal("0.3"), None) is None
    assert billing.money(None) == ""
    assert billing.money(Decimal("70")) == "70.00"
    assert billing.cents_to_money(35050) == Decimal("350.50")


# --- neutralization ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+12025550123", "'+12025550123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("  =1+1", "'  =1+1"),
        ("＝1+1", "'＝1+1"),
        ("Jane Roe", "Jane Roe"),
        ("O'Brien", "O'Brien"),
        ("a=b", "a=b"),
        ("", ""),
        ("   ", "   "),
        ("1+1", "1+1"),
    ],
)
def test_formula_cells_are_neutralized(cell: str, safe: str) -> None:
    assert billing.neutralize(cell) == safe


def test_every_trigger_character_is_neutralized() -> None:
    for trigger in billing.FORMULA_TRIGGERS:
        assert billing.neutralize(trigger + "x").startswith("'")


# --- CSV rows ------------------------------------------------------------------------------------


def test_csv_row_and_totals() -> None:
    rows = CsvRows(BillingRule())
    built = rows.rows(
        [call(400.2), call(30.0, call_id=2, contact="=EVIL()", rate_cents=None), call(None, call_id=3)]
    )
    assert built == [
        (
            1,
            "2025-03-03",
            "10:00:05",
            "inbound",
            "Jane Roe",
            "'+12025550123",
            "ROE",
            "ROE-1",
            "'+15550100",
            400,
            2,
            "0.2",
            "A106",
            "350.00",
            "70.00",
        ),
        (
            2,
            "2025-03-03",
            "10:00:05",
            "inbound",
            "'=EVIL()",
            "'+12025550123",
            "ROE",
            "ROE-1",
            "'+15550100",
            30,
            1,
            "0.1",
            "A106",
            "",
            "",
        ),
    ]
    assert rows.total() == ("TOTAL", "", "", "", "", "", "", "", "", 430, 3, "0.3", "", "", "70.00")
    assert len(billing.CSV_HEADER) == len(built[0]) == len(rows.total())


def test_csv_rows_can_include_unanswered_calls_at_zero_units() -> None:
    rows = CsvRows(BillingRule(), answered_only=False)
    [row] = rows.rows([call(None)])
    assert row[9:12] == (0, 0, "0.0") and row[14] == "0.00"
    assert rows.total()[9:12] == (0, 0, "0.0")


def test_total_without_any_rate_has_no_amount() -> None:
    rows = CsvRows(BillingRule())
    rows.rows([call(60, rate_cents=None)])
    assert rows.total()[-1] == ""
    assert CsvRows(BillingRule()).total() == (
        "TOTAL",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        0,
        0,
        "0.0",
        "",
        "",
        "",
    )


def test_csv_row_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CsvRows, "CACHE_LIMIT", 10)
    rows = CsvRows(BillingRule())
    rows.rows([call(float(s), rate_cents=s) for s in range(1, 100)])
    assert len(rows._units) <= 10 and len(rows._rates) <= 10
    assert rows.totals.rows == 99


def test_billable_call_views() -> None:
    c = call(359.5, rate_cents=12345)
    assert (c.local_date, c.local_time, c.talk_seconds, c.rate) == (
        "2025-03-03",
        "10:00:05",
        360,
        Decimal("123.45"),
    )


# --- Clio and LEDES ------------------------------------------------------------------------------


def test_clio_row() -> None:
    row = billing.clio_row(call(400), BillingRule(), "AM")
    assert row == (
        "ROE-1",
        "2025-03-03",
        "Communicate (with client)",
        "Inbound call with Jane Roe (+12025550123), 6m 40s",
        "0.2",
        "350.00",
        "TimeEntry",
        "AM",
        "false",
    )
    assert len(row) == len(billing.CLIO_HEADER)
    unnamed = billing.clio_row(
        call(59, contact="", matter_code="", rate_cents=None, activity_code="Z999"), BillingRule(), "=x"
    )
    assert unnamed == (
        "ROE",
        "2025-03-03",
        "Z999",
        "Inbound call with +12025550123, 0m 59s",
        "0.1",
        "",
        "TimeEntry",
        "'=x",
        "true",
    )
    assert billing.clio_row(call(10, contact="@bad"), BillingRule(), "AM")[3].startswith(
        "Inbound call with @bad"
    )


def test_ledes_line_has_24_fields_and_no_delimiters_inside() -> None:
    invoice = LedesInvoice(
        date(2025, 3, 31),
        "CALLS-20250331-ROE-ROE-1",
        "ROE",
        "ROE-1",
        Decimal("70.00"),
        date(2025, 3, 1),
        date(2025, 3, 31),
        "Telephone conferences",
        "AM",
        "Alex Morgan",
    )
    line = billing.ledes_line(invoice, 1, call(400, contact="Roe | Jane [x]\nEsq"), BillingRule())
    assert line.endswith("[]")
    fields = line[:-2].split("|")
    assert len(fields) == len(billing.LEDES_FIELDS) == 24
    assert fields[:13] == [
        "20250331",
        "CALLS-20250331-ROE-ROE-1",
        "ROE",
        "ROE-1",
        "70.00",
        "20250301",
        "20250331",
        "Telephone conferences",
        "1",
        "F",
        "0.2",
        "0.00",
        "70.00",
    ]
    assert fields[13] == "20250303" and fields[16] == "A106" and fields[17] == "AM"
    assert fields[18] == "Inbound call with Roe Jane (x) Esq (+12025550123), 6m 40s"
    assert fields[20] == "350.00" and fields[21] == "Alex Morgan" and fields[23] == "ROE-1"
    assert billing.LEDES_HEADER_LINE.count("|") == 23


def test_ledes_amount_and_key() -> None:
    assert billing.ledes_amount(call(400), BillingRule()) == Decimal("70.00")
    assert billing.ledes_amount(call(400, rate_cents=None), BillingRule()) == Decimal("0.00")
    assert billing.ledes_key(call()) == ("ROE", "ROE-1")
    assert billing.ledes_clean("") == ""


@pytest.mark.parametrize(
    ("code", "text"), [("A106", "Communicate (with client)"), ("A101", "Plan and prepare for"), ("X1", "X1")]
)
def test_activity_descriptions(code: str, text: str) -> None:
    assert billing.activity_description(code) == text


def test_call_note_formats_minutes_and_seconds() -> None:
    assert billing.call_note("outbound", "", "", 3725) == "Outbound call with unknown caller, 62m 05s"
    assert billing.call_note("inbound", "+1", "+1", 5) == "Inbound call with +1, 0m 05s"


@pytest.mark.parametrize("increment", ["0.1", "0.25", "0.0167", "1", "0.05"])
def test_csv_amounts_equal_the_decimal_rule(increment: str) -> None:
    rule = BillingRule(Decimal(increment), "up", 0)
    for rate_cents in (0, 1, 33333, 35050, 12345678):
        rows = CsvRows(rule)
        for seconds in range(1, 7300, 7):
            [row] = rows.rows([call(float(seconds), rate_cents=rate_cents)])
            hours = rule.hours(rule.units(seconds))
            assert row[11] == str(hours)
            assert row[14] == billing.money(billing.amount(hours, billing.cents_to_money(rate_cents)))


def test_csv_text_is_what_the_csv_module_writes() -> None:
    import csv
    import io

    tricky = [
        "Jane",
        "",
        "O'Brien, Esq.",
        'say "hi"',
        "line\nbreak",
        "cr\rhere",
        "=1+1",
        "+1",
        " -x",
        "@a,b",
        "\t=x",
        "plain text",
        "ünïcödé",
        "a\r\nb",
    ]
    calls = [
        call(
            float(n * 37),
            call_id=n,
            contact=tricky[n % len(tricky)],
            number=tricky[(n + 3) % len(tricky)],
            client_code=tricky[(n + 5) % len(tricky)],
            matter_code=tricky[(n + 7) % len(tricky)],
            line=tricky[(n + 9) % len(tricky)],
            activity_code=tricky[(n + 11) % len(tricky)],
            rate_cents=None if n % 3 == 0 else n * 101,
        )
        for n in range(200)
    ]
    expected = io.StringIO()
    csv.writer(expected).writerows(CsvRows(BillingRule()).rows(calls))
    fast = CsvRows(BillingRule())
    assert fast.text(calls) == expected.getvalue()
    assert fast.totals.rows == 199  # the first call has no talk time
