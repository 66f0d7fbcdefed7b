"""Virtual extensions in the database: secret codes (scrypt hashes, like passwords), where each
extension is now, wrong codes with lockout, and the log of virtualization events.

The rules are assistant.domain.virtualization; this module keeps their state. The methods block
(database, and scrypt for a code): call them from a thread in async code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.domain import lockout
from assistant.domain.credentials import dummy_verify, hash_password, verify_password
from assistant.domain.virtualization import Move, check_code, move
from assistant.store.db import Store
from assistant.store.models import VirtualExtension, VirtualizationEvent, utcnow

logger = logging.getLogger(__name__)

#: Wrong codes for one extension, from any phone: 5 in an hour lock it for 15 minutes.
CODE_POLICY = lockout.LockoutPolicy(lock_after=5, lock_s=15 * 60, failure_window_s=60 * 60, slow_after=5)


@dataclass(frozen=True)
class ExtensionPlace:
    """One of an owner's extensions as the portal shows it."""

    extension: str
    has_code: bool
    base: str | None  # the phone it rings now; None: its own
    since: datetime | None


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    failures: int
    locked_for_s: float
    just_locked: bool = False


@dataclass(frozen=True)
class EventView:
    extension: str
    base: str | None
    event: str
    by: str
    detail: str | None
    at: datetime


class Virtualizations:
    """Secret codes, placements and events of virtual extensions.

    Args:
        store: The open database.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def set_code(self, owner_id: int, extension: str, code: str) -> None:
        """Set (or change) the secret code of the owner's ``extension``; it clears wrong-code counts."""
        code_hash = hash_password(check_code(code))
        with self._store.write() as session:
            row = session.get(VirtualExtension, extension)
            if row is None:
                session.add(VirtualExtension(extension=extension, owner_id=owner_id, code_hash=code_hash))
                return
            row.owner_id, row.code_hash = owner_id, code_hash
            row.failures, row.last_failure_at, row.locked_until = 0, None, None

    def remove_code(self, extension: str, by: str) -> bool:
        """Remove the secret code (the extension returns home first); False if it had none."""
        self.return_home(extension, by)
        with self._store.write() as session:
            row = session.get(VirtualExtension, extension)
            if row is None:
                return False
            session.delete(row)
            return True

    def places(self, extensions: tuple[str, ...]) -> list[ExtensionPlace]:
        """Where each of ``extensions`` is, in their order."""
        with self._store.session() as session:
            rows = {
                row.extension: row
                for row in session.scalars(
                    select(VirtualExtension).where(VirtualExtension.extension.in_(extensions))
                )
            }
        return [_place(ext, rows.get(ext)) for ext in extensions]

    def placements(self) -> dict[str, str]:
        """Every virtualized extension and the base it is on."""
        with self._store.session() as session:
            return _placements(session)

    def has_code(self, extension: str) -> bool:
        with self._store.session() as session:
            return session.get(VirtualExtension, extension) is not None

    def locked_for_s(self, extension: str, now: datetime | None = None) -> float:
        with self._store.session() as session:
            return lockout.locked_for_s(_state(session.get(VirtualExtension, extension)), now or utcnow())

    def try_code(self, extension: str, code: str, now: datetime | None = None) -> CodeCheck:
        """Check a secret code keyed for ``extension``; wrong ones count toward its lockout."""
        now = now or utcnow()
        with self._store.session() as session:
            row = session.get(VirtualExtension, extension)
            state, code_hash = _state(row), row.code_hash if row is not None else None
        locked = lockout.locked_for_s(state, now)
        if code_hash is None or locked:
            dummy_verify(code)
            return CodeCheck(False, state.failures, locked)
        if code.isdigit() and verify_password(code, code_hash):
            if state.failures:
                with self._store.write() as session:
                    session.execute(
                        update(VirtualExtension)
                        .where(VirtualExtension.extension == extension)
                        .values(failures=0, last_failure_at=None, locked_until=None)
                    )
            return CodeCheck(True, 0, 0.0)
        after = lockout.after_failure(state, now, CODE_POLICY)
        with self._store.write() as session:
            session.execute(
                update(VirtualExtension)
                .where(VirtualExtension.extension == extension)
                .values(
                    failures=after.failures,
                    last_failure_at=after.last_failure_at,
                    locked_until=after.locked_until,
                )
            )
        locked = lockout.locked_for_s(after, now)
        if locked:
            logger.warning(
                "extension %s: virtualization locked after %d wrong codes", extension, after.failures
            )
        return CodeCheck(False, after.failures, locked, just_locked=bool(locked))

    def virtualize(self, extension: str, base: str, by: str) -> Move:
        """Move ``extension`` onto ``base``; an extension already there goes home (one per base)."""
        now = utcnow()
        with self._store.write() as session:
            change = move(_placements(session, for_update=True), extension, base)
            if change.sent_home is not None:
                session.execute(
                    update(VirtualExtension)
                    .where(VirtualExtension.extension == change.sent_home)
                    .values(base=None, since=None)
                )
                session.add(_event(change.sent_home, base, "returned", by, f"replaced by {extension}", now))
                session.flush()
            session.execute(
                update(VirtualExtension)
                .where(VirtualExtension.extension == extension)
                .values(base=base, since=now)
            )
            detail = f"moved from {change.left_base}" if change.left_base else None
            session.add(_event(extension, base, "virtualized", by, detail, now))
        return change

    def return_home(self, extension: str, by: str) -> str | None:
        """Bring ``extension`` back to its own phone; the base it was on, or None if it was home."""
        with self._store.write() as session:
            row = session.get(VirtualExtension, extension)
            if row is None or row.base is None:
                return None
            base, row.base, row.since = row.base, None, None
            session.add(_event(extension, base, "returned", by, None, utcnow()))
            return base

    def hosted_on(self, base: str) -> str | None:
        """The extension virtualized on ``base``, if any."""
        with self._store.session() as session:
            return session.scalar(select(VirtualExtension.extension).where(VirtualExtension.base == base))

    def record(
        self, extension: str, base: str | None, event: str, by: str, detail: str | None = None
    ) -> None:
        """Log an event that changes nothing (a request denied, a lock)."""
        with self._store.write() as session:
            session.add(_event(extension, base, event, by, detail, utcnow()))

    def events(self, extensions: tuple[str, ...], limit: int = 20) -> list[EventView]:
        """The newest events of ``extensions``, newest first."""
        with self._store.session() as session:
            rows = session.scalars(
                select(VirtualizationEvent)
                .where(VirtualizationEvent.extension.in_(extensions))
                .order_by(VirtualizationEvent.at.desc(), VirtualizationEvent.id.desc())
                .limit(limit)
            )
            return [EventView(r.extension, r.base, r.event, r.by, r.detail, r.at) for r in rows]


def _placements(session: Session, *, for_update: bool = False) -> dict[str, str]:
    query = select(VirtualExtension.extension, VirtualExtension.base).where(
        VirtualExtension.base.is_not(None)
    )
    return dict(session.execute(query.with_for_update() if for_update else query).all())


def _event(extension: str, base: str | None, event: str, by: str, detail: str | None, at: datetime):
    return VirtualizationEvent(extension=extension, base=base, event=event, by=by, detail=detail, at=at)


def _place(extension: str, row: VirtualExtension | None) -> ExtensionPlace:
    if row is None:
        return ExtensionPlace(extension, False, None, None)
    return ExtensionPlace(extension, True, row.base, row.since)


def _state(row: VirtualExtension | None) -> lockout.LoginState:
    if row is None:
        return lockout.LoginState()
    return lockout.LoginState(row.failures, row.last_failure_at, row.locked_until)
