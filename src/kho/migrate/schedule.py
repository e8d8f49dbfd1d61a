"""Sync schedules: ``daily HH:MM``, ``every N m|h|d``, ``hourly``, ``daily``; the next due time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from kho.errors import InvalidInput

_EVERY = re.compile(r"every\s+(\d+)\s*([mhd])", re.I)
_DAILY = re.compile(r"daily(?:\s+(\d{1,2}):(\d{2}))?", re.I)
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse(schedule: str) -> str:
    """The schedule normalised, or InvalidInput with the accepted forms."""
    text = " ".join(schedule.strip().lower().split())
    if text == "hourly":
        return "every 1h"
    if m := _EVERY.fullmatch(text):
        if int(m[1]) < 1:
            raise InvalidInput("A sync interval must be at least 1.")
        return f"every {int(m[1])}{m[2]}"
    if (m := _DAILY.fullmatch(text)) and (not m[1] or (int(m[1]) < 24 and int(m[2]) < 60)):
        return f"daily {int(m[1] or 2):02d}:{m[2] or '00'}"
    raise InvalidInput(
        f"Cannot read the schedule {schedule!r}.",
        hint="Use `daily 02:30`, `daily`, `hourly` or `every 30m` / `every 6h` / `every 1d`.",
    )


def next_after(schedule: str, after: datetime) -> datetime:
    """When the sync is next due after ``after`` (daily times are in ``after``'s time zone)."""
    text = parse(schedule)
    if m := _EVERY.fullmatch(text):
        return after + timedelta(**{_UNITS[m[2]]: int(m[1])})
    hour, minute = (int(x) for x in text.split()[1].split(":"))
    due = after.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return due if due > after else due + timedelta(days=1)


def frequency(schedule: str) -> str:
    """The catalog's update frequency matching the schedule (for freshness)."""
    text = parse(schedule)
    if text.startswith("daily"):
        return "daily"
    m = _EVERY.fullmatch(text)
    assert m is not None
    days = int(m[1]) / {"m": 1440, "h": 24, "d": 1}[m[2]]
    return "daily" if days <= 1 else "weekly" if days <= 7 else "monthly"
