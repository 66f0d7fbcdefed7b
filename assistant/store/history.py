"""The owner's unified call log: conversations (legs nested), with the caller's name from the phonebook.

One list for inbound, outbound, missed and voicemail calls, newest first, filtered by kind, date
range, contact and free text, paged with an opaque cursor. Every query is scoped to one owner.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from assistant.domain.calls import conversation_talk_s, line_used
from assistant.store.calls import decode_cursor, encode_cursor
from assistant.store.contacts import like_pattern
from assistant.store.db import Store
from assistant.store.models import Call, Contact, Voicemail

MAX_TEXT_LEN = 200


@dataclass(frozen=True)
class CallFilters:
    """What to show: kinds (any when empty), a UTC range ``[since, until)``, a number, free text."""

    kinds: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    number: str | None = None
    text: str | None = None


@dataclass
class HistoryRow:
    """One conversation of the call log, with what the list shows beside the stored row."""

    call: Call
    contact_id: int | None
    contact_name: str | None
    legs: list[Call] = field(default_factory=list)
    voicemail_id: int | None = None

    @property
    def talk_s(self) -> float | None:
        """Billable talk time: the accepted legs of an inbound call, the answered time of an outbound one."""
        return conversation_talk_s(
            self.call.direction,
            self.call.talk_s,
            [(leg.answered_at is not None, leg.talk_s) for leg in self.legs],
        )

    @property
    def line(self) -> str:
        """The owner's line used: number called in on, or caller ID shown outbound."""
        return line_used(self.call.direction, self.call.caller_number, self.call.called_line)

    @property
    def number(self) -> str:
        """The other party's number (E.164 when it could be normalized)."""
        return self.call.party_number or ""


class CallHistory:
    """Read side of the call log for the API and the portal.

    Args:
        store: The open database.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def page(
        self, owner_id: int, filters: CallFilters, limit: int, cursor: str | None = None
    ) -> tuple[list[HistoryRow], str | None]:
        """Return one page of conversations, newest first, and the cursor of the next page.

        Raises:
            AssistantError: ``bad-cursor`` for a cursor not made by this listing.
        """
        stmt = (
            select(Call, Contact.id, Contact.name)
            .outerjoin(Contact, and_(Contact.owner_id == Call.owner_id, Contact.phone == Call.party_number))
            .where(Call.owner_id == owner_id, Call.parent_id.is_(None))
        )
        if filters.kinds:
            stmt = stmt.where(Call.kind.in_(filters.kinds))
        if filters.since is not None:
            stmt = stmt.where(Call.started_at >= filters.since)
        if filters.until is not None:
            stmt = stmt.where(Call.started_at < filters.until)
        if filters.number:
            stmt = stmt.where(Call.party_number == filters.number)
        text = (filters.text or "").strip()[:MAX_TEXT_LEN]
        if text:
            pattern = like_pattern(text.lower())
            conditions = [
                func.lower(Call.caller_name).like(pattern, escape="\\"),
                func.lower(Call.transcript).like(pattern, escape="\\"),
                func.lower(Contact.name).like(pattern, escape="\\"),
                func.lower(Contact.nickname).like(pattern, escape="\\"),
                Call.party_number.like(like_pattern(text), escape="\\"),
            ]
            digits = "".join(ch for ch in text if ch.isdigit())
            if digits and digits != text:
                conditions.append(Call.party_number.like(like_pattern(digits), escape="\\"))
            stmt = stmt.where(or_(*conditions))
        if cursor is not None:
            started_at, call_id = decode_cursor(cursor)
            stmt = stmt.where(
                or_(Call.started_at < started_at, and_(Call.started_at == started_at, Call.id < call_id))
            )
        stmt = stmt.order_by(Call.started_at.desc(), Call.id.desc()).limit(limit + 1)
        with self._store.session() as session:
            found = session.execute(stmt).all()
            rows = [HistoryRow(call, contact_id, name) for call, contact_id, name in found[:limit]]
            self._complete(session, owner_id, rows)
        next_cursor = encode_cursor(rows[-1].call) if len(found) > limit else None
        return rows, next_cursor

    def get(self, owner_id: int, call_id: int) -> HistoryRow | None:
        """Return one call of the owner (a conversation or a leg) with its legs, or None."""
        if not -(2**63) < call_id < 2**63:
            return None
        stmt = (
            select(Call, Contact.id, Contact.name)
            .outerjoin(Contact, and_(Contact.owner_id == Call.owner_id, Contact.phone == Call.party_number))
            .where(Call.id == call_id, Call.owner_id == owner_id)
        )
        with self._store.session() as session:
            found = session.execute(stmt).first()
            if found is None:
                return None
            row = HistoryRow(found[0], found[1], found[2])
            self._complete(session, owner_id, [row])
            return row

    @staticmethod
    def _complete(session, owner_id: int, rows: list[HistoryRow]) -> None:
        ids = [row.call.id for row in rows]
        if not ids:
            return
        legs: dict[int, list[Call]] = defaultdict(list)
        for leg in session.scalars(
            select(Call).where(Call.parent_id.in_(ids)).order_by(Call.started_at, Call.id)
        ):
            legs[leg.parent_id].append(leg)
        voicemails = dict(
            session.execute(
                select(Voicemail.call_id, func.min(Voicemail.id))
                .where(
                    Voicemail.call_id.in_(ids), Voicemail.owner_id == owner_id, Voicemail.deleted.is_(False)
                )
                .group_by(Voicemail.call_id)
            ).all()
        )
        for row in rows:
            row.legs = legs.get(row.call.id, [])
            row.voicemail_id = voicemails.get(row.call.id)
