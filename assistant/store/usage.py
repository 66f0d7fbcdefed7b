"""The owner's outbound talk time this month, against the monthly limit (rules in
``assistant.domain.outbound_rules``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, func, select

from assistant.domain.outbound_rules import month_bounds, remaining_s
from assistant.store.db import Store
from assistant.store.models import Call, OwnerSettings


@dataclass(frozen=True)
class MonthlyUsage:
    """Outbound talk time in the owner's current calendar month."""

    limit_minutes: int | None
    used_s: float
    month_start: datetime
    resets_at: datetime
    time_zone: str  # the owner's: the month is theirs

    @property
    def remaining_s(self) -> float | None:
        return remaining_s(self.limit_minutes, self.used_s)


class OutboundUsage:
    """Reads the owner's billable outbound talk time: calls placed for the owner (desk phones, the
    WebPhone, the assistant line), answered in the month; forwarded legs of inbound calls are not
    calls out."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def this_month(self, owner_id: int, now: datetime | None = None) -> MonthlyUsage | None:
        """The owner's limit and use in the current month of their time zone; None for an unknown owner."""
        now = now or datetime.now(UTC)
        with self._store.session() as session:
            row = session.get(OwnerSettings, owner_id)
            if row is None:
                return None
            start, end = month_bounds(now, row.time_zone)
            used = session.scalar(outbound_talk(owner_id, start, end))
            return MonthlyUsage(row.monthly_limit_minutes, float(used or 0.0), start, end, row.time_zone)


def outbound_talk(owner_id: int, start: datetime, end: datetime) -> Select:
    """The seconds of the owner's calls out answered from `start` to `end` (index
    ``ix_calls_owner_direction_answered``)."""
    return select(func.coalesce(func.sum(Call.talk_s), 0.0)).where(
        Call.owner_id == owner_id,
        Call.direction == "outbound",
        Call.parent_id.is_(None),
        Call.answered_at >= start,
        Call.answered_at < end,
    )
