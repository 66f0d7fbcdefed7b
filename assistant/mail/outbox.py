"""The mail outbox: messages are written to the database first and delivered by the sender later.

A message is claimed for a short lease before an attempt, so two senders never deliver it twice;
after a failure it waits with exponential backoff. It leaves the outbox only as `sent`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from assistant.store.db import Store
from assistant.store.models import OutboxMessage

FIRST_RETRY_S = 5.0
MAX_RETRY_S = 600.0
CLAIM_LEASE_S = 120.0


@dataclass(frozen=True)
class Pending:
    id: int
    message_id: str
    recipients: list[str]
    body: bytes
    attempts: int


def new_message_id(domain: str = "smart-number.local") -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"


def retry_delay_s(attempts: int) -> float:
    """Backoff after `attempts` failed attempts: 5 s, 10 s, 20 s... up to 10 minutes."""
    return min(FIRST_RETRY_S * 2 ** max(0, attempts - 1), MAX_RETRY_S)


class Outbox:
    """Queue, claim and settle outgoing mail."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def enqueue(
        self,
        message_id: str,
        recipients: list[str],
        subject: str,
        body: bytes,
        voicemail_id: int | None = None,
    ) -> int:
        with self._store.write() as session:
            row = OutboxMessage(
                message_id=message_id,
                recipients=list(recipients),
                subject=subject,
                body=body,
                voicemail_id=voicemail_id,
            )
            session.add(row)
            session.flush()
            return row.id

    def claim_due(self, now: datetime, limit: int = 10) -> list[Pending]:
        """Messages whose time has come and that no other sender holds, leased to the caller."""
        with self._store.write() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == "queued",
                    OutboxMessage.next_attempt_at <= now,
                    or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                row.claimed_until = now + timedelta(seconds=CLAIM_LEASE_S)
            return [Pending(r.id, r.message_id, list(r.recipients), bytes(r.body), r.attempts) for r in rows]

    def mark_sent(self, outbox_id: int, now: datetime) -> None:
        with self._store.write() as session:
            row = session.get(OutboxMessage, outbox_id)
            row.status, row.sent_at, row.claimed_until, row.last_error = "sent", now, None, None
            row.attempts += 1

    def mark_failed(self, outbox_id: int, now: datetime, error: str) -> datetime:
        with self._store.write() as session:
            row = session.get(OutboxMessage, outbox_id)
            row.attempts += 1
            row.last_error = error[:2000]
            row.claimed_until = None
            row.next_attempt_at = now + timedelta(seconds=retry_delay_s(row.attempts))
            return row.next_attempt_at

    def counts(self) -> dict[str, int]:
        with self._store.session() as session:
            rows = session.execute(select(OutboxMessage.status)).scalars().all()
        return {status: rows.count(status) for status in set(rows)}
