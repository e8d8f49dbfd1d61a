"""Freshness compares the last load with the declared update frequency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kho.catalog.freshness import freshness

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age_days", "frequency", "expected"),
    [
        (0.5, "daily", "fresh"),
        (1.5, "daily", "due"),
        (3, "daily", "stale"),
        (6, "weekly", "fresh"),
        (10, "weekly", "due"),
        (15, "weekly", "stale"),
        (80, "quarterly", "fresh"),
        (150, "quarterly", "due"),
        (200, "quarterly", "stale"),
        (300, "yearly", "fresh"),
        (800, "yearly", "stale"),
        (5, "irregular", "unknown"),
        (5, None, "unknown"),
    ],
)
def test_freshness_by_frequency(age_days: float, frequency: str | None, expected: str) -> None:
    assert freshness(NOW - timedelta(days=age_days), frequency, now=NOW) == expected


def test_never_loaded_is_unknown_and_naive_times_are_utc() -> None:
    assert freshness(None, "daily", now=NOW) == "unknown"
    assert freshness(datetime(2026, 11, 23, 6, 0), "daily", now=NOW) == "fresh"
