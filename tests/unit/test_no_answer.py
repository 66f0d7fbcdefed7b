from assistant.domain.no_answer import no_answer_errors


def test_each_action_with_a_valid_time_is_accepted():
    assert no_answer_errors("voicemail", 20, None) == []
    assert no_answer_errors("hangup", 5, None) == []
    assert no_answer_errors("notice", 60, None) == []
    assert no_answer_errors("forward", 30, "+15551234567") == []


def test_unknown_action_is_refused():
    assert no_answer_errors("sms", 20, None) == [
        "unknown no-answer action 'sms'; choose one of: voicemail, forward, hangup, notice"
    ]


def test_time_out_of_range_is_refused():
    assert no_answer_errors("voicemail", 4, None) == ["no-answer time must be 5-60 seconds, got 4"]
    assert no_answer_errors("voicemail", 61, None) == ["no-answer time must be 5-60 seconds, got 61"]


def test_forward_needs_an_e164_number():
    assert no_answer_errors("forward", 20, "555-1234") == [
        "forward number must be in E.164 form like +15551234567, got '555-1234'"
    ]
    assert no_answer_errors("forward", 20, None) == [
        "forward number must be in E.164 form like +15551234567, got None"
    ]
