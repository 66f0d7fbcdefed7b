"""How the owner's ring devices are rung: all together, or one after another in priority order. Pure rules.

- Up to three devices in all (mobile and extensions).
- The priority order is the order the portal lists them: the mobile first, then the extensions
  in the order the owner wrote them.
- Each device has its own ring seconds (5-60); one the owner gave none rings for the ring timeout.
- "together": every device rings at once, for as long as the longest device's seconds.
- "priority": each device rings alone for its own seconds, then the next one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assistant.domain.routing import Route

STRATEGIES = ("together", "priority")
DEFAULT_STRATEGY = "together"
MAX_DEVICES = 3
RING_SECONDS_RANGE = (5, 60)  # per device; for the settings schema to check, as it checks ring_timeout_s
MOBILE = "mobile"  # the mobile's name among the devices; an extension is named by its number


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


def device_of(route: Route) -> str:
    """The device a route rings, as the owner's settings name it: "mobile" or the extension ("101")."""
    return MOBILE if route.label == MOBILE else route.target.rsplit("/", 1)[-1]


def devices_in_order(mobile: str | None, extensions: tuple[str, ...]) -> tuple[str, ...]:
    """The owner's ring devices in priority order: the mobile (when there is one), then the extensions."""
    return ((MOBILE,) if mobile else ()) + tuple(extensions)


def stages_for_owner(
    strategy: str, routes: tuple[Route, ...], ring_seconds: Mapping[str, int], default_s: int
) -> tuple[Stage, ...]:
    """The stages for the routes that can ring now (already in priority order), at most MAX_DEVICES."""
    routes = routes[:MAX_DEVICES]
    seconds = tuple(int(ring_seconds.get(device_of(route), default_s)) for route in routes)
    return ring_stages(strategy, routes, seconds)
