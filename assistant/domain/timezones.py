"""Local dates in the owner's time zone: day ranges to UTC instants, and spans of constant UTC offset.

An export "from 1 March to 31 March" means those days on the owner's wall clock; a database that
cannot convert time zones itself (SQLite) formats local times with a fixed offset per span, so
the range is cut where daylight saving time starts or ends. No I/O.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)


def day_range_utc(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """Return the UTC instants ``[start, end)`` covering the local days ``first`` to ``last`` inclusive.

    Raises:
        ValueError: When ``last`` is before ``first``.
    """
    if last < first:
        raise ValueError("the end date is before the start date")
    start = datetime.combine(first, time(0), zone).astimezone(UTC)
    end = datetime.combine(last + _DAY, time(0), zone).astimezone(UTC)
    return start, end


def offset_s(zone: tzinfo, at: datetime) -> int:
    """Return the zone's UTC offset in whole seconds at the UTC instant ``at``."""
    offset = at.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def offset_spans(start: datetime, end: datetime, zone: tzinfo) -> list[tuple[datetime, datetime, int]]:
    """Split the UTC interval ``[start, end)`` where the zone's offset changes.

    Returns:
        ``(span start, span end, offset in seconds)`` in order, covering the interval exactly;
        empty for an empty interval. Changes are found to the second.
    """
    spans: list[tuple[datetime, datetime, int]] = []
    if end <= start:
        return spans
    span_start = start
    current = offset_s(zone, start)
    probe = start  # always an instant where the offset is ``current``
    while probe < end:
        step_end = min(probe + _DAY, end)
        check = step_end if step_end < end else max(probe, end - _SECOND)
        if offset_s(zone, check) == current:
            probe = step_end
            continue
        low, high = int(probe.timestamp()), int(check.timestamp())
        while high - low > 1:
            middle = (low + high) // 2
            if offset_s(zone, datetime.fromtimestamp(middle, UTC)) == current:
                low = middle
            else:
                high = middle
        change = max(datetime.fromtimestamp(high, UTC), probe)
        spans.append((span_start, change, current))
        span_start, current, probe = change, offset_s(zone, change), change
    spans.append((span_start, end, current))
    return spans
