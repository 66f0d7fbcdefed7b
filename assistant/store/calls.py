"""The call log: one row per call leg, written by the Stasis app and read by the API.

Each row is filed under the owner whose line it came in on (or whose caller ID it showed), and
its ``kind`` (inbound, outbound, missed, voicemail) is kept up to date as the call is answered,
forwarded, ended or leaves a voicemail (rules in ``assistant.domain.calls``).

Methods are synchronous and short; async code should run them in a worker thread.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.domain.calls import OWNER_SESSION_FLOW, call_kind, party_number
from assistant.domain.owner_settings import DEFAULT_COUNTRY
from assistant.domain.phone import normalize_or_raw
from assistant.errors import AssistantError
from assistant.store.db import Store
from assistant.store.models import DIRECTIONS, OUTCOMES, Call, OwnerLine, OwnerSettings, Voicemail

logger = logging.getLogger(__name__)

_MAX_ID = 2**63 - 1
_MAX_CURSOR_LEN = 256
START_MISSING_EVENT = "start-missing"


class CallLog:
    """Repository for the ``calls`` table.

    Args:
        store: The open database.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def record_start(
        self,
        channel_id: str,
        direction: str,
        caller_number: str,
        caller_name: str | None,
        called_line: str,
        started_at: datetime,
        *,
        owner_id: int | None = None,
        parent_id: int | None = None,
        flow: str | None = None,
    ) -> int:
        """Record that a call leg started; idempotent on ``channel_id``.

        Args:
            channel_id: The Asterisk channel id.
            direction: ``inbound`` or ``outbound``.
            caller_number: The calling number as presented.
            caller_name: The caller id name, if any.
            called_line: The number that was dialled.
            started_at: When the leg appeared (timezone-aware).
            owner_id: Whose call this is. When None: the parent's owner for a leg, else the owner
                of ``called_line`` (inbound) or of ``caller_number`` (outbound), if any.
            parent_id: The conversation this leg was forwarded from, if it is a leg.
            flow: The flow that served the call (``smart``, ``line``, ...); ``line`` is the owner's
                own call to the assistant line.

        Returns:
            The call's id; for a channel already recorded, the existing id.
        """
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
        _require_aware(started_at)
        try:
            with self._store.write() as session:
                existing = session.scalar(select(Call.id).where(Call.channel_id == channel_id))
                if existing is not None:
                    return existing
                parent = session.get(Call, parent_id) if parent_id is not None else None
                if owner_id is None:
                    owner_id = (
                        parent.owner_id
                        if parent is not None
                        else _owner_of_line(
                            session, caller_number if direction == "outbound" else called_line
                        )
                    )
                call = Call(
                    channel_id=channel_id,
                    direction=direction,
                    caller_number=caller_number,
                    caller_name=caller_name,
                    called_line=called_line,
                    started_at=started_at,
                    events=[],
                    owner_id=owner_id,
                    parent_id=parent.id if parent is not None else None,
                    party_number=normalize_or_raw(
                        party_number(direction, caller_number, called_line), _country_of(session, owner_id)
                    ),
                    flow=flow,
                    kind=call_kind(direction, owner_session=flow == OWNER_SESSION_FLOW),
                )
                session.add(call)
                session.flush()
                if parent is not None:
                    refresh_kind(session, parent)
                logger.debug("call %s started on channel %s (owner %s)", call.id, channel_id, owner_id)
                return call.id
        except IntegrityError:
            with self._store.session() as session:
                existing = session.scalar(select(Call.id).where(Call.channel_id == channel_id))
            if existing is None:
                raise
            return existing

    def record_answer(self, channel_id: str, at: datetime) -> bool:
        """Record when the call was answered; only the first answer of a live call counts.

        Args:
            channel_id: The Asterisk channel id.
            at: When it was answered (timezone-aware).

        Returns:
            True if the answer time was stored.
        """
        _require_aware(at)
        with self._store.write() as session:
            call = _locked(session, channel_id)
            if call is None:
                logger.warning("answer on unknown channel %s ignored", channel_id)
                return False
            if call.answered_at is not None or call.ended_at is not None:
                return False
            call.answered_at = at
            _refresh_with_parent(session, call)
            return True

    def add_event(self, channel_id: str, event: dict[str, Any]) -> bool:
        """Append one item to the call's event log.

        Args:
            channel_id: The Asterisk channel id.
            event: A JSON-serialisable dict; datetimes are stored as ISO strings.

        Returns:
            True if the event was stored, False if the channel is unknown.
        """
        with self._store.write() as session:
            call = _locked(session, channel_id)
            if call is None:
                logger.warning("event on unknown channel %s dropped: %s", channel_id, event.get("type"))
                return False
            call.events = [*call.events, dict(event)]
            return True

    def record_end(
        self, channel_id: str, at: datetime, outcome: str, hangup_cause: str | None = None
    ) -> bool:
        """Record the end of a call and its durations; only the first end counts.

        A call with no recorded start is created on the spot (started and ended at ``at``,
        direction ``inbound``, empty numbers, and a ``start-missing`` event) so it is never lost.

        Args:
            channel_id: The Asterisk channel id.
            at: When the call ended (timezone-aware).
            outcome: One of ``completed``, ``caller-hangup``, ``failed``, ``abandoned``.
            hangup_cause: The Asterisk hangup cause, if known.

        Returns:
            True if this end was stored, False if the call had already ended.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
        _require_aware(at)
        try:
            return self._end_once(channel_id, at, outcome, hangup_cause)
        except IntegrityError:
            return self._end_once(channel_id, at, outcome, hangup_cause)

    def _end_once(self, channel_id: str, at: datetime, outcome: str, hangup_cause: str | None) -> bool:
        with self._store.write() as session:
            call = _locked(session, channel_id)
            if call is None:
                logger.warning("call on channel %s ended without a recorded start", channel_id)
                call = Call(
                    channel_id=channel_id,
                    direction="inbound",
                    caller_number="",
                    called_line="",
                    started_at=at,
                    events=[{"type": START_MISSING_EVENT}],
                )
                session.add(call)
            elif call.ended_at is not None:
                return False
            call.ended_at = at
            call.outcome = outcome
            call.hangup_cause = hangup_cause
            call.duration_s = _seconds(call.started_at, at)
            call.talk_s = _seconds(call.answered_at, at) if call.answered_at is not None else None
            _refresh_with_parent(session, call)
            return True

    def claim_unowned(self, owner_id: int, lines: list[str]) -> int:
        """Give `owner_id` the calls that came in on `lines` before any owner had them; return how many."""
        with self._store.write() as session:
            calls = session.scalars(
                select(Call).where(
                    Call.owner_id.is_(None), Call.direction == "inbound", Call.called_line.in_(lines)
                )
            ).all()
            for call in calls:
                call.owner_id = owner_id
            return len(calls)

    def file_under(self, channel_id: str, owner_id: int) -> bool:
        """File a call under another owner (a queue call: under the member who took it).

        Returns:
            True if stored, False if the channel is unknown.
        """
        return self._set_fields(channel_id, "owner of unknown channel %s not changed", owner_id=owner_id)

    def record_screening(self, channel_id: str, decision: str, reason: str | None = None) -> bool:
        """Record what screening decided for the call (e.g. ``ring``, ``voicemail``) and why.

        Returns:
            True if stored, False if the channel is unknown.
        """
        return self._set_fields(
            channel_id,
            "screening on unknown channel %s dropped",
            screening_decision=decision,
            screening_reason=reason,
        )

    def set_transcript(self, channel_id: str, text: str | None) -> bool:
        """Store what the caller said over the whole call (shown in the call log and searched).

        Returns:
            True if stored, False if the channel is unknown.
        """
        return self._set_fields(channel_id, "transcript on unknown channel %s dropped", transcript=text)

    def _set_fields(self, channel_id: str, unknown_warning: str, **fields: object) -> bool:
        """Set columns of the channel's call; an unknown channel is logged with `unknown_warning`."""
        with self._store.write() as session:
            call = _locked(session, channel_id)
            if call is None:
                logger.warning(unknown_warning, channel_id)
                return False
            for column, value in fields.items():
                setattr(call, column, value)
            return True

    def list_calls(self, limit: int, cursor: str | None = None) -> tuple[list[Call], str | None]:
        """Return one page of calls, newest first by (started_at, id).

        Args:
            limit: Page size, at least 1.
            cursor: ``next_cursor`` from the previous page, or None for the first page.

        Returns:
            The rows and the cursor for the next page (None on the last page).

        Raises:
            AssistantError: ``bad-cursor`` if the cursor was not produced by this method.
        """
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        stmt = select(Call).order_by(Call.started_at.desc(), Call.id.desc()).limit(limit + 1)
        if cursor is not None:
            started_at, call_id = decode_cursor(cursor)
            stmt = stmt.where(
                or_(Call.started_at < started_at, and_(Call.started_at == started_at, Call.id < call_id))
            )
        with self._store.session() as session:
            rows = list(session.scalars(stmt))
        if len(rows) > limit:
            rows = rows[:limit]
            return rows, encode_cursor(rows[-1])
        return rows, None

    def get(self, call_id: int) -> Call | None:
        """Return the call with this id, or None."""
        if not -_MAX_ID <= call_id <= _MAX_ID:
            return None
        with self._store.session() as session:
            return session.get(Call, call_id)

    def get_by_channel(self, channel_id: str) -> Call | None:
        """Return the call recorded for an Asterisk channel id, or None."""
        with self._store.session() as session:
            return session.scalar(select(Call).where(Call.channel_id == channel_id))

    def open_calls(self) -> list[Call]:
        """Return calls that have no end recorded, oldest first."""
        with self._store.session() as session:
            stmt = select(Call).where(Call.ended_at.is_(None)).order_by(Call.started_at, Call.id)
            return list(session.scalars(stmt))


def encode_cursor(call: Call) -> str:
    """Return the opaque cursor that continues a listing after ``call``."""
    raw = json.dumps([call.started_at.isoformat(), call.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Parse a cursor made by :func:`encode_cursor`.

    Raises:
        AssistantError: ``bad-cursor`` for anything else.
    """
    bad = AssistantError("bad-cursor", "cursor is not valid; pass next_cursor from a previous page unchanged")
    if not cursor or len(cursor) > _MAX_CURSOR_LEN:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        started, call_id = json.loads(raw)
        started_at = datetime.fromisoformat(started)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise bad from None
    if type(call_id) is not int or not -_MAX_ID <= call_id <= _MAX_ID or started_at.utcoffset() is None:
        raise bad
    return started_at, call_id


def refresh_kind(session: Session, call: Call) -> None:
    """Recompute ``call.kind`` from its accepted legs, its voicemail and its flow (inside a write session).

    A leg's ``answered_at`` is when the owner was put through (accepting the call), not when the
    phone picked up: a leg that answered without accepting was never the owner talking.
    """
    leg_answered = session.scalar(
        select(exists().where(Call.parent_id == call.id, Call.answered_at.is_not(None)))
    )
    has_voicemail = session.scalar(
        select(exists().where(Voicemail.call_id == call.id, Voicemail.deleted.is_(False)))
    )
    call.kind = call_kind(
        call.direction,
        has_voicemail=bool(has_voicemail),
        leg_answered=bool(leg_answered),
        owner_session=call.flow == OWNER_SESSION_FLOW,
    )


def _refresh_with_parent(session: Session, call: Call) -> None:
    session.flush()
    refresh_kind(session, call)
    if call.parent_id is not None:
        parent = session.get(Call, call.parent_id)
        if parent is not None:
            refresh_kind(session, parent)


def _owner_of_line(session: Session, number: str) -> int | None:
    if not number:
        return None
    candidates = {number, normalize_or_raw(number, DEFAULT_COUNTRY)}
    return session.scalar(select(OwnerLine.owner_id).where(OwnerLine.number.in_(candidates)).limit(1))


def _country_of(session: Session, owner_id: int | None) -> str:
    if owner_id is None:
        return DEFAULT_COUNTRY
    country = session.scalar(select(OwnerSettings.default_country).where(OwnerSettings.user_id == owner_id))
    return country or DEFAULT_COUNTRY


def _locked(session: Session, channel_id: str) -> Call | None:
    return session.scalar(select(Call).where(Call.channel_id == channel_id).with_for_update())


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()} given; use a timezone-aware datetime")


def _seconds(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())
