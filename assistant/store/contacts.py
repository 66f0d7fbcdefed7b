"""The phonebook: each owner's contacts, searched by any part of a name or number.

Values arrive validated (names trimmed, numbers in E.164); this module enforces only what the
database must: one contact per number per owner, and that nobody reaches another owner's rows.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer

from assistant.errors import AssistantError
from assistant.store.db import Store
from assistant.store.models import Contact

logger = logging.getLogger(__name__)

FIELDS = (
    "name",
    "phone",
    "email",
    "nickname",
    "label",
    "client_code",
    "matter_code",
    "activity_code",
    "rate_cents",
    "important",
)
MAX_CURSOR_LEN = 512
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class Avatar:
    """A contact's picture."""

    data: bytes
    mime: str


def like_pattern(text: str) -> str:
    """Return a LIKE pattern matching ``text`` anywhere, with ``%``, ``_`` and ``\\`` escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Contacts:
    """Repository of contacts, always scoped to one owner.

    Args:
        store: The open database.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, owner_id: int, values: dict[str, Any]) -> Contact:
        """Add a contact.

        Raises:
            AssistantError: ``duplicate-contact`` when the owner already has this number.
        """
        try:
            with self._store.write() as session:
                self._refuse_duplicate(session, owner_id, values["phone"], None)
                contact = Contact(owner_id=owner_id, **_only_fields(values))
                session.add(contact)
                session.flush()
                return contact
        except IntegrityError as exc:
            raise self._duplicate(values["phone"]) from exc

    def get(self, owner_id: int, contact_id: int) -> Contact | None:
        """Return the owner's contact with this id, or None (also for another owner's id)."""
        with self._store.session() as session:
            return session.scalar(
                select(Contact).where(Contact.id == contact_id, Contact.owner_id == owner_id)
            )

    def find_by_phone(self, owner_id: int, phone: str) -> Contact | None:
        """Return the owner's contact with this E.164 number, or None."""
        with self._store.session() as session:
            return session.scalar(select(Contact).where(Contact.owner_id == owner_id, Contact.phone == phone))

    def update(self, owner_id: int, contact_id: int, changes: dict[str, Any]) -> Contact:
        """Change some fields of a contact.

        Raises:
            AssistantError: ``not-found``, or ``duplicate-contact`` when the new number is taken.
        """
        try:
            with self._store.write() as session:
                contact = session.scalar(
                    select(Contact)
                    .where(Contact.id == contact_id, Contact.owner_id == owner_id)
                    .with_for_update()
                )
                if contact is None:
                    raise AssistantError("not-found", f"contact {contact_id} not found")
                if "phone" in changes and changes["phone"] != contact.phone:
                    self._refuse_duplicate(session, owner_id, changes["phone"], contact_id)
                for name, value in _only_fields(changes).items():
                    setattr(contact, name, value)
                session.flush()
                return contact
        except IntegrityError as exc:
            raise self._duplicate(changes.get("phone", "")) from exc

    def delete(self, owner_id: int, contact_id: int) -> bool:
        """Delete a contact; False when the owner has no such contact."""
        with self._store.write() as session:
            contact = session.scalar(
                select(Contact).where(Contact.id == contact_id, Contact.owner_id == owner_id)
            )
            if contact is None:
                return False
            session.delete(contact)
            return True

    def search(
        self, owner_id: int, query: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> tuple[list[Contact], str | None]:
        """Return one page of contacts in name order, matching ``query`` in the name, nickname,
        e-mail, codes or number (digits of the query matched against the number's digits).

        Raises:
            AssistantError: ``bad-cursor`` for a cursor this method did not make.
        """
        stmt = select(Contact).where(Contact.owner_id == owner_id)
        text = (query or "").strip()
        if text:
            pattern = like_pattern(text.lower())
            conditions = [
                func.lower(column).like(pattern, escape="\\")
                for column in (
                    Contact.name,
                    Contact.nickname,
                    Contact.email,
                    Contact.client_code,
                    Contact.matter_code,
                )
            ]
            digits = "".join(ch for ch in text if ch.isdigit())
            if digits:
                conditions.append(Contact.phone.like(like_pattern(digits), escape="\\"))
            stmt = stmt.where(or_(*conditions))
        if cursor is not None:
            name, last_id = _decode_cursor(cursor)
            stmt = stmt.where(or_(Contact.name > name, and_(Contact.name == name, Contact.id > last_id)))
        stmt = stmt.order_by(Contact.name, Contact.id).limit(limit + 1)
        with self._store.session() as session:
            rows = list(session.scalars(stmt))
        if len(rows) > limit:
            rows = rows[:limit]
            return rows, _encode_cursor(rows[-1])
        return rows, None

    def iter_all(self, owner_id: int) -> Iterator[Contact]:
        """Yield all the owner's contacts in name order, a batch at a time."""
        stmt = (
            select(Contact)
            .where(Contact.owner_id == owner_id)
            .order_by(Contact.name, Contact.id)
            .execution_options(yield_per=EXPORT_BATCH)
        )
        with self._store.session() as session:
            yield from session.scalars(stmt)

    def set_avatar(self, owner_id: int, contact_id: int, avatar: Avatar | None) -> bool:
        """Set (or with None, remove) a contact's picture; False when there is no such contact."""
        with self._store.write() as session:
            contact = session.scalar(
                select(Contact).where(Contact.id == contact_id, Contact.owner_id == owner_id)
            )
            if contact is None:
                return False
            contact.avatar = avatar.data if avatar else None
            contact.avatar_type = avatar.mime if avatar else None
            return True

    def avatar(self, owner_id: int, contact_id: int) -> Avatar | None:
        """Return a contact's picture, or None when there is none (or no such contact)."""
        with self._store.session() as session:
            contact = session.scalar(
                select(Contact)
                .options(undefer(Contact.avatar))
                .where(Contact.id == contact_id, Contact.owner_id == owner_id)
            )
            if contact is None or contact.avatar is None or contact.avatar_type is None:
                return None
            return Avatar(contact.avatar, contact.avatar_type)

    def _refuse_duplicate(self, session: Session, owner_id: int, phone: str, contact_id: int | None) -> None:
        other = session.scalar(select(Contact).where(Contact.owner_id == owner_id, Contact.phone == phone))
        if other is not None and other.id != contact_id:
            raise AssistantError(
                "duplicate-contact",
                f"{phone} is already in the phonebook as {other.name!r} (contact {other.id})",
            )

    @staticmethod
    def _duplicate(phone: str) -> AssistantError:
        return AssistantError("duplicate-contact", f"{phone} is already in the phonebook")


def _only_fields(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name in FIELDS}


def _encode_cursor(contact: Contact) -> str:
    raw = json.dumps([contact.name, contact.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode_cursor(cursor: str) -> tuple[str, int]:
    bad = AssistantError("bad-cursor", "cursor is not valid; pass next_cursor from a previous page unchanged")
    if not cursor or len(cursor) > MAX_CURSOR_LEN:
        raise bad
    try:
        name, contact_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise bad from None
    if not isinstance(name, str) or type(contact_id) is not int or not 0 <= contact_id < 2**63:
        raise bad
    return name, contact_id
