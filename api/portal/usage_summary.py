"""The settings page's line on this month's calls out: minutes used of the monthly limit."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from api.context import AppContext
from assistant.store.usage import MonthlyUsage, OutboundUsage


def usage_summary(context: AppContext, owner_id: int) -> str:
    """What the owner has used of the monthly limit, and when it starts again."""
    usage = OutboundUsage(context.store).this_month(owner_id)
    return describe(usage) if usage is not None else ""


def describe(usage: MonthlyUsage) -> str:
    used = minutes_and_seconds(usage.used_s)
    if usage.limit_minutes is None:
        return f"This month you have talked {used} on calls you placed. There is no limit."
    resets = usage.resets_at.astimezone(ZoneInfo(usage.time_zone))
    left = minutes_and_seconds(usage.remaining_s or 0.0)
    return (
        f"This month: {used} used of {usage.limit_minutes} minutes, {left} left. "
        f"The count starts again on {resets:%-d %B %Y}."
    )


def minutes_and_seconds(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60} min {whole % 60:02d} s"
