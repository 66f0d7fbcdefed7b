from assistant.domain.ring_strategy import Stage, ring_stages, strategy_errors
from assistant.domain.routing import Route

MOBILE = Route("PJSIP/+15557770001@pstn", "mobile")
DESK = Route("PJSIP/101", "extension 101")
LAB = Route("PJSIP/102", "extension 102")


def test_valid_settings_have_no_errors():
    assert strategy_errors("together", [20, 20]) == []
    assert strategy_errors("priority", [5, 60, 30]) == []


def test_more_than_three_devices_is_refused():
    assert strategy_errors("together", [20, 20, 20, 20]) == ["at most 3 ring devices, got 4"]


def test_unknown_strategy_is_refused():
    assert strategy_errors("random", [20]) == [
        "unknown ring strategy 'random'; choose one of: together, priority"
    ]


def test_seconds_out_of_range_are_refused_by_position():
    assert strategy_errors("priority", [4, 20, 61]) == [
        "device 1: ring seconds must be 5-60, got 4",
        "device 3: ring seconds must be 5-60, got 61",
    ]


def test_together_rings_all_in_one_stage_for_the_longest_time():
    assert ring_stages("together", (MOBILE, DESK), (15, 25)) == (Stage((MOBILE, DESK), 25),)


def test_priority_rings_each_alone_in_order():
    assert ring_stages("priority", (DESK, MOBILE, LAB), (10, 20, 5)) == (
        Stage((DESK,), 10),
        Stage((MOBILE,), 20),
        Stage((LAB,), 5),
    )


def test_no_routes_no_stages():
    assert ring_stages("priority", (), ()) == ()
