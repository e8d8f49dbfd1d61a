"""Grant row filters render to SQL that only ever contains checked names and quoted values."""

from __future__ import annotations

import pytest

from kho.access import rowfilters
from kho.access.models import RowCondition
from kho.access.passwords import lock_for
from kho.errors import InvalidInput

COLS = {"tinh_thanh_pho", "le_phi_dong", "ma_thu_tuc"}


@pytest.mark.parametrize(
    ("cond", "sql"),
    [
        (RowCondition(column="tinh_thanh_pho", value="Hà Nội"), "\"tinh_thanh_pho\" = 'Hà Nội'"),
        (
            RowCondition(column="tinh_thanh_pho", op="!=", value="O'Brien"),
            "\"tinh_thanh_pho\" != 'O''Brien'",
        ),
        (RowCondition(column="le_phi_dong", op=">=", value=1000), '"le_phi_dong" >= 1000'),
        (RowCondition(column="le_phi_dong", op="<", value=2.5), '"le_phi_dong" < 2.5'),
        (
            RowCondition(column="ma_thu_tuc", op="in", value=["1.004227", "x'); DROP TABLE t; --"]),
            "\"ma_thu_tuc\" IN ('1.004227', 'x''); DROP TABLE t; --')",
        ),
        (RowCondition(column="ma_thu_tuc", value=None), '"ma_thu_tuc" IS NULL'),
        (RowCondition(column="ma_thu_tuc", op="!=", value=None), '"ma_thu_tuc" IS NOT NULL'),
    ],
)
def test_conditions_render_quoted(cond: RowCondition, sql: str) -> None:
    rowfilters.validate([cond], COLS)
    assert rowfilters.render([cond]) == sql


@pytest.mark.parametrize(
    ("cond", "words"),
    [
        (RowCondition(column="mat_khau", value="x"), "not in the dataset"),
        (RowCondition(column='a" OR 1=1 --', value="x"), "not in the dataset"),
        (RowCondition(column="ma_thu_tuc", op="in", value=[]), "non-empty list"),
        (RowCondition(column="ma_thu_tuc", op="=", value=["a"]), "only 'in'"),
        (RowCondition(column="le_phi_dong", op=">", value=None), "needs a value"),
        (RowCondition(column="le_phi_dong", op=">", value=float("nan")), "finite"),
    ],
)
def test_bad_conditions_are_refused(cond: RowCondition, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        rowfilters.validate([cond], COLS)


def test_hostile_column_never_reaches_sql_even_if_listed() -> None:
    with pytest.raises(InvalidInput, match="not a column name"):
        rowfilters.render([RowCondition(column='x"; DROP TABLE y; --', value=1)])


def test_several_grants_combine_with_or_and_and() -> None:
    a = rowfilters.render(
        [
            RowCondition(column="tinh_thanh_pho", value="Hà Nội"),
            RowCondition(column="le_phi_dong", op=">", value=0),
        ]
    )
    b = rowfilters.render([RowCondition(column="tinh_thanh_pho", value="Huế")])
    assert a == '("tinh_thanh_pho" = \'Hà Nội\' AND "le_phi_dong" > 0)'
    assert rowfilters.combine([a, b]) == f"({a} OR {b})"
    assert rowfilters.combine([a, None]) is None  # one unlimited grant lifts the row limit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tinh_thanh_pho=Hà Nội", RowCondition(column="tinh_thanh_pho", op="=", value="Hà Nội")),
        ("le_phi_dong >= 5", RowCondition(column="le_phi_dong", op=">=", value="5")),
        (
            "ma_thu_tuc in 1.004227, 2.000305",
            RowCondition(column="ma_thu_tuc", op="in", value=["1.004227", "2.000305"]),
        ),
    ],
)
def test_command_line_conditions_parse(text: str, expected: RowCondition) -> None:
    assert rowfilters.parse(text) == expected


def test_unreadable_condition_says_how_to_write_it() -> None:
    with pytest.raises(InvalidInput, match="column=value"):
        rowfilters.parse("1=1; DROP")


def test_lockout_backs_off_and_caps() -> None:
    assert lock_for(4) is None
    assert lock_for(5).total_seconds() == 30  # type: ignore[union-attr]
    assert lock_for(7).total_seconds() == 120  # type: ignore[union-attr]
    assert lock_for(40).total_seconds() == 3600  # type: ignore[union-attr]


def test_nul_characters_are_refused_before_and_at_rendering() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="NUL"):
        RowCondition(column="ma_thu_tuc", value="a\x00b")
    with pytest.raises(InvalidInput, match="NUL"):
        rowfilters.quote_value("a\x00b")
