"""Slowing and locking repeated failed logins (the policy only; the store keeps the counters).

Each account name (the e-mail tried, known or not) has a count of consecutive failures. After
:data:`SLOW_AFTER` failures every further failed attempt is answered late (doubling, capped);
at :data:`LOCK_AFTER` the name is locked for :data:`LOCK_S` seconds, during which even the right
password is refused. Failures older than :data:`FAILURE_WINDOW_S` are forgotten. A success clears
the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SLOW_AFTER = 2
LOCK_AFTER = 5
LOCK_S = 15 * 60
FAILURE_WINDOW_S = 15 * 60
DELAY_BASE_S = 0.25
DELAY_MAX_S = 2.0


@dataclass(frozen=True)
class LoginState:
    """Failures so far for one account name."""

    failures: int = 0
    last_failure_at: datetime | None = None
    locked_until: datetime | None = None


def locked_for_s(state: LoginState, now: datetime) -> float:
    """Return how many seconds the name stays locked (0 when it is not locked)."""
    if state.locked_until is None or state.locked_until <= now:
        return 0.0
    return (state.locked_until - now).total_seconds()


def after_failure(state: LoginState, now: datetime) -> LoginState:
    """Return the state after one more failed attempt at ``now``."""
    failures = state.failures
    if state.last_failure_at is not None and now - state.last_failure_at > timedelta(
        seconds=FAILURE_WINDOW_S
    ):
        failures = 0
    if state.locked_until is not None and state.locked_until <= now:
        failures = 0
    failures += 1
    locked_until = state.locked_until if locked_for_s(state, now) else None
    if failures >= LOCK_AFTER:
        locked_until = now + timedelta(seconds=LOCK_S)
    return LoginState(failures=failures, last_failure_at=now, locked_until=locked_until)


def delay_s(state: LoginState) -> float:
    """Return how long to hold the answer to a failed attempt, given the state after it."""
    if state.failures <= SLOW_AFTER:
        return 0.0
    return min(DELAY_MAX_S, DELAY_BASE_S * 2 ** (state.failures - SLOW_AFTER - 1))
