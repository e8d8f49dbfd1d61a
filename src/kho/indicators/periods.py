"""Periods with stable DHIS2-style ids: year ``2025``, quarter ``2025Q1``, month ``202501``, ISO week ``2025W05``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from kho.errors import InvalidInput

PeriodType = Literal["year", "quarter", "month", "week"]
PeriodId = str
PERIOD_TYPES: tuple[PeriodType, ...] = ("year", "quarter", "month", "week")
_PATTERNS: dict[PeriodType, re.Pattern[str]] = {
    "year": re.compile(r"^(\d{4})$"),
    "quarter": re.compile(r"^(\d{4})Q([1-4])$"),
    "month": re.compile(r"^(\d{4})(0[1-9]|1[0-2])$"),
    "week": re.compile(r"^(\d{4})W(0[1-9]|[1-4]\d|5[0-3])$"),
}
_COARSER: dict[PeriodType, tuple[PeriodType, ...]] = {
    "month": ("quarter", "year"),
    "quarter": ("year",),
    "year": (),
    "week": ("year",),
}


@dataclass(frozen=True, order=True)
class Period:
    """One calendar period; ``start`` and ``end`` are both inclusive."""

    start: date
    end: date
    type: PeriodType
    id: PeriodId

    def contains(self, other: Period) -> bool:
        """Whether ``other`` lies inside this period (a week belongs where its Thursday falls)."""
        if other.type == "week":
            thursday = other.start + timedelta(days=3)
            return self.start <= thursday <= self.end
        return self.start <= other.start and other.end <= self.end

    def previous(self) -> Period:
        """The period of the same type just before (for quarter-over-quarter change)."""
        return of_date(self.start - timedelta(days=1), self.type)

    def year_before(self) -> Period:
        """The same period one year earlier (for year-over-year change)."""
        if self.type == "week":
            iso_year, week = int(self.id[:4]), int(self.id[5:])
            return parse(f"{iso_year - 1}W{min(week, _weeks_in(iso_year - 1)):02d}")
        return parse(str(int(self.id[:4]) - 1) + self.id[4:])

    def fraction_elapsed(self, today: date) -> float:
        """Share of the period's days that have passed by ``today`` (0..1)."""
        days = (self.end - self.start).days + 1
        passed = (min(today, self.end) - self.start).days + 1
        return max(0.0, min(1.0, passed / days))


def parse(period_id: str) -> Period:
    """The period for an id, or InvalidInput naming the accepted forms."""
    text = str(period_id).strip().upper()
    for kind, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if match:
            return _build(kind, int(match.group(1)), int(match.group(2)) if kind != "year" else 1)
    raise InvalidInput(
        f"Period {period_id!r} is not a period id.",
        hint="Use 2025 (year), 2025Q1 (quarter), 202501 (month) or 2025W05 (ISO week).",
    )


def _build(kind: PeriodType, year: int, index: int) -> Period:
    if kind == "year":
        return Period(date(year, 1, 1), date(year, 12, 31), kind, f"{year}")
    if kind == "quarter":
        start = date(year, 3 * index - 2, 1)
        return Period(start, _month_end(year, 3 * index), kind, f"{year}Q{index}")
    if kind == "month":
        return Period(date(year, index, 1), _month_end(year, index), kind, f"{year}{index:02d}")
    if index > _weeks_in(year):
        raise InvalidInput(
            f"ISO year {year} has {_weeks_in(year)} weeks; there is no week {index}."
        )
    start = date.fromisocalendar(year, index, 1)
    return Period(start, start + timedelta(days=6), kind, f"{year}W{index:02d}")


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


def of_date(day: date, kind: PeriodType) -> Period:
    """The period of the given type that contains ``day``."""
    if kind == "year":
        return _build("year", day.year, 1)
    if kind == "quarter":
        return _build("quarter", day.year, (day.month - 1) // 3 + 1)
    if kind == "month":
        return _build("month", day.year, day.month)
    if kind == "week":
        iso = day.isocalendar()
        return _build("week", iso[0], iso[1])
    raise InvalidInput(f"Unknown period type {kind!r}; use {', '.join(PERIOD_TYPES)}.")


def roll_up(period: Period, kind: PeriodType) -> Period:
    """The coarser period of type ``kind`` containing ``period`` (month → quarter → year; week → year)."""
    if kind == period.type:
        return period
    if kind not in _COARSER[period.type]:
        raise InvalidInput(
            f"A {period.type} does not roll up into a {kind}.",
            hint=f"{period.type} rolls up into: {', '.join(_COARSER[period.type]) or 'nothing'}.",
        )
    anchor = period.start + timedelta(days=3) if period.type == "week" else period.start
    if period.type == "week":
        return _build("year", anchor.isocalendar()[0], 1)
    return of_date(anchor, kind)


def children(period: Period, kind: PeriodType) -> list[Period]:
    """The finer periods of type ``kind`` that make up ``period``, in order."""
    if kind == period.type:
        return [period]
    if period.type not in _COARSER[kind]:
        raise InvalidInput(f"A {period.type} is not made of {kind}s.")
    found: list[Period] = []
    day = period.start
    while day <= period.end:
        p = of_date(day, kind)
        if period.contains(p) and (not found or found[-1] != p):
            found.append(p)
        day = p.end + timedelta(days=1)
    return found


def is_closed(period: Period, today: date) -> bool:
    """Whether the period has ended before ``today``."""
    return period.end < today
