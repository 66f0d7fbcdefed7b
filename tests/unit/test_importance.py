"""The importance decision, signal by signal."""

from __future__ import annotations

import pytest

from assistant.domain.importance import decide_importance


@pytest.mark.parametrize(
    ("transcript", "important", "reason"),
    [
        ("This is John, it's urgent, please call me back", True, 'said "it\'s urgent"'),
        ("I need to talk about the hearing tomorrow", True, 'said "hearing"'),
        ("calling about the court date", True, 'said "court"'),
        ("there is a deadline on friday for the filing", True, 'said "deadline"'),
        ("about the hearin on monday", True, 'said "hearing"'),
        ("We have an emergency at the site", True, 'said "an emergency"'),
        ("Hi it's Sam, just wanted to say hello", False, "no sign of importance"),
        ("it's not urgent, call me whenever", False, 'said "not urgent"'),
        ("no rush, just a question about the invoice", False, 'said "no rush"'),
        ("", False, "nothing said"),
        ("I'd like to order a pizza", False, "no sign of importance"),
    ],
)
def test_what_the_caller_said(transcript, important, reason):
    decision = decide_importance(transcript)
    assert (decision.important, decision.reason) == (important, reason)


def test_vip_is_important_whatever_was_said():
    assert (
        decide_importance("", caller_number="+1 (202) 555-0100", vip_numbers=("+12025550100",)).reason
        == "VIP caller"
    )


def test_blocked_number_is_never_important():
    decision = decide_importance(
        "it's urgent",
        caller_number="+12025550100",
        blocked_numbers=("+12025550100",),
        vip_numbers=("+12025550100",),
    )
    assert (decision.important, decision.reason) == (False, "blocked number")


def test_important_contact_and_urgent_key():
    assert decide_importance("hello", contact_important=True).reason == "important contact"
    assert decide_importance("hello", pressed_urgent=True).reason == "caller pressed the urgent key"


def test_owner_words_replace_the_defaults():
    assert decide_importance("about the merger", importance_words=("merger",)).important
    assert not decide_importance("about the court", importance_words=("merger",)).important


def test_short_words_need_an_exact_match():
    assert not decide_importance("i have a cart", importance_words=("court",)).important
