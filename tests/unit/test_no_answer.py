"""The no-answer rules and the missed-call notice the owner is mailed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.domain.no_answer import check_forward_number
from assistant.mail.missed_call import MissedCall, compose_missed_call

OWN_LINES = ("+15550100", "+15550199", None)


def test_forwarding_needs_a_number_that_is_not_one_of_the_assistants_lines():
    assert check_forward_number("forward", "+12025550188", OWN_LINES) == "+12025550188"
    with pytest.raises(ValueError, match="needs a number"):
        check_forward_number("forward", None, OWN_LINES)
    with pytest.raises(ValueError, match="would come back"):
        check_forward_number("forward", "+15550199", OWN_LINES)


def test_other_actions_need_no_number_and_may_keep_one_for_later():
    assert check_forward_number("hangup", None, OWN_LINES) is None
    assert check_forward_number("notice", "+12025550188", OWN_LINES) == "+12025550188"


def test_missed_call_notice_names_the_caller_and_the_local_time():
    called = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    missed = MissedCall("+12025550123", "Maria Garcia", called, "the court hearing", True, "America/New_York")
    message = compose_missed_call(
        missed, sender="assistant@example.com", recipients=["alex@example.com"], message_id="<m@x>"
    )
    body = message.get_content()
    assert message["Subject"] == "[Important] Missed call from Maria Garcia (+12025550123)"
    assert message["To"] == "alex@example.com" and not list(message.iter_attachments())
    assert "Monday 02 March 2026, 09:05 (America/New_York)" in body and "the court hearing" in body


def test_missed_call_from_an_unknown_caller_who_gave_no_reason():
    missed = MissedCall("+12025550124", None, datetime(2026, 3, 2, 14, 5, tzinfo=UTC), None, False)
    message = compose_missed_call(
        missed, sender="a@example.com", recipients=["b@example.com"], message_id="<m@x>"
    )
    assert message["Subject"] == "Missed call from +12025550124"
    assert "Reason given: (none)" in message.get_content()
