"""The owner's portal profile: their picture, call notifications, and which missed calls are new.

A missed call (or one that ended in a voicemail) is new to the owner until they look at the call log
after it ended; voicemails are new until they are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import undefer

from assistant.store.contacts import Avatar
from assistant.store.db import Store
from assistant.store.models import Call, User, Voicemail, utcnow

UNSEEN_KINDS = ("missed", "voicemail")


@dataclass(frozen=True)
class ProfileView:
    """What the portal shows of the owner's own account."""

    id: int
    email: str
    name: str
    has_avatar: bool
    call_notifications: bool
    calls_seen_at: datetime | None


@dataclass(frozen=True)
class Unseen:
    """What is new to the owner: missed calls since they last looked at the call log, unread messages."""

    missed_calls: int
    unread_voicemails: int
    calls_seen_at: datetime | None
    last_missed_at: datetime | None


class Profiles:
    """Repository of the owner's portal profile.

    Args:
        store: The open database.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, user_id: int) -> ProfileView | None:
        """Return the owner's profile, or None for no such user."""
        with self._store.session() as session:
            user = session.get(User, user_id)
            return _view(user) if user is not None else None

    def set_avatar(self, user_id: int, avatar: Avatar | None) -> bool:
        """Set (or with None, remove) the owner's picture; False when there is no such user."""
        with self._store.write() as session:
            result = session.execute(
                update(User)
                .where(User.id == user_id)
                .values(avatar=avatar.data if avatar else None, avatar_type=avatar.mime if avatar else None)
            )
            return bool(result.rowcount)

    def avatar(self, user_id: int) -> Avatar | None:
        """Return the owner's picture, or None when there is none."""
        with self._store.session() as session:
            user = session.scalar(select(User).options(undefer(User.avatar)).where(User.id == user_id))
            if user is None or user.avatar is None or user.avatar_type is None:
                return None
            return Avatar(user.avatar, user.avatar_type)

    def set_call_notifications(self, user_id: int, enabled: bool) -> bool:
        """Turn the browser's call notifications on or off; False when there is no such user."""
        with self._store.write() as session:
            result = session.execute(
                update(User).where(User.id == user_id).values(call_notifications=enabled)
            )
            return bool(result.rowcount)

    def mark_calls_seen(self, user_id: int, at: datetime | None = None) -> None:
        """Record that the owner looked at the call log (at ``at``, default now)."""
        with self._store.write() as session:
            session.execute(update(User).where(User.id == user_id).values(calls_seen_at=at or utcnow()))

    def unseen(self, user_id: int) -> Unseen:
        """Count the missed calls that ended after the owner last looked, and the unread voicemails."""
        with self._store.session() as session:
            seen_at = session.scalar(select(User.calls_seen_at).where(User.id == user_id))
            missed = select(func.count(), func.max(Call.ended_at)).where(
                Call.owner_id == user_id,
                Call.parent_id.is_(None),
                Call.kind.in_(UNSEEN_KINDS),
                Call.ended_at.is_not(None),
            )
            if seen_at is not None:
                missed = missed.where(Call.ended_at > seen_at)
            count, last_at = session.execute(missed).one()
            unread = session.scalar(
                select(func.count()).where(
                    Voicemail.owner_id == user_id, Voicemail.read_at.is_(None), Voicemail.deleted.is_(False)
                )
            )
        return Unseen(int(count or 0), int(unread or 0), seen_at, last_at)


def _view(user: User) -> ProfileView:
    return ProfileView(
        id=user.id,
        email=user.email,
        name=user.name,
        has_avatar=user.avatar_type is not None,
        call_notifications=bool(user.call_notifications),
        calls_seen_at=user.calls_seen_at,
    )
