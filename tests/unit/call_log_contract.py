"""Behaviour every CallLog backend must show; test modules subclass CallLogContract and supply
a ``call_log`` fixture bound to their database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from assistant.errors import AssistantError
from assistant.store.calls import START_MISSING_EVENT, CallLog

T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


def start(log: CallLog, channel_id: str, at: datetime = T0, **overrides: object) -> int:
    fields: dict = {
        "direction": "inbound",
        "caller_number": "+15551234",
        "caller_name": "Ada",
        "called_line": "+15550100",
        "started_at": at,
    }
    fields.update(overrides)
    return log.record_start(channel_id, **fields)


class CallLogContract:
    def test_start_answer_end_records_times_and_durations(self, call_log: CallLog) -> None:
        call_id = start(call_log, "chan-1")
        assert call_log.record_answer("chan-1", T0 + timedelta(seconds=3))
        assert call_log.record_end("chan-1", T0 + timedelta(seconds=63.5), "completed", "16")

        call = call_log.get(call_id)
        assert call is not None
        assert (call.channel_id, call.direction, call.caller_number, call.caller_name, call.called_line) == (
            "chan-1",
            "inbound",
            "+15551234",
            "Ada",
            "+15550100",
        )
        assert call.started_at == T0
        assert call.answered_at == T0 + timedelta(seconds=3)
        assert call.ended_at == T0 + timedelta(seconds=63.5)
        assert call.duration_s == pytest.approx(63.5)
        assert call.talk_s == pytest.approx(60.5)
        assert (call.outcome, call.hangup_cause) == ("completed", "16")
        assert call.events == []
        assert call.created_at.tzinfo is not None

    def test_unanswered_call_has_no_talk_time(self, call_log: CallLog) -> None:
        call_id = start(call_log, "chan-1")
        call_log.record_end("chan-1", T0 + timedelta(seconds=20), "abandoned")
        call = call_log.get(call_id)
        assert call is not None
        assert call.duration_s == pytest.approx(20)
        assert call.talk_s is None
        assert call.hangup_cause is None

    def test_timestamps_come_back_as_aware_utc_whatever_zone_went_in(self, call_log: CallLog) -> None:
        plus_two = timezone(timedelta(hours=2))
        call_id = start(call_log, "chan-1", at=datetime(2025, 3, 1, 14, 0, 0, 123456, tzinfo=plus_two))
        call = call_log.get(call_id)
        assert call is not None
        assert call.started_at.utcoffset() == timedelta(0)
        assert call.started_at == datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)

    def test_naive_datetimes_are_rejected(self, call_log: CallLog) -> None:
        with pytest.raises(ValueError, match="naive"):
            start(call_log, "chan-1", at=datetime(2025, 3, 1, 12, 0, 0))

    def test_unknown_direction_or_outcome_is_rejected(self, call_log: CallLog) -> None:
        with pytest.raises(ValueError, match="direction"):
            start(call_log, "chan-1", direction="sideways")
        with pytest.raises(ValueError, match="outcome"):
            call_log.record_end("chan-1", T0, "exploded")

    def test_record_start_is_idempotent_on_channel_id(self, call_log: CallLog) -> None:
        first = start(call_log, "chan-1")
        again = start(call_log, "chan-1", at=T0 + timedelta(seconds=5), caller_number="+1999")
        assert again == first
        rows, _ = call_log.list_calls(10)
        assert len(rows) == 1
        assert rows[0].caller_number == "+15551234"
        assert rows[0].started_at == T0

    def test_only_the_first_answer_and_the_first_end_count(self, call_log: CallLog) -> None:
        call_id = start(call_log, "chan-1")
        assert call_log.record_answer("chan-1", T0 + timedelta(seconds=1))
        assert not call_log.record_answer("chan-1", T0 + timedelta(seconds=2))
        assert call_log.record_end("chan-1", T0 + timedelta(seconds=10), "completed", "16")
        assert not call_log.record_end("chan-1", T0 + timedelta(seconds=99), "failed", "41")
        call = call_log.get(call_id)
        assert call is not None
        assert call.answered_at == T0 + timedelta(seconds=1)
        assert (call.outcome, call.hangup_cause, call.duration_s) == ("completed", "16", 10.0)

    def test_end_without_start_still_records_the_call(self, call_log: CallLog) -> None:
        assert call_log.record_end("orphan", T0, "failed", "34")
        call = call_log.get_by_channel("orphan")
        assert call is not None
        assert (call.started_at, call.ended_at, call.duration_s, call.talk_s) == (T0, T0, 0.0, None)
        assert call.outcome == "failed"
        assert call.events == [{"type": START_MISSING_EVENT}]
        assert start(call_log, "orphan") == call.id

    def test_answer_and_events_on_unknown_channel_are_ignored(self, call_log: CallLog) -> None:
        assert not call_log.record_answer("ghost", T0)
        assert not call_log.add_event("ghost", {"type": "turn"})
        assert call_log.list_calls(10) == ([], None)

    def test_screening_and_transcript_are_set_on_the_call_and_dropped_for_unknown_channels(
        self, call_log: CallLog
    ) -> None:
        call_id = start(call_log, "chan-1")
        assert call_log.record_screening("chan-1", "voicemail", "do not disturb")
        assert call_log.set_transcript("chan-1", "About the hearing")
        call = call_log.get(call_id)
        assert call is not None
        assert (call.screening_decision, call.screening_reason) == ("voicemail", "do not disturb")
        assert call.transcript == "About the hearing"
        assert not call_log.record_screening("ghost", "ring")
        assert not call_log.set_transcript("ghost", "hello")
        assert not call_log.file_under("ghost", 7)
        assert [c.channel_id for c in call_log.list_calls(10)[0]] == ["chan-1"]

    def test_events_are_appended_in_order_and_datetimes_stored_as_iso(self, call_log: CallLog) -> None:
        call_id = start(call_log, "chan-1")
        call_log.add_event("chan-1", {"type": "prompt", "text": "Hello", "at": T0})
        call_log.add_event("chan-1", {"type": "turn", "heard": "sales", "confidence": 0.9})
        call = call_log.get(call_id)
        assert call is not None
        assert call.events == [
            {"type": "prompt", "text": "Hello", "at": T0.isoformat()},
            {"type": "turn", "heard": "sales", "confidence": 0.9},
        ]

    def test_concurrent_events_are_not_lost(self, call_log: CallLog) -> None:
        call_id = start(call_log, "chan-1")
        errors: list[Exception] = []

        def writer(n: int) -> None:
            try:
                for i in range(10):
                    call_log.add_event("chan-1", {"type": "tick", "writer": n, "i": i})
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        call = call_log.get(call_id)
        assert call is not None
        assert len(call.events) == 60
        for n in range(6):
            assert [e["i"] for e in call.events if e["writer"] == n] == list(range(10))

    def test_list_calls_pages_newest_first_with_a_cursor(self, call_log: CallLog) -> None:
        ids = [start(call_log, f"chan-{i}", at=T0 + timedelta(minutes=i)) for i in range(5)]
        same_time = [start(call_log, f"tie-{i}", at=T0 + timedelta(minutes=2)) for i in range(2)]
        expected = [ids[4], ids[3], same_time[1], same_time[0], ids[2], ids[1], ids[0]]

        seen: list[int] = []
        cursor = None
        pages = 0
        while True:
            rows, cursor = call_log.list_calls(2, cursor)
            seen.extend(row.id for row in rows)
            pages += 1
            if cursor is None:
                break
        assert seen == expected
        assert pages == 4

        rows, cursor = call_log.list_calls(7)
        assert [row.id for row in rows] == expected
        assert cursor is None

    def test_cursor_keeps_working_when_newer_calls_arrive(self, call_log: CallLog) -> None:
        for i in range(3):
            start(call_log, f"chan-{i}", at=T0 + timedelta(minutes=i))
        first, cursor = call_log.list_calls(2)
        start(call_log, "newer", at=T0 + timedelta(hours=1))
        rest, end = call_log.list_calls(2, cursor)
        assert [row.channel_id for row in first + rest] == ["chan-2", "chan-1", "chan-0"]
        assert end is None

    @pytest.mark.parametrize(
        "cursor",
        [
            "",
            "not-a-cursor",
            "!!!!",
            "W10",
            "eyJhIjoxfQ",
            "WyJ4IiwxXQ",
            "WyIyMDI1LTAxLTAxIiwxXQ",
            "WyIyMDI1LTAxLTAxVDAwOjAwOjAwKzAwOjAwIix0cnVlXQ",
            "x" * 1000,
        ],
    )
    def test_bad_cursor_is_an_assistant_error(self, call_log: CallLog, cursor: str) -> None:
        with pytest.raises(AssistantError) as caught:
            call_log.list_calls(5, cursor)
        assert caught.value.code == "bad-cursor"

    def test_open_calls_are_those_without_an_end(self, call_log: CallLog) -> None:
        start(call_log, "done", at=T0)
        start(call_log, "live-2", at=T0 + timedelta(seconds=2))
        start(call_log, "live-1", at=T0 + timedelta(seconds=1))
        call_log.record_end("done", T0 + timedelta(seconds=5), "caller-hangup")
        assert [call.channel_id for call in call_log.open_calls()] == ["live-1", "live-2"]

    @pytest.mark.parametrize("call_id", [0, -1, 12345, 2**63 - 1, 2**63, -(2**70)])
    def test_get_missing_call_is_none(self, call_log: CallLog, call_id: int) -> None:
        assert call_log.get(call_id) is None
