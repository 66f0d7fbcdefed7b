"""Routing rules: who rings, and when voicemail answers at once."""

from __future__ import annotations

from assistant.domain.routing import Route, plan_call, reachable_routes

MOBILE = Route("PJSIP/+15557770001@pstn", "mobile")


def test_reachable_routes_skip_offline_extensions():
    routes = reachable_routes("+15557770001", {"PJSIP/101": True, "PJSIP/102": False})
    assert routes == (MOBILE, Route("PJSIP/101", "extension 101"))


def test_only_offline_extension_means_no_route():
    assert reachable_routes(None, {"PJSIP/102": False}) == ()


def test_important_call_rings_every_route():
    routes = reachable_routes("+15557770001", {"PJSIP/101": True})
    plan = plan_call(important=True, blocked=False, do_not_disturb=False, routes=routes)
    assert plan.ring == routes and not plan.voicemail_now


def test_voicemail_at_once_when_nothing_can_ring():
    for kwargs, reason in [
        ({"blocked": True, "do_not_disturb": False, "routes": (MOBILE,)}, "blocked number"),
        ({"blocked": False, "do_not_disturb": True, "routes": (MOBILE,)}, "do not disturb"),
        ({"blocked": False, "do_not_disturb": False, "routes": ()}, "no route can ring"),
    ]:
        plan = plan_call(important=True, **kwargs)
        assert plan.voicemail_now and plan.reason == reason


def test_unimportant_call_goes_to_voicemail():
    plan = plan_call(important=False, blocked=False, do_not_disturb=False, routes=(MOBILE,))
    assert plan.voicemail_now and plan.reason == "not important"


def test_owner_on_another_call_without_call_waiting_means_a_message():
    plan = plan_call(
        important=True, blocked=False, do_not_disturb=False, routes=(MOBILE,), owner_on_another_call=True
    )
    assert plan.voicemail_now and plan.reason == "owner on another call"
    unimportant = plan_call(
        important=False, blocked=False, do_not_disturb=False, routes=(MOBILE,), owner_on_another_call=True
    )
    assert unimportant.reason == "not important"
