from assistant.domain.ring_strategy import Stage, ring_stages
from assistant.domain.routing import Route

MOBILE = Route("PJSIP/+15557770001@pstn", "mobile")
DESK = Route("PJSIP/101", "extension 101")
LAB = Route("PJSIP/102", "extension 102")


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
