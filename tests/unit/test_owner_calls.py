"""Whether the owner is already talking through the assistant, from the calls in progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.owner_calls import CallsInProgress, in_conversation


@dataclass(eq=False)
class LoggedCall:
    owner_id: int | None
    events: list[dict] = field(default_factory=list)

    def log(self, *kinds: str) -> LoggedCall:
        self.events += [{"event": kind} for kind in kinds]
        return self


def test_a_call_is_in_conversation_from_connected_until_disconnected():
    assert not in_conversation(LoggedCall(1).log("answered", "ringing"))
    assert in_conversation(LoggedCall(1).log("answered", "connected"))
    assert not in_conversation(LoggedCall(1).log("connected", "disconnected"))
    assert in_conversation(
        LoggedCall(1).log("connected", "disconnected", "connected")
    )  # the assistant line calls again


def test_the_owner_is_talking_only_on_another_call_of_theirs():
    calls = CallsInProgress()
    talking = LoggedCall(1).log("connected")
    new = LoggedCall(1).log("answered")
    someone_else = LoggedCall(2).log("connected")
    for call in (talking, new, someone_else):
        calls.add(call)
    assert calls.owner_talking(1, besides=new)
    assert not calls.owner_talking(1, besides=talking)  # the call itself does not count
    assert not calls.owner_talking(3, besides=new) and not calls.owner_talking(None, besides=new)
    calls.discard(talking)
    assert not calls.owner_talking(1, besides=new)
