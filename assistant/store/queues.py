"""Queues and their members' presence: made by the operator (`assistant queue`), read by queue calls,
and each member's own presence changed from the API and the portal.

Methods block on the database: call them from a thread in async code.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.domain.phone import BadNumber, normalize_number
from assistant.domain.queues import DEFAULT_RING_S, check_name, check_ring_s
from assistant.errors import AssistantError
from assistant.store.db import Store
from assistant.store.models import Queue, QueueMember, User
from assistant.store.users import normalize_email


@dataclass(frozen=True)
class QueueView:
    """A queue as a queue call needs it: its members with their presence."""

    id: int
    number: str
    name: str
    ring_s: int
    mailbox_owner_id: int | None
    members: tuple[tuple[int, bool], ...]  # (user id, present), in the order they were added


@dataclass(frozen=True)
class Membership:
    """One of a member's queues, and the member's presence in it."""

    queue_id: int
    number: str
    name: str
    present: bool

    def as_dict(self) -> dict[str, object]:
        return {"id": self.queue_id, "number": self.number, "name": self.name, "present": self.present}


class Queues:
    """Repository for the ``queues`` and ``queue_members`` tables."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def create(
        self, number: str, name: str, *, ring_s: int = DEFAULT_RING_S, mailbox_email: str | None = None
    ) -> QueueView:
        """Make a queue with no members yet.

        Raises:
            AssistantError: ``bad-queue`` for a bad number, name or ring time, ``not-found`` for
                an unknown mailbox account, ``exists`` for a number another queue has.
        """
        try:
            number = normalize_number(number)
            name = check_name(name)
            ring_s = check_ring_s(ring_s)
        except (BadNumber, ValueError) as exc:
            raise AssistantError("bad-queue", str(exc)) from None
        try:
            with self._store.write() as session:
                mailbox = _user_id(session, mailbox_email) if mailbox_email else None
                queue = Queue(number=number, name=name, ring_s=ring_s, mailbox_owner_id=mailbox)
                session.add(queue)
                session.flush()
                return _view(session, queue)
        except IntegrityError:
            raise AssistantError("exists", f"a queue already has the number {number}") from None

    def add_member(self, number: str, email: str, *, present: bool = True) -> None:
        """Assign an account to the queue on `number` (again: nothing changes)."""
        with self._store.write() as session:
            queue = _queue(session, number)
            user_id = _user_id(session, email)
            if session.get(QueueMember, (queue.id, user_id)) is None:
                session.add(QueueMember(queue_id=queue.id, user_id=user_id, present=present))

    def remove_member(self, number: str, email: str) -> bool:
        """Take an account out of a queue; False if it was not a member."""
        with self._store.write() as session:
            queue = _queue(session, number)
            member = session.get(QueueMember, (queue.id, _user_id(session, email)))
            if member is None:
                return False
            session.delete(member)
            return True

    def all(self) -> list[QueueView]:
        with self._store.session() as session:
            return [_view(session, queue) for queue in session.scalars(select(Queue).order_by(Queue.number))]

    def by_number(self, number: str) -> QueueView | None:
        """The queue on a dialed number, or None."""
        with self._store.session() as session:
            queue = session.scalar(select(Queue).where(Queue.number == number))
            return _view(session, queue) if queue is not None else None

    def memberships(self, user_id: int) -> list[Membership]:
        """The queues the account is a member of, by number, with its presence in each."""
        with self._store.session() as session:
            rows = session.execute(
                select(Queue, QueueMember.present)
                .join(QueueMember, QueueMember.queue_id == Queue.id)
                .where(QueueMember.user_id == user_id)
                .order_by(Queue.number)
            ).all()
            return [Membership(queue.id, queue.number, queue.name, present) for queue, present in rows]

    def set_presence(self, user_id: int, queue_id: int, present: bool) -> Membership | None:
        """Turn the account's own presence in one queue on or off; None if it is not a member of it."""
        with self._store.write() as session:
            member = session.get(QueueMember, (queue_id, user_id))
            if member is None:
                return None
            member.present = present
            queue = session.get(Queue, queue_id)
            return Membership(queue.id, queue.number, queue.name, present)


def _view(session: Session, queue: Queue) -> QueueView:
    members = session.execute(
        select(QueueMember.user_id, QueueMember.present)
        .where(QueueMember.queue_id == queue.id)
        .order_by(QueueMember.added_at, QueueMember.user_id)
    ).all()
    return QueueView(
        queue.id,
        queue.number,
        queue.name,
        queue.ring_s,
        queue.mailbox_owner_id,
        tuple((user_id, present) for user_id, present in members),
    )


def _queue(session: Session, number: str) -> Queue:
    try:
        number = normalize_number(number)
    except BadNumber as exc:
        raise AssistantError("bad-queue", str(exc)) from None
    queue = session.scalar(select(Queue).where(Queue.number == number))
    if queue is None:
        raise AssistantError("not-found", f"no queue has the number {number}")
    return queue


def _user_id(session: Session, email: str) -> int:
    email = normalize_email(email)
    user_id = session.scalar(select(User.id).where(User.email == email))
    if user_id is None:
        raise AssistantError("not-found", f"no user with e-mail {email}")
    return user_id
