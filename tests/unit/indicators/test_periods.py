"""Period ids, containment, roll-up and neighbours."""

from __future__ import annotations

from datetime import date

import pytest

from kho.errors import InvalidInput
from kho.indicators import periods


def test_ids_parse_to_the_right_days() -> None:
    assert (periods.parse("2025").start, periods.parse("2025").end) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    q1 = periods.parse("2025q1")
    assert (q1.id, q1.start, q1.end) == ("2025Q1", date(2025, 1, 1), date(2025, 3, 31))
    assert periods.parse("202402").end == date(2024, 2, 29)
    w = periods.parse("2025W05")
    assert (w.start, w.end) == (date(2025, 1, 27), date(2025, 2, 2))


@pytest.mark.parametrize(
    "bad", ["2025Q5", "202513", "2025W00", "2025W53", "25Q1", "", "2025-01", "1; DROP"]
)
def test_bad_ids_are_refused_with_the_forms(bad: str) -> None:
    with pytest.raises(InvalidInput, match="not a period id|has 52 weeks") as err:
        periods.parse(bad)
    assert "2025Q1" in str(err.value) or "weeks" in str(err.value)


def test_roll_up_month_quarter_year_and_weeks_by_thursday() -> None:
    assert periods.roll_up(periods.parse("202505"), "quarter").id == "2025Q2"
    assert periods.roll_up(periods.parse("202505"), "year").id == "2025"
    # 2024W01 starts on Monday 1 Jan 2024; 2025W01 starts on 30 Dec 2024 but its Thursday is in 2025
    assert periods.roll_up(periods.parse("2025W01"), "year").id == "2025"
    assert periods.parse("2025").contains(periods.parse("2025W01"))
    assert not periods.parse("2024").contains(periods.parse("2025W01"))
    with pytest.raises(InvalidInput, match="does not roll up"):
        periods.roll_up(periods.parse("2025W05"), "month")


def test_children_previous_and_year_before() -> None:
    assert [p.id for p in periods.children(periods.parse("2025Q2"), "month")] == [
        "202504",
        "202505",
        "202506",
    ]
    assert len(periods.children(periods.parse("2025"), "week")) == 52
    assert periods.parse("2025Q1").previous().id == "2024Q4"
    assert periods.parse("202501").previous().id == "202412"
    assert periods.parse("2025Q3").year_before().id == "2024Q3"
    assert periods.parse("2020W53").year_before().id == "2019W52"
    assert periods.parse("2026W53").year_before().id == "2025W52"


def test_fraction_elapsed() -> None:
    q = periods.parse("2025Q1")
    assert q.fraction_elapsed(date(2024, 12, 1)) == 0.0
    assert q.fraction_elapsed(date(2025, 2, 14)) == pytest.approx(45 / 90)
    assert q.fraction_elapsed(date(2026, 1, 1)) == 1.0
