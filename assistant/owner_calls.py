"""The calls in progress, so a flow can ask whether the owner is already talking to someone through
the assistant (for call waiting)."""

from __future__ import annotations

from typing import Protocol


class Call(Protocol):
    """What is needed of a call here (assistant.call.Call has it)."""

    owner_id: int | None
    events: list[dict]


def in_conversation(call: Call) -> bool:
    """Whether `call` is bridged to another party right now (its last bridge event is "connected")."""
    bridge_events = [
        event["event"] for event in call.events if event["event"] in ("connected", "disconnected")
    ]
    return bool(bridge_events) and bridge_events[-1] == "connected"


class CallsInProgress:
    """Every call the application is handling, added when it starts and removed when it ends."""

    def __init__(self) -> None:
        self._calls: set[Call] = set()

    def add(self, call: Call) -> None:
        self._calls.add(call)

    def discard(self, call: Call) -> None:
        self._calls.discard(call)

    def owner_talking(self, owner_id: int | None, *, besides: Call) -> bool:
        """Whether another call of this owner is in conversation now (put through, or placed by them)."""
        if owner_id is None:
            return False
        return any(
            other is not besides and other.owner_id == owner_id and in_conversation(other)
            for other in self._calls
        )
