"""Voicemails: the messages callers leave, their audio in the voicemail spool, and their transcripts.

The call flows add a row once the audio file is on disk; the API lists, plays, marks read and
deletes (deleting removes the file too). The owner's assistant line plays them by phone:
``for_phone`` lists them newest first with the caller's phonebook name, then ``mark_read`` and
``delete`` as the API does. Every read and change is scoped to one owner.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from assistant.domain.phone import normalize_or_raw
from assistant.errors import AssistantError
from assistant.store.calls import decode_cursor, refresh_kind
from assistant.store.db import Store
from assistant.store.models import Call, Contact, OwnerSettings, Voicemail, utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoicemailView:
    """A message as the assistant line plays it to the owner."""

    id: int
    caller_number: str
    caller_name: str | None  # the phonebook name of the caller, None for an unknown number
    created_at: datetime  # when it was left (UTC)
    duration_s: float
    transcript: str | None
    audio_file: Path  # absolute when the store knows the spool
    read: bool


class VoicemailStore:
    """Repository of voicemails.

    Args:
        store: The open database.
        spool_dir: The voicemail spool; relative audio paths are taken relative to it.
    """

    def __init__(self, store: Store, spool_dir: Path | None = None) -> None:
        self._store = store
        self._spool = spool_dir

    def add(
        self,
        owner_id: int | None,
        call_id: int | None,
        audio_path: str | Path,
        duration_s: float,
        caller_number: str,
        transcript: str | None = None,
    ) -> int:
        """Record a voicemail whose audio file is already written; the call becomes a ``voicemail`` call.

        Args:
            owner_id: Whose voicemail it is (None: the owner of the call, if any).
            call_id: The conversation it was left on, if known.
            audio_path: The audio file (absolute, or relative to the spool).
            duration_s: Length of the message in seconds.
            caller_number: Who left it.
            transcript: What was said, if already transcribed.

        Returns:
            The voicemail id.
        """
        with self._store.write() as session:
            call = session.get(Call, call_id) if call_id is not None else None
            if owner_id is None and call is not None:
                owner_id = call.owner_id
            row = Voicemail(
                owner_id=owner_id,
                call_id=call.id if call is not None else None,
                audio_path=str(audio_path),
                duration_s=float(duration_s),
                caller_number=caller_number,
                transcript=transcript,
            )
            session.add(row)
            session.flush()
            if call is not None:
                refresh_kind(session, call)
            logger.info("voicemail %s from %s saved (%.1f s)", row.id, caller_number, duration_s)
            return row.id

    def set_transcript(self, voicemail_id: int, text: str | None) -> bool:
        """Store a voicemail's transcript; False when there is no such voicemail."""
        with self._store.write() as session:
            row = session.get(Voicemail, voicemail_id)
            if row is None:
                return False
            row.transcript = text
            return True

    def list(
        self, owner_id: int, limit: int = 50, cursor: str | None = None, unread_only: bool = False
    ) -> tuple[list[Voicemail], str | None]:
        """Return one page of the owner's voicemails, newest first.

        Raises:
            AssistantError: ``bad-cursor`` for a cursor this method did not make.
        """
        stmt = select(Voicemail).where(Voicemail.owner_id == owner_id, Voicemail.deleted.is_(False))
        if unread_only:
            stmt = stmt.where(Voicemail.read_at.is_(None))
        if cursor is not None:
            created, last_id = decode_cursor(cursor)
            stmt = stmt.where(
                or_(
                    Voicemail.created_at < created,
                    and_(Voicemail.created_at == created, Voicemail.id < last_id),
                )
            )
        stmt = stmt.order_by(Voicemail.created_at.desc(), Voicemail.id.desc()).limit(limit + 1)
        with self._store.session() as session:
            rows = list(session.scalars(stmt))
        if len(rows) > limit:
            rows = rows[:limit]
            return rows, _cursor(rows[-1])
        return rows, None

    def for_phone(self, owner_id: int, limit: int = 50, unread_only: bool = False) -> list[VoicemailView]:
        """Return up to ``limit`` of the owner's messages (not deleted), newest first, with the
        caller's name from the owner's phonebook (the caller number matched in E.164)."""
        stmt = select(Voicemail).where(Voicemail.owner_id == owner_id, Voicemail.deleted.is_(False))
        if unread_only:
            stmt = stmt.where(Voicemail.read_at.is_(None))
        stmt = stmt.order_by(Voicemail.created_at.desc(), Voicemail.id.desc()).limit(max(0, limit))
        with self._store.session() as session:
            rows = list(session.scalars(stmt))
            country = (
                session.scalar(select(OwnerSettings.default_country).where(OwnerSettings.user_id == owner_id))
                or "US"
            )
            numbers = {row.caller_number: normalize_or_raw(row.caller_number, country) for row in rows}
            names: dict[str, str] = {}
            if numbers:
                wanted = set(numbers) | set(numbers.values())
                for phone, name in session.execute(
                    select(Contact.phone, Contact.name).where(
                        Contact.owner_id == owner_id, Contact.phone.in_(wanted)
                    )
                ):
                    names[phone] = name
        return [
            VoicemailView(
                id=row.id,
                caller_number=row.caller_number,
                caller_name=names.get(numbers[row.caller_number]) or names.get(row.caller_number),
                created_at=row.created_at,
                duration_s=row.duration_s,
                transcript=row.transcript,
                audio_file=self.audio_file(row),
                read=row.read_at is not None,
            )
            for row in rows
        ]

    def get(self, owner_id: int, voicemail_id: int) -> Voicemail | None:
        """Return the owner's voicemail, or None (also for another owner's id or a deleted one)."""
        with self._store.session() as session:
            return session.scalar(
                select(Voicemail).where(
                    Voicemail.id == voicemail_id, Voicemail.owner_id == owner_id, Voicemail.deleted.is_(False)
                )
            )

    def for_call(self, owner_id: int, call_id: int) -> Voicemail | None:
        """Return the voicemail left on a call, or None."""
        with self._store.session() as session:
            return session.scalar(
                select(Voicemail)
                .where(
                    Voicemail.call_id == call_id, Voicemail.owner_id == owner_id, Voicemail.deleted.is_(False)
                )
                .order_by(Voicemail.id)
                .limit(1)
            )

    def mark_read(
        self, owner_id: int, voicemail_id: int, read: bool = True, at: datetime | None = None
    ) -> Voicemail:
        """Mark a voicemail read (or unread again).

        Raises:
            AssistantError: ``not-found``.
        """
        with self._store.write() as session:
            row = self._owned(session, owner_id, voicemail_id)
            if read:
                row.read_at = row.read_at or at or utcnow()
            else:
                row.read_at = None
            return row

    def delete(self, owner_id: int, voicemail_id: int) -> None:
        """Delete a voicemail and its audio file; the call it was left on becomes a missed call.

        Raises:
            AssistantError: ``not-found``.
        """
        with self._store.write() as session:
            row = self._owned(session, owner_id, voicemail_id)
            path = self.audio_file(row)
            row.deleted = True
            row.transcript = None
            session.flush()
            if row.call_id is not None:
                call = session.get(Call, row.call_id)
                if call is not None:
                    refresh_kind(session, call)
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                logger.warning("voicemail %s: cannot remove %s: %s", voicemail_id, path, exc)
                raise AssistantError(
                    "voicemail-undeletable", "the voicemail's audio file could not be removed"
                ) from exc
        logger.info("voicemail %s deleted with %s", voicemail_id, path)

    def audio_file(self, row: Voicemail) -> Path:
        """Return the path of a voicemail's audio file."""
        path = Path(row.audio_path)
        if not path.is_absolute() and self._spool is not None:
            path = self._spool / path
        return Path(os.path.normpath(path))

    def _owned(self, session: Session, owner_id: int, voicemail_id: int) -> Voicemail:
        row = session.scalar(
            select(Voicemail)
            .where(Voicemail.id == voicemail_id, Voicemail.owner_id == owner_id, Voicemail.deleted.is_(False))
            .with_for_update()
        )
        if row is None:
            raise AssistantError("not-found", f"voicemail {voicemail_id} not found")
        return row


def _cursor(row: Voicemail) -> str:
    raw = json.dumps([row.created_at.isoformat(), row.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
