"""The importance decision, signal by signal, and the band where it asks the caller."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from assistant.domain.importance import HEARD_SURE_FROM, ROUTINE_BELOW, URGENT_FROM, decide_importance
from assistant.domain.urgency.classifier import UrgencyModel
from assistant.domain.urgency.features import BUCKETS


@dataclass(frozen=True)
class Sure(UrgencyModel):
    """A model that gives every reason the same probability."""

    urgency: float = 0.5

    def probability(self, text: str) -> float:
        return self.urgency


def sure(urgency: float) -> Sure:
    return Sure(np.zeros(BUCKETS, dtype=np.float32), urgency)


@pytest.mark.parametrize(
    ("transcript", "important", "reason"),
    [
        ("This is John, it's urgent, please call me back", True, 'said "it\'s urgent"'),
        ("I need to talk about the hearing tomorrow", True, 'said "hearing"'),
        ("calling about the court date", True, 'said "court"'),
        ("there is a deadline on friday for the filing", True, 'said "deadline"'),
        ("about the hearin on monday", True, 'said "hearing"'),
        ("We have an emergency at the site", True, 'said "an emergency"'),
        ("I need help urgently", True, 'said "urgent"'),
        ("I was arrested this morning", True, 'said "arrest"'),
        ("please put me through right away", True, 'said "right away"'),
    ],
)
def test_what_the_caller_said(transcript, important, reason):
    decision = decide_importance(transcript, model=sure(0.2))
    assert (decision.important, decision.reason) == (important, reason)


@pytest.mark.parametrize(
    "transcript",
    [
        "it's not urgent, call me whenever",
        "it isn't an emergency",
        "my court date is next month, no rush",
        "nothing important, the hearing can wait",
    ],
)
def test_negated_or_calm_words_leave_it_to_the_classifier(transcript):
    assert decide_importance(transcript, model=sure(0.05)).reason == "sounds routine (p=0.05)"
    assert decide_importance(transcript, model=sure(0.9)).important


def test_the_classifier_decides_what_no_word_does():
    reason = "the deposition starts in twenty minutes and the witness is missing"
    assert decide_importance(reason, model=sure(URGENT_FROM)).reason == f"sounds urgent (p={URGENT_FROM:.2f})"
    routine = decide_importance(reason, model=sure(ROUTINE_BELOW - 0.01))
    assert (routine.important, routine.ask) == (False, False)


@pytest.mark.parametrize("urgency", [ROUTINE_BELOW, (ROUTINE_BELOW + URGENT_FROM) / 2, URGENT_FROM - 0.01])
def test_unsure_classifier_asks(urgency):
    decision = decide_importance("the buyer might walk", model=sure(urgency))
    assert (decision.important, decision.ask) == (False, True)
    assert decision.reason.startswith("unsure")


@pytest.mark.parametrize("urgency", [0.05, 0.95])
def test_words_heard_unsurely_are_not_left_to_the_classifier_alone(urgency):
    reason = "we are having a very long belief and really good movement"  # what a recognizer made of it
    unsure = decide_importance(reason, model=sure(urgency), heard_confidence=HEARD_SURE_FROM - 0.01)
    assert unsure.ask and unsure.reason.startswith("unsure of the words")
    assert unsure.important == (urgency >= URGENT_FROM)  # the guess, if the caller does not answer
    heard_well = decide_importance(reason, model=sure(urgency), heard_confidence=HEARD_SURE_FROM)
    assert not heard_well.ask and heard_well.important == (urgency >= URGENT_FROM)


def test_words_that_say_it_decide_however_unsurely_they_were_heard():
    assert decide_importance("it's urgent, call me", model=sure(0.05), heard_confidence=0.1).important
    vip = decide_importance(
        "uh", model=sure(0.05), caller_number="+15551234", vip_numbers=("+15551234",), heard_confidence=0.1
    )
    assert (vip.important, vip.ask) == (True, False)


def test_owner_word_in_a_clearly_routine_reason_asks():
    decision = decide_importance("I sell courses on court reporting", model=sure(0.05))
    assert decision.ask and not decision.important and decision.reason.startswith('said "court" but')
    assert decide_importance("I sell courses on court reporting", model=sure(0.2)).important


def test_nothing_said_asks():
    decision = decide_importance("", model=sure(0.9))
    assert (decision.important, decision.ask, decision.reason) == (False, True, "nothing said")


def test_shipped_classifier_is_used_by_default():
    assert decide_importance("the buyer will walk away unless we talk now").important
    assert not decide_importance("I'd like to order some printer paper next month").important


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
    assert decide_importance("about the merger", importance_words=("merger",), model=sure(0.2)).important
    assert decide_importance("about the mergers", importance_words=("merger",), model=sure(0.2)).important
    assert not decide_importance("about the court", importance_words=("merger",), model=sure(0.2)).important


def test_short_words_need_an_exact_match():
    assert not decide_importance("i have a cart", importance_words=("court",), model=sure(0.2)).important
