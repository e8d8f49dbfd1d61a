"""Indicator SQL is built from validated parts only; scoring respects direction, ranges and pace."""

from __future__ import annotations

from datetime import date

import pytest

from kho.errors import InvalidInput
from kho.indicators import _sql, scoring
from kho.indicators.models import IndicatorDef, Measure, TableSource
from kho.indicators.orgtree import OrgTree, Resolver
from kho.indicators.periods import parse

COLUMNS = {"don_vi": "text", "ngay": "date", "hinh_thuc": "text", "phi": "integer", "ten": "text"}


def _source(**kw: object) -> TableSource:
    return TableSource.model_validate(
        {"dataset": "ho_so", "org_column": "don_vi", "date_column": "ngay", **kw}
    )


def test_filter_string_is_parsed_and_rendered_with_quoted_literals() -> None:
    m = _sql.parse_measure(
        Measure(
            aggregate="count(*) FILTER (WHERE hinh_thuc = 'Trực tuyến' AND ten IN ('O''Brien', 'x') AND phi IS NOT NULL)"
        )
    )
    assert [c.op for c in m.conditions] == ["=", "in", "not_null"]
    sql = _sql.render_measure(m)
    assert "'O''Brien'" in sql and "\"hinh_thuc\" = 'Trực tuyến'" in sql


@pytest.mark.parametrize(
    "bad",
    [
        "sum(phi); DROP TABLE x",
        "avg(phi)",
        "sum(*)",
        "count(*) FILTER (WHERE 1=1 OR 1=1)",
        "count(*) FILTER (WHERE ten = 'a'; select 1)",
        "count(read_csv('/etc/passwd'))",
        "count(*) FILTER (WHERE ten = lower('a'))",
    ],
)
def test_hostile_or_unknown_aggregates_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        _sql.parse_measure(Measure(aggregate=bad))


def test_unknown_columns_are_named_with_the_columns_that_exist() -> None:
    src = _source(
        numerator={"aggregate": "count(*)", "where": {"kenh": "x"}}, denominator="count(*)"
    )
    with pytest.raises(InvalidInput, match="'kenh' is not in table 'ho_so'; columns: don_vi, ngay"):
        _sql.validate_columns(src, COLUMNS)
    with pytest.raises(InvalidInput, match="not a date"):
        _sql.validate_columns(_source(aggregate="count(*)", date_column="ten"), COLUMNS)


def test_value_sql_pins_range_units_and_version() -> None:
    src = _source(
        numerator="count(*) FILTER (WHERE hinh_thuc = 'Trực tuyến')",
        denominator="count(*)",
        factor=100,
    )
    sql = _sql.value_sql(src, "ho_so@3", date(2025, 1, 1), date(2025, 3, 31), ["Hà Nội", None])
    assert 'FROM "ho_so@3"' in sql
    assert "\"ngay\" >= DATE '2025-01-01' AND \"ngay\" < DATE '2025-04-01'" in sql
    assert '("don_vi" IN (\'Hà Nội\') OR "don_vi" IS NULL)' in sql


def test_definition_needs_one_form_and_a_source() -> None:
    with pytest.raises(ValueError, match="either `aggregate`"):
        _source(aggregate="count(*)", numerator="count(*)", denominator="count(*)")
    with pytest.raises(ValueError, match="needs a `source`"):
        IndicatorDef(code="X", name_vi="x", type="computed")
    d = IndicatorDef(
        code="X",
        name_vi="x",
        source={
            "dataset": "d",
            "date_column": "n",  # type: ignore[arg-type]
            "numerator": "count(*)",
            "denominator": "count(*)",
        },
    )
    assert d.aggregation == "ratio" and not d.is_flow


def test_achievement_respects_direction_and_ranges() -> None:
    assert scoring.achievement(
        63, value=70, low=None, high=None, direction="higher"
    ) == pytest.approx(90)
    assert scoring.achievement(
        10, value=8, low=None, high=None, direction="lower"
    ) == pytest.approx(80)
    assert scoring.achievement(0, value=8, low=None, high=None, direction="lower") == 100
    assert scoring.achievement(5, value=None, low=4, high=6, direction="higher") == 100
    assert scoring.achievement(3, value=None, low=4, high=6, direction="higher") == pytest.approx(
        75
    )
    assert scoring.achievement(8, value=None, low=4, high=6, direction="higher") == pytest.approx(
        75
    )


def test_status_closed_and_open_periods() -> None:
    ratio = IndicatorDef(code="R", name_vi="r", unit="%", type="reported")
    count = IndicatorDef(code="C", name_vi="c", type="reported", aggregation="sum")
    q1 = parse("2025Q1")
    after, mid = date(2025, 4, 2), date(2025, 2, 14)  # mid: 45 of 90 days
    assert (
        scoring.status(ratio, q1, 70, value=70, low=None, high=None, today=after)[0] == "achieved"
    )
    assert scoring.status(ratio, q1, 69, value=70, low=None, high=None, today=after)[0] == "missed"
    assert scoring.status(ratio, q1, 67, value=70, low=None, high=None, today=mid)[0] == "on_track"
    assert scoring.status(ratio, q1, 60, value=70, low=None, high=None, today=mid)[0] == "at_risk"
    # a count half-way through the quarter is judged against half the target
    assert scoring.status(count, q1, 48, value=100, low=None, high=None, today=mid)[0] == "on_track"
    assert scoring.status(count, q1, 30, value=100, low=None, high=None, today=mid)[0] == "at_risk"
    assert (
        scoring.status(count, q1, 100, value=100, low=None, high=None, today=mid)[0] == "achieved"
    )
    assert (
        scoring.status(count, q1, None, value=100, low=None, high=None, today=mid)[0] == "no_data"
    )
    assert (
        scoring.status(count, q1, 5, value=None, low=None, high=None, today=mid)[0] == "no_target"
    )


def test_ranking_ties_and_direction() -> None:
    assert scoring.rank({"a": 50, "b": 80, "c": 80, "d": None}, direction="higher") == {
        "b": 1,
        "c": 1,
        "a": 3,
    }
    assert scoring.rank({"a": 50, "b": 80}, direction="lower") == {"a": 1, "b": 2}


def test_resolver_folds_spellings_and_applies_mergers() -> None:
    r = Resolver({"TP.HCM": "Hồ Chí Minh", "Bình Dương": "Hồ Chí Minh"}, {"Phường A": "Phường AB"})
    r.learn({"Hà Nội": 50, "HÀ NỘI": 3, "TP. Hà Nội": 2})
    assert {r.resolve(x) for x in ("Hà Nội", "HÀ NỘI", "TP. Hà Nội", "Ha Noi")} == {"Hà Nội"}
    assert r.resolve("Tp. Hồ Chí Minh") == r.resolve("BÌNH DƯƠNG") == "Hồ Chí Minh"
    assert r.resolve("Phường A") == "Phường AB"
    assert r.resolve(None) == "?"
    tree = OrgTree({"SO-A": "TINH", "TINH": None, "X": "Y", "Y": "X"})
    assert tree.chain("SO-A") == ["SO-A", "TINH", "ALL"]
    assert tree.chain("X") == ["X", "Y", "ALL"]  # a cycle is cut, not looped
