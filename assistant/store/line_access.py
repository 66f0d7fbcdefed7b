"""Who may use an owner's assistant line: registered phones by caller ID, everyone else by PIN.

A caller is the owner without a PIN when the caller ID, in E.164, is one of the owner's
``registered_phones`` or the owner's ``mobile`` (the phone important calls ring is the owner's
phone too). Any other caller must say or key the PIN. Wrong PINs are counted per owner and
caller number (an empty caller ID counts as ``anonymous``): :data:`LOCK_AFTER` wrong PINs in a
row lock that number out of that owner's line for the owner's ``pin_lock_minutes``, during which
even the right PIN is refused; the lock is logged as a warning. A right PIN clears the count, and
so does setting or removing the PIN. An owner without a PIN never accepts one. Failures older
than :data:`FAILURE_WINDOW_S` are forgotten.

The methods block (database, and scrypt for a PIN): call them from a thread in async code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from assistant.domain import lockout
from assistant.domain.credentials import dummy_verify, verify_password
from assistant.domain.phone import normalize_or_raw
from assistant.store.db import Store
from assistant.store.models import LineAttempt, OwnerSettings, User, utcnow

logger = logging.getLogger(__name__)

LOCK_AFTER = 5
FAILURE_WINDOW_S = 24 * 60 * 60
ANONYMOUS = "anonymous"
MAX_NUMBER_LEN = 64
MAX_PIN_LEN = 64


@dataclass(frozen=True)
class PinCheck:
    """The answer to one PIN attempt.

    Attributes:
        ok: The PIN was right and the caller is not locked out: the caller is the owner.
        failures: Wrong PINs in a row from this number, this one included (0 after a right PIN).
        locked_for_s: Seconds the number stays locked out (0 when it is not locked).
        just_locked: This attempt locked the number (the flow can say so once and hang up).
    """

    ok: bool
    failures: int
    locked_for_s: float
    just_locked: bool = False

    @property
    def attempts_left(self) -> int:
        """Wrong PINs still allowed before the lock (0 while locked)."""
        return 0 if self.locked_for_s else max(0, LOCK_AFTER - self.failures)


def line_policy(lock_minutes: int) -> lockout.LockoutPolicy:
    """Return the lockout policy of an assistant line whose owner locks callers for ``lock_minutes``."""
    return lockout.LockoutPolicy(
        lock_after=LOCK_AFTER,
        lock_s=max(1, lock_minutes) * 60,
        failure_window_s=FAILURE_WINDOW_S,
        slow_after=LOCK_AFTER,
    )


class LineAccess:
    """Recognizing the owner on the assistant line, and checking PINs with lockout.

    Args:
        store: The open database.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def is_registered(self, owner_id: int, caller_number: str) -> bool:
        """Return whether ``caller_number`` is one of the owner's registered phones or the owner's mobile.

        Both sides are compared in E.164 (the caller ID read with the owner's default country);
        an empty caller ID, or an unknown or disabled owner, is never registered.
        """
        if not caller_number or not caller_number.strip():
            return False
        with self._store.session() as session:
            row = session.execute(
                select(OwnerSettings)
                .join(User, User.id == OwnerSettings.user_id)
                .where(OwnerSettings.user_id == owner_id, User.disabled.is_(False))
            ).scalar_one_or_none()
            if row is None:
                return False
            country = row.default_country
            phones = {normalize_or_raw(number, country) for number in (row.registered_phones or ())}
            if row.mobile:
                phones.add(normalize_or_raw(row.mobile, country))
        return normalize_or_raw(caller_number.strip(), country) in phones

    def locked_for_s(self, owner_id: int, caller_number: str, now: datetime | None = None) -> float:
        """Return how many seconds ``caller_number`` stays locked out of the owner's line (0: not locked)."""
        now = now or utcnow()
        with self._store.session() as session:
            key = self._key(session, owner_id, caller_number)
            return lockout.locked_for_s(_state(session.get(LineAttempt, (owner_id, key))), now)

    def try_pin(self, owner_id: int, caller_number: str, pin: str, now: datetime | None = None) -> PinCheck:
        """Check a PIN said or keyed by ``caller_number`` on the owner's assistant line.

        ``pin`` is the digits as heard (spaces are ignored). A wrong PIN (or any PIN when the
        owner has none) counts as a failure; the fifth in a row locks the number for the owner's
        ``pin_lock_minutes``. While locked, every PIN is refused without being counted.
        """
        now = now or utcnow()
        pin = "".join(str(pin or "").split())[:MAX_PIN_LEN]
        with self._store.session() as session:
            settings = session.get(OwnerSettings, owner_id)
            key = self._key(session, owner_id, caller_number)
            state = _state(session.get(LineAttempt, (owner_id, key)))
        locked = lockout.locked_for_s(state, now)
        if locked:
            dummy_verify(pin)
            return PinCheck(ok=False, failures=state.failures, locked_for_s=locked)
        if settings is None:
            dummy_verify(pin)
            return PinCheck(ok=False, failures=0, locked_for_s=0.0)
        if settings.pin_hash:
            right = pin.isdigit() and verify_password(pin, settings.pin_hash)
        else:
            dummy_verify(pin)
            right = False
        if right:
            if state.failures:
                with self._store.write() as session:
                    session.execute(
                        delete(LineAttempt).where(
                            LineAttempt.owner_id == owner_id, LineAttempt.caller_number == key
                        )
                    )
            return PinCheck(ok=True, failures=0, locked_for_s=0.0)
        policy = line_policy(settings.pin_lock_minutes)
        with self._store.write() as session:
            stale = now - timedelta(seconds=FAILURE_WINDOW_S)
            session.execute(
                delete(LineAttempt).where(
                    LineAttempt.last_failure_at < stale,
                    or_(LineAttempt.locked_until.is_(None), LineAttempt.locked_until < now),
                )
            )
            row = session.scalar(
                select(LineAttempt)
                .where(and_(LineAttempt.owner_id == owner_id, LineAttempt.caller_number == key))
                .with_for_update()
            )
            before = _state(row)
            if lockout.locked_for_s(before, now):  # locked by a concurrent attempt meanwhile
                return PinCheck(
                    ok=False, failures=before.failures, locked_for_s=lockout.locked_for_s(before, now)
                )
            after = lockout.after_failure(before, now, policy)
            if row is None:
                row = LineAttempt(owner_id=owner_id, caller_number=key)
                session.add(row)
            row.failures = after.failures
            row.last_failure_at = after.last_failure_at
            row.locked_until = after.locked_until
        locked = lockout.locked_for_s(after, now)
        if locked:
            logger.warning(
                "assistant line of owner %s: %s locked out for %d minutes after %d wrong PINs in a row",
                owner_id,
                key,
                round(policy.lock_s / 60),
                after.failures,
            )
        else:
            logger.info(
                "wrong PIN on the assistant line of owner %s from %s (%d in a row)",
                owner_id,
                key,
                after.failures,
            )
        return PinCheck(ok=False, failures=after.failures, locked_for_s=locked, just_locked=bool(locked))

    @staticmethod
    def _key(session: Session, owner_id: int, caller_number: str) -> str:
        text = (caller_number or "").strip()[:MAX_NUMBER_LEN]
        if not text:
            return ANONYMOUS
        country = session.scalar(
            select(OwnerSettings.default_country).where(OwnerSettings.user_id == owner_id)
        )
        return normalize_or_raw(text, country or "US")


def _state(row: LineAttempt | None) -> lockout.LoginState:
    if row is None:
        return lockout.LoginState()
    return lockout.LoginState(row.failures, row.last_failure_at, row.locked_until)
