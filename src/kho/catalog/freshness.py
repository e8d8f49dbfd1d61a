"""Freshness: how old the last load is compared with the declared update frequency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kho.catalog.models import Freshness

PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "yearly": 366}


def freshness(
    last_loaded_at: datetime | None, frequency: str | None, *, now: datetime | None = None
) -> Freshness:
    """fresh within one period, due within two, stale beyond; unknown without a schedule or a load."""
    days = PERIOD_DAYS.get(frequency or "")
    if not days or last_loaded_at is None:
        return "unknown"
    now = now or datetime.now(UTC)
    if last_loaded_at.tzinfo is None:
        last_loaded_at = last_loaded_at.replace(tzinfo=UTC)
    age = now - last_loaded_at
    if age <= timedelta(days=days):
        return "fresh"
    if age <= timedelta(days=2 * days):
        return "due"
    return "stale"
