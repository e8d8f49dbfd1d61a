"""Stored times are UTC; SQLite hands them back naive. One place turns them into aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
@overload
def aware(value: datetime | None) -> datetime | None: ...
def aware(value: datetime | None) -> datetime | None:
    """The stored time as an aware UTC datetime (an aware one is returned unchanged)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
