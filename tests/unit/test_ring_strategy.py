from assistant.domain.ring_strategy import Stage, device_of, devices_in_order, ring_stages, stages_for_owner
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


def test_devices_in_priority_order_are_the_mobile_then_the_extensions_as_written():
    assert devices_in_order("+15557770001", ("102", "101")) == ("mobile", "102", "101")
    assert devices_in_order(None, ("101",)) == ("101",)


def test_each_device_rings_for_its_own_seconds_or_the_ring_timeout():
    stages = stages_for_owner("priority", (MOBILE, DESK, LAB), {"101": 15, "mobile": 8}, 28)
    assert stages == (Stage((MOBILE,), 8), Stage((DESK,), 15), Stage((LAB,), 28))


def test_together_with_no_seconds_of_their_own_rings_for_the_ring_timeout():
    assert stages_for_owner("together", (MOBILE, DESK), {}, 25) == (Stage((MOBILE, DESK), 25),)


def test_no_more_than_three_devices_ring():
    fourth = Route("PJSIP/103", "extension 103")
    stages = stages_for_owner("priority", (MOBILE, DESK, LAB, fourth), {}, 10)
    assert [stage.routes for stage in stages] == [(MOBILE,), (DESK,), (LAB,)]
    assert device_of(LAB) == "102" and device_of(MOBILE) == "mobile"
