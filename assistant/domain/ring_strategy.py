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
MIN_RING_S = 5
MAX_RING_S = 60


@dataclass(frozen=True)
class Stage:
    routes: tuple[Route, ...]
    seconds: int


def strategy_errors(strategy: str, device_seconds: list[int]) -> list[str]:
    """What is wrong with a ring setting, as messages for the owner (empty when it is valid)."""
    errors = []
    if strategy not in STRATEGIES:
        errors.append(f"unknown ring strategy {strategy!r}; choose one of: {', '.join(STRATEGIES)}")
    if len(device_seconds) > MAX_DEVICES:
        errors.append(f"at most {MAX_DEVICES} ring devices, got {len(device_seconds)}")
    for position, seconds in enumerate(device_seconds, start=1):
        if not MIN_RING_S <= seconds <= MAX_RING_S:
            errors.append(f"device {position}: ring seconds must be {MIN_RING_S}-{MAX_RING_S}, got {seconds}")
    return errors


def ring_stages(strategy: str, routes: tuple[Route, ...], seconds: tuple[int, ...]) -> tuple[Stage, ...]:
    """The stages of ringing, in order; `seconds[i]` is how long `routes[i]` rings.

    Together, the one stage lasts as long as the longest device's seconds.
    """
    if not routes:
        return ()
    if strategy == "priority":
        return tuple(Stage((route,), secs) for route, secs in zip(routes, seconds, strict=True))
    return (Stage(routes, max(seconds)),)
