from datetime import UTC, datetime

from assistant.domain.routing import dial_target, why_not_answered
from assistant.domain.spoken_time import spoken_when

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # a Friday


def test_today_and_yesterday_in_the_owners_time_zone():
    assert spoken_when(datetime(2026, 11, 20, 14, 15, tzinfo=UTC), NOW) == "today at 2:15 PM"
    assert spoken_when(datetime(2026, 11, 19, 9, 0, tzinfo=UTC), NOW) == "yesterday at 9 AM"
    # 02:00 UTC on the 20th is still the 19th in New York
    assert (
        spoken_when(datetime(2026, 11, 20, 2, 0, tzinfo=UTC), NOW, "America/New_York") == "yesterday at 9 PM"
    )


def test_older_messages_give_the_weekday_then_the_date():
    assert spoken_when(datetime(2026, 11, 17, 10, 30, tzinfo=UTC), NOW) == "on Tuesday at 10:30 AM"
    assert spoken_when(datetime(2026, 3, 3, 16, 5, tzinfo=UTC), NOW) == "on March 3 at 4:05 PM"


def test_an_unknown_time_zone_falls_back_to_utc():
    assert spoken_when(datetime(2026, 11, 20, 14, 15, tzinfo=UTC), NOW, "Mars/Olympus") == "today at 2:15 PM"


def test_numbers_go_out_the_trunk_and_short_numbers_ring_extensions():
    assert dial_target("+15557770101") == "PJSIP/+15557770101@pstn"
    assert dial_target("2025550123", trunk="carrier") == "PJSIP/2025550123@carrier"
    assert dial_target("101") == "PJSIP/101"


def test_why_a_call_was_not_answered():
    assert why_not_answered("User busy") == "busy"
    assert why_not_answered("17") == "busy"
    assert why_not_answered("No answer") == "no-answer"
    assert why_not_answered("No user responding") == "no-answer"
    assert why_not_answered("dial failed") == "failed"
    assert why_not_answered(None) == "failed"
