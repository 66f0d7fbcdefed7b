"""How the owner's ring devices are rung: all together, or one after another in priority order. Pure rules.

- Up to three devices in all (mobile and extensions).
- "together": every device rings at once for the whole ring time.
- "priority": each device rings alone for its own seconds, then the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.domain.routing import Route

STRATEGIES = ("together", "priority")
MAX_DEVICES = 3
RING_SECONDS_RANGE = (5, 60)  # per device; for the settings schema to check, as it checks ring_timeout_s


@dataclass(frozen=True)
class Stage:
    routes: tuple[Route, ...]
    seconds: int


def ring_stages(strategy: str, routes: tuple[Route, ...], seconds: tuple[int, ...]) -> tuple[Stage, ...]:
    """The stages of ringing, in order; `seconds[i]` is how long `routes[i]` rings.

    Together, the one stage lasts as long as the longest device's seconds.
    """
    if not routes:
        return ()
    if strategy == "priority":
        return tuple(Stage((route,), secs) for route, secs in zip(routes, seconds, strict=True))
    return (Stage(routes, max(seconds)),)
