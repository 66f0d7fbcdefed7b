"""The pure rules behind accounts, the phonebook and the call log: numbers, settings, lockout,
passwords, avatars, contact CSV files, call kinds and talk time, and local days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from assistant.domain import contact_csv, credentials, images, lockout
from assistant.domain import owner_settings as rules
from assistant.domain.calls import call_kind, conversation_talk_s, line_used, party_number
from assistant.domain.phone import BadNumber, is_e164, normalize_number, normalize_or_raw
from assistant.domain.timezones import day_range_utc, offset_s, offset_spans

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


# --- phone numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "country", "e164"),
    [
        ("(202) 555-0123", "US", "+12025550123"),
        ("202.555.0123", "US", "+12025550123"),
        ("+1 202 555 0123", "GB", "+12025550123"),
        ("011 44 20 7946 0958", "US", "+442079460958"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+15550100", "US", "+15550100"),
        ("  +12025550123 ", "US", "+12025550123"),
    ],
)
def test_numbers_are_normalized_to_e164(raw: str, country: str, e164: str) -> None:
    assert normalize_number(raw, country) == e164


@pytest.mark.parametrize("raw", ["", "   ", "abc", "12", "+0123456", "+1" + "2" * 20, "x" * 65, "=1+1"])
def test_non_numbers_are_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(BadNumber) as caught:
        normalize_number(raw)
    assert str(caught.value)


def test_normalize_or_raw_and_is_e164() -> None:
    assert normalize_or_raw("anonymous") == "anonymous"
    assert normalize_or_raw("(202) 555-0123") == "+12025550123"
    assert is_e164("+12025550123") and not is_e164("2025550123") and not is_e164("+0123")


# --- owner settings ------------------------------------------------------------------------------


def test_time_zones() -> None:
    assert rules.check_time_zone("Europe/Paris") == "Europe/Paris"
    for bad in ("", "Mars/Olympus", "../../etc/passwd", "/etc/localtime", "x" * 100, "America/../UTC"):
        with pytest.raises(ValueError):
            rules.check_time_zone(bad)


def test_countries_numbers_and_lists() -> None:
    assert rules.check_country("gb") == "GB"
    with pytest.raises(ValueError):
        rules.check_country("XX")
    assert rules.check_numbers(["(202) 555-0123", "+12025550123", "+15550100"]) == [
        "+12025550123",
        "+15550100",
    ]
    with pytest.raises(ValueError, match="not a phone number"):
        rules.check_numbers(["+12025550123", "nope"])
    with pytest.raises(ValueError):
        rules.check_numbers([f"+1202555{n:04d}" for n in range(101)])
    assert rules.check_extensions(["101", " 102 ", "101", "*9#"]) == ["101", "102", "*9#"]
    with pytest.raises(ValueError):
        rules.check_extensions(["10a"])
    assert rules.check_words(["  Urgent ", "urgent", "Court  Date"]) == ["urgent", "court date"]
    with pytest.raises(ValueError):
        rules.check_words([""])
    with pytest.raises(ValueError):
        rules.check_words(["x" * 41])


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0.1", True),
        ("0.25", True),
        ("1", True),
        ("24", True),
        ("0.0001", True),
        ("0", False),
        ("-1", False),
        ("25", False),
        ("0.00001", False),
        ("abc", False),
        ("NaN", False),
        ("Infinity", False),
    ],
)
def test_increments(value: str, ok: bool) -> None:
    if ok:
        assert rules.check_increment(value) == Decimal(value)
    else:
        with pytest.raises(ValueError):
            rules.check_increment(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("350", Decimal("350.00")),
        (Decimal("275.5"), Decimal("275.50")),
        ("0", Decimal("0.00")),
    ],
)
def test_rates(value: object, expected: Decimal | None) -> None:
    assert rules.check_rate(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["-1", "100000.01", "1.001", "abc", "NaN", "1e400"])
def test_bad_rates(value: str) -> None:
    with pytest.raises(ValueError):
        rules.check_rate(value)


def test_codes_timekeeper_and_voicemail_lengths() -> None:
    assert rules.check_activity_code(" a106 ") == "A106"
    for bad in ("", "106", "AA106", "A1066"):
        with pytest.raises(ValueError):
            rules.check_activity_code(bad)
    assert rules.check_timekeeper_id(" AM-1 ") == "AM-1"
    with pytest.raises(ValueError):
        rules.check_timekeeper_id("no spaces allowed")
    rules.check_voicemail_lengths(2, 180)
    with pytest.raises(ValueError):
        rules.check_voicemail_lengths(30, 30)


def test_greeting_default_names_the_owner() -> None:
    assert "Alex Morgan" in rules.greeting_for("Alex Morgan", None)
    assert rules.greeting_for("Alex", "  Hi there. ") == "Hi there."
    assert rules.DEFAULT_IMPORTANCE_WORDS[:3] == ("urgent", "emergency", "important")


# --- lockout -------------------------------------------------------------------------------------


def test_failures_slow_down_then_lock() -> None:
    state = lockout.LoginState()
    delays = []
    for n in range(1, lockout.LOCK_AFTER + 1):
        state = lockout.after_failure(state, NOW + timedelta(seconds=n))
        delays.append(lockout.delay_s(state))
    assert delays[: lockout.SLOW_AFTER] == [0.0] * lockout.SLOW_AFTER
    assert delays[lockout.SLOW_AFTER :] == sorted(delays[lockout.SLOW_AFTER :]) and delays[-1] > 0
    assert all(d <= lockout.DELAY_MAX_S for d in delays)
    assert lockout.locked_for_s(state, NOW + timedelta(seconds=10)) == pytest.approx(lockout.LOCK_S - 5)
    assert lockout.locked_for_s(state, NOW + timedelta(seconds=lockout.LOCK_S + 10)) == 0


def test_old_failures_are_forgotten_and_a_lock_expires() -> None:
    state = lockout.LoginState(failures=4, last_failure_at=NOW)
    later = NOW + timedelta(seconds=lockout.FAILURE_WINDOW_S + 1)
    assert lockout.after_failure(state, later).failures == 1
    locked = lockout.LoginState(failures=5, last_failure_at=NOW, locked_until=NOW + timedelta(minutes=1))
    after = lockout.after_failure(locked, NOW + timedelta(minutes=2))
    assert after.failures == 1 and after.locked_until is None
    still = lockout.after_failure(locked, NOW + timedelta(seconds=30))
    assert still.locked_until is not None and still.locked_until > NOW + timedelta(minutes=1)


def test_delays_grow_to_the_cap() -> None:
    assert lockout.delay_s(lockout.LoginState(failures=50)) == lockout.DELAY_MAX_S


# --- passwords and tokens -----------------------------------------------------------------------


def test_password_hashing_and_verification() -> None:
    encoded = credentials.hash_password("correct horse battery")
    assert encoded.startswith("scrypt$16384$8$1$") and "correct" not in encoded
    assert credentials.verify_password("correct horse battery", encoded)
    assert not credentials.verify_password("correct horse batterY", encoded)
    assert credentials.hash_password("same password", salt=b"1" * 16) == credentials.hash_password(
        "same password", salt=b"1" * 16
    )
    assert credentials.hash_password("same password") != credentials.hash_password("same password")


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "plain",
        "bcrypt$1$2$3$4$5",
        "scrypt$x$8$1$AAAA$AAAA",
        "scrypt$16384$8$1$!!$AAAA",
        "scrypt$99999999$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ],
)
def test_malformed_hashes_never_verify(encoded: str) -> None:
    assert not credentials.verify_password("anything", encoded)


def test_password_policy() -> None:
    assert credentials.check_password_policy("ten chars!") == "ten chars!"
    for bad in ("short", " " * 12, "x" * 257):
        with pytest.raises(ValueError):
            credentials.check_password_policy(bad)


def test_tokens() -> None:
    a, b = credentials.new_token(), credentials.new_token()
    assert a != b and len(a) >= 40
    assert credentials.token_digest(a) != a and len(credentials.token_digest(a)) == 64
    assert credentials.same_token(a, a) and not credentials.same_token(a, b)
    credentials.dummy_verify("x")


# --- avatars -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"\xff\xd8\xff\xe0....", "image/jpeg"),
        (b"GIF89a....", "image/gif"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
        (b"<svg xmlns=...>", None),
        (b"%PDF-1.7", None),
        (b"", None),
    ],
)
def test_image_types_come_from_the_content(head: bytes, mime: str | None) -> None:
    assert images.image_type(head) == mime


def test_avatar_checks() -> None:
    assert images.check_avatar(b"\x89PNG\r\n\x1a\n" + b"0" * 10) == "image/png"
    with pytest.raises(ValueError, match="empty"):
        images.check_avatar(b"")
    with pytest.raises(ValueError, match="larger"):
        images.check_avatar(b"\x89PNG\r\n\x1a\n" + b"0" * images.MAX_AVATAR_BYTES)
    with pytest.raises(ValueError, match="PNG, JPEG"):
        images.check_avatar(b"<svg onload=alert(1)>")


# --- contact CSV ---------------------------------------------------------------------------------


def test_contact_csv_headers_and_rows() -> None:
    text = (
        "Full Name,Phone Number,E-mail,Client,VIP,Unknown\n"
        "Jane,202-555-0123,j@x.com,ROE,yes,?\n,,,,,\nBob,+1555\n"
    )
    rows = list(contact_csv.read_rows(text))
    assert rows == [
        (
            2,
            {
                "name": "Jane",
                "phone": "202-555-0123",
                "email": "j@x.com",
                "client_code": "ROE",
                "important": "yes",
            },
        ),
        (4, {"name": "Bob", "phone": "+1555"}),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"email\nx@y.z\n", "name"),
        (b"\0\0", "not a text"),
        (b'name,phone\n"unterminated', "line"),
    ],
)
def test_bad_contact_files(data: bytes, message: str) -> None:
    with pytest.raises(contact_csv.BadContactFile, match=message):
        list(contact_csv.read_rows(contact_csv.decode(data)))


def test_contact_csv_decoding_and_flags() -> None:
    assert contact_csv.decode("\ufeffname,phone\n".encode()) == "name,phone\n"
    assert contact_csv.decode("name\nRené".encode("cp1252")) == "name\nRené"
    with pytest.raises(contact_csv.BadContactFile):
        contact_csv.decode(b"x" * (contact_csv.MAX_IMPORT_BYTES + 1))
    assert contact_csv.parse_flag("Yes") and not contact_csv.parse_flag("")
    with pytest.raises(ValueError):
        contact_csv.parse_flag("maybe")
    assert contact_csv.column_for("Matter_Code") == "matter_code" and contact_csv.column_for("zzz") is None


def test_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contact_csv, "MAX_IMPORT_ROWS", 2)
    with pytest.raises(contact_csv.BadContactFile, match="at most 2"):
        list(contact_csv.read_rows("name,phone\na,1\nb,2\nc,3\n"))


# --- calls ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "voicemail", "leg_answered", "owner_session", "kind"),
    [
        ("outbound", False, False, False, "outbound"),
        ("outbound", True, True, False, "outbound"),
        ("inbound", True, False, False, "voicemail"),
        ("inbound", True, True, False, "voicemail"),
        ("inbound", False, True, False, "inbound"),
        ("inbound", False, False, False, "missed"),  # answered by the assistant, never by the owner
        ("inbound", False, False, True, "inbound"),  # the owner's own call to the assistant line
    ],
)
def test_call_kinds(
    direction: str, voicemail: bool, leg_answered: bool, owner_session: bool, kind: str
) -> None:
    assert (
        call_kind(direction, has_voicemail=voicemail, leg_answered=leg_answered, owner_session=owner_session)
        == kind
    )


def test_numbers_and_lines_by_direction() -> None:
    assert (
        party_number("inbound", "+1202", "+1555") == "+1202"
        and line_used("inbound", "+1202", "+1555") == "+1555"
    )
    assert (
        party_number("outbound", "+1555", "+1202") == "+1202"
        and line_used("outbound", "+1555", "+1202") == "+1555"
    )


def test_conversation_talk_time() -> None:
    # Outbound: the call's own time from the callee's answer.
    assert conversation_talk_s("outbound", 42.0, []) == 42.0
    assert conversation_talk_s("outbound", None, []) is None
    # Inbound: only the legs the owner accepted; the assistant's own time never counts.
    assert conversation_talk_s("inbound", 300.0, []) is None
    assert conversation_talk_s("inbound", 300.0, [(False, None), (True, 240.0)]) == 240.0
    assert conversation_talk_s("inbound", 300.0, [(False, None)]) is None
    assert conversation_talk_s("inbound", 300.0, [(True, 60.0), (True, 30.0)]) == 90.0
    assert conversation_talk_s("inbound", 300.0, [(True, None)]) == 0.0


# --- local days ----------------------------------------------------------------------------------

NY = ZoneInfo("America/New_York")


def test_local_days_to_utc() -> None:
    assert day_range_utc(date(2025, 3, 1), date(2025, 3, 1), NY) == (
        datetime(2025, 3, 1, 5, tzinfo=UTC),
        datetime(2025, 3, 2, 5, tzinfo=UTC),
    )
    start, end = day_range_utc(date(2025, 3, 9), date(2025, 3, 9), NY)  # 23-hour day
    assert end - start == timedelta(hours=23)
    with pytest.raises(ValueError):
        day_range_utc(date(2025, 3, 2), date(2025, 3, 1), NY)


@pytest.mark.parametrize(
    "zone", ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
)
def test_offset_spans_cover_the_range_and_match_the_zone(zone: str) -> None:
    tz = ZoneInfo(zone)
    start, end = day_range_utc(date(2024, 1, 1), date(2025, 12, 31), tz)
    spans = offset_spans(start, end, tz)
    assert spans[0][0] == start and spans[-1][1] == end
    for (_a_start, a_end, a_offset), (b_start, _b_end, b_offset) in zip(spans, spans[1:], strict=False):
        assert a_end == b_start and a_offset != b_offset
    for span_start, span_end, offset in spans:
        for probe in (span_start, span_end - timedelta(seconds=1), span_start + (span_end - span_start) / 2):
            assert offset_s(tz, probe) == offset
    assert offset_spans(end, start, tz) == []
