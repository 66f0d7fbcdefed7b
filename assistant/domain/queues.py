"""Queues: who a queue call rings, and what happens when nobody takes it. Pure rules.

- A queue rings every member whose presence in it is on, all together; presence is per queue, so
  a member who is away from one queue still takes another's calls.
- A present member on do-not-disturb is not rung (do-not-disturb stops every delivery).
- A member rings on their own ring devices that can ring now (the mobile, online extensions), at
  most three, as for their Smart Number; a device two members share rings once, for the first.
- Nobody present, nobody who can ring, or nobody taking the call within the queue's ring time:
  the caller leaves a message in the queue's mailbox (an account named for the queue), or, for a
  queue without one, hears a goodbye.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.domain.ring_strategy import MAX_DEVICES
from assistant.domain.routing import Route

RING_S_RANGE = (5, 120)
DEFAULT_RING_S = 30
MAX_NAME_LEN = 80


@dataclass(frozen=True)
class Member:
    """One member of a queue, as a queue call sees them."""

    user_id: int
    present: bool
    do_not_disturb: bool = False
    routes: tuple[Route, ...] = ()  # the member's devices that can ring now, in priority order


@dataclass(frozen=True)
class QueueRing:
    """What one queue call rings: the routes, and which member each route's label belongs to."""

    routes: tuple[Route, ...]
    member_of: dict[str, int]
    reason: str

    @property
    def nobody(self) -> bool:
        return not self.routes


def member_label(user_id: int, route: Route) -> str:
    """A route's label in a queue call: unique among all members' devices ("member 3 mobile")."""
    return f"member {user_id} {route.label}"


def queue_ring(members: tuple[Member, ...] | list[Member]) -> QueueRing:
    """The routes a queue call rings together, and the member behind each of them."""
    present = [member for member in members if member.present]
    if not present:
        return QueueRing((), {}, "no member present")
    available = [member for member in present if not member.do_not_disturb]
    if not available:
        return QueueRing((), {}, "present members on do not disturb")
    routes: list[Route] = []
    member_of: dict[str, int] = {}
    targets: set[str] = set()
    for member in available:
        for route in member.routes[:MAX_DEVICES]:
            if route.target in targets:
                continue
            targets.add(route.target)
            label = member_label(member.user_id, route)
            routes.append(Route(route.target, label))
            member_of[label] = member.user_id
    if not routes:
        return QueueRing((), {}, "no present member can ring")
    return QueueRing(tuple(routes), member_of, "ring present members")


def when_nobody_takes(mailbox_owner_id: int | None) -> str:
    """ "voicemail" (the queue's mailbox) or "goodbye" (a queue without a mailbox)."""
    return "voicemail" if mailbox_owner_id is not None else "goodbye"


def check_ring_s(seconds: int) -> int:
    """The queue's ring time, if within RING_S_RANGE."""
    low, high = RING_S_RANGE
    if not low <= seconds <= high:
        raise ValueError(f"a queue rings for {low} to {high} seconds, not {seconds}")
    return seconds


def check_name(name: str) -> str:
    """The queue's name (spoken to callers and shown in the portal), trimmed and not empty."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME_LEN:
        raise ValueError(f"a queue's name is 1 to {MAX_NAME_LEN} characters")
    return name
