"""Times said the way a person says them: "today at 2:15 PM", "yesterday at 9 AM", "on March 3 at 4:05 PM"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def spoken_when(at: datetime, now: datetime, time_zone: str = "UTC") -> str:
    """When `at` was, relative to `now`, in the owner's time zone."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local, today = at.astimezone(zone), now.astimezone(zone).date()
    clock = local.strftime("%I:%M %p").lstrip("0").replace(":00 ", " ")
    days = (today - local.date()).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"yesterday at {clock}"
    if 1 < days < 7:
        return f"on {local.strftime('%A')} at {clock}"
    return f"on {local.strftime('%B')} {local.day} at {clock}"
