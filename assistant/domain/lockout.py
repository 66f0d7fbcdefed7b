"""Slowing and locking repeated failures (the policy only; the store keeps the counters).

Each name (for logins the e-mail tried, known or not; for the assistant line the caller's number)
has a count of consecutive failures. A :class:`LockoutPolicy` says what happens next: after
``slow_after`` failures every further failed attempt is answered late (doubling, capped); at
``lock_after`` the name is locked for ``lock_s`` seconds, during which even the right secret is
refused. Failures older than ``failure_window_s`` are forgotten. A success clears the count.

:data:`LOGIN` is the policy of the portal and API login, from the module constants below.
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
class LockoutPolicy:
    """When failures slow the answers and when they lock the name, and for how long."""

    lock_after: int = LOCK_AFTER
    lock_s: float = LOCK_S
    failure_window_s: float = FAILURE_WINDOW_S
    slow_after: int = SLOW_AFTER
    delay_base_s: float = DELAY_BASE_S
    delay_max_s: float = DELAY_MAX_S

    def __post_init__(self) -> None:
        if self.lock_after < 1 or self.lock_s <= 0 or self.failure_window_s <= 0:
            raise ValueError("lock_after must be at least 1, lock_s and failure_window_s more than 0")


#: The login policy: slowed after 2 failures, locked for 15 minutes at 5 within 15 minutes.
LOGIN = LockoutPolicy()


@dataclass(frozen=True)
class LoginState:
    """Failures so far for one name (an account name, or a caller of the assistant line)."""

    failures: int = 0
    last_failure_at: datetime | None = None
    locked_until: datetime | None = None


def locked_for_s(state: LoginState, now: datetime) -> float:
    """Return how many seconds the name stays locked (0 when it is not locked)."""
    if state.locked_until is None or state.locked_until <= now:
        return 0.0
    return (state.locked_until - now).total_seconds()


def after_failure(state: LoginState, now: datetime, policy: LockoutPolicy = LOGIN) -> LoginState:
    """Return the state after one more failed attempt at ``now``."""
    failures = state.failures
    if state.last_failure_at is not None and now - state.last_failure_at > timedelta(
        seconds=policy.failure_window_s
    ):
        failures = 0
    if state.locked_until is not None and state.locked_until <= now:
        failures = 0
    failures += 1
    locked_until = state.locked_until if locked_for_s(state, now) else None
    if failures >= policy.lock_after:
        locked_until = now + timedelta(seconds=policy.lock_s)
    return LoginState(failures=failures, last_failure_at=now, locked_until=locked_until)


def delay_s(state: LoginState, policy: LockoutPolicy = LOGIN) -> float:
    """Return how long to hold the answer to a failed attempt, given the state after it."""
    if state.failures <= policy.slow_after:
        return 0.0
    return min(policy.delay_max_s, policy.delay_base_s * 2 ** (state.failures - policy.slow_after - 1))
