"""Column type inference and casting by the Vietnamese data rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kho.ingest.coltypes import ColumnType, cast_column, clean_text, infer_column


def infer(values: list[str | None], name: str = "") -> ColumnType:
    return infer_column(clean_text(pl.Series("c", values, dtype=pl.String)), name=name)


def load(values: list[str | None], name: str = "") -> tuple[ColumnType, list[object], list[str]]:
    """Infer then cast, as the pipeline does: the type, the values, the reject reasons."""
    s = clean_text(pl.Series("c", values, dtype=pl.String))
    ctype = infer_column(s, name=name)
    typed, why = cast_column(s, ctype)
    assert typed.len() == why.len() == len(values)
    return ctype, typed.to_list(), [w for w in why.to_list() if w is not None]


# --- clean_text -------------------------------------------------------------------------------


def test_clean_text_trims_normalises_and_nulls_markers() -> None:
    raw = [
        "  Hà Nội\u00a0",
        "Nguye\u0302\u0303n",
        "dòng 1_x000D_\ndòng 2",
        "\ufeffABC\u200b",
        "",
        "..",
        "…",
        "-",
        "—",
        "NA",
        "N/A",
        "#N/A",
        "null",
        None,
        "0",
    ]
    assert clean_text(pl.Series(raw)).to_list() == [
        "Hà Nội",
        "Nguyễn",
        "dòng 1\ndòng 2",
        "ABC",
        *[None] * 10,
        "0",
    ]


def test_a_repeating_column_is_cleaned_per_distinct_value_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kho.ingest import coltypes

    raw = [
        "  Hà Nội\u00a0",
        "Hà Nội",
        "Nguye\u0302\u0303n",
        "dòng 1_x000D_\ndòng 2",
        "..",
        "N/A",
        None,
        "",
        "Sở Tư pháp",
    ] * 3000
    series = pl.Series("c", raw, dtype=pl.String)
    grouped = clean_text(series)
    monkeypatch.setattr(coltypes, "CLEAN_DISTINCT_FROM", 10**9)
    assert grouped.equals(clean_text(series)) and grouped.name == "c"
    assert grouped.head(9).to_list() == [
        "Hà Nội", "Hà Nội", "Nguyễn", "dòng 1\ndòng 2", None, None, None, None, "Sở Tư pháp"
    ]  # fmt: skip


def test_clean_text_accepts_non_text_columns() -> None:
    assert clean_text(pl.Series([1, None])).to_list() == ["1", None]


# --- numbers ----------------------------------------------------------------------------------


def test_dot_thousands_decided_by_the_whole_column() -> None:
    ctype, values, rejects = load(["1.234.000", "12.500", "9.354"])
    assert (ctype.kind, ctype.number_style) == ("integer", "dot_thousands")
    assert values == [1_234_000, 12_500, 9_354] and rejects == []


def test_comma_decimal_after_dot_groups_is_dot_thousands() -> None:
    ctype, values, _ = load(["1.234,5", "7", "12,25"])
    assert (ctype.kind, ctype.number_style, ctype.scale) == ("decimal", "dot_thousands", 2)
    assert values == [Decimal("1234.50"), Decimal("7.00"), Decimal("12.25")]


def test_comma_thousands_with_dot_decimals() -> None:
    ctype, values, _ = load(["1,234,567.89", "12.5", "3"])
    assert (ctype.kind, ctype.number_style, ctype.scale) == ("decimal", "comma_thousands", 2)
    assert values[0] == Decimal("1234567.89")


def test_mixed_conventions_stay_text_with_a_warning() -> None:
    ctype, values, rejects = load(["1.234,5", "1,234.5", "2"])
    assert ctype.kind == "text"
    assert any("mixed number conventions" in w for w in ctype.warnings)
    assert values == ["1.234,5", "1,234.5", "2"] and rejects == []


def test_only_three_decimal_values_are_ambiguous_and_warned() -> None:
    ctype, values, _ = load(["557.717", "500.418", "88.650"])
    assert ctype.kind == "integer" and values == [557717, 500418, 88650]
    assert any("ambiguous" in w for w in ctype.warnings)


def test_negative_numbers_in_both_notations() -> None:
    _, values, _ = load(["-1.234", "(1.234)", "2.345.678"])
    assert values == [-1234, -1234, 2345678]


def test_percent_and_currency_are_removed_with_warnings() -> None:
    ctype, values, _ = load(["93,23%", "5,5%", "100%"])
    assert ctype.kind == "decimal" and values == [
        Decimal("93.23"),
        Decimal("5.50"),
        Decimal("100.00"),
    ]
    assert any("percent sign removed" in w for w in ctype.warnings)
    ctype, values, _ = load(["12.000 đ", "1.500.000 đồng", "3.000.000 VNĐ", "7.000.000VND"])
    assert values == [12000, 1500000, 3000000, 7000000]
    assert any("currency" in w for w in ctype.warnings)


def test_many_decimals_make_a_float_and_few_a_decimal() -> None:
    assert infer(["9.283225059509277", "1.5"]).kind == "float"
    assert infer(["0.123456789", "1.5"]).scale == 9


def test_brazil_decimal_comma_mixed_with_integers() -> None:
    ctype, values, _ = load(["135568,36", "112294", "2500,5"])
    assert (ctype.kind, ctype.number_style) == ("decimal", "dot_thousands")
    assert values == [Decimal("135568.36"), Decimal("112294.00"), Decimal("2500.50")]


# --- codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "name"),
    [
        (["00123", "123", "4567"], ""),
        (["01", "02", "79"], ""),
        (["0912345678", "0987654321"], "Điện thoại"),
        (["+84912345678", "+84987654321"], ""),
        (["001203004567", "079188000123"], "Số CCCD"),
        (["1.004227", "1.003180", "2.000345"], ""),
        (["123", "456"], "Mã hồ sơ"),
        (["123", "456"], "ma_tinh"),
        (["0101234567", "0312345678-001"], "MST"),
        (["12345678901234567890", "1"], ""),
    ],
)
def test_codes_stay_text_exactly_as_written(values: list[str], name: str) -> None:
    ctype, typed, rejects = load(values, name)
    assert ctype.kind == "text" and typed == values and rejects == []


def test_leading_zero_reason_is_reported() -> None:
    ctype = infer(["00123", "5"])
    assert "leading zeros" in " ".join(ctype.warnings)


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "fmt", "expected"),
    [
        (["08/4/1968", "28/11/1974"], "%d/%m/%Y", [dt.date(1968, 4, 8), dt.date(1974, 11, 28)]),
        (["16-08-2024", "01-7-2025"], "%d-%m-%Y", [dt.date(2024, 8, 16), dt.date(2025, 7, 1)]),
        (["16.08.2024", "5.7.2025"], "%d.%m.%Y", [dt.date(2024, 8, 16), dt.date(2025, 7, 5)]),
        (["16/08/24", "05/07/65"], "%d/%m/%y", [dt.date(2024, 8, 16), dt.date(1965, 7, 5)]),
        (["2024-08-16", "2025-07-01"], "%Y-%m-%d", [dt.date(2024, 8, 16), dt.date(2025, 7, 1)]),
    ],
)
def test_day_first_dates(values: list[str], fmt: str, expected: list[dt.date]) -> None:
    ctype, typed, rejects = load(values)
    assert (ctype.kind, ctype.date_format) == ("date", fmt)
    assert typed == expected and rejects == []


def test_05_07_is_the_fifth_of_july_never_may() -> None:
    _, typed, _ = load(["05/07/2025", "16/08/2024"])
    assert typed == [dt.date(2025, 7, 5), dt.date(2024, 8, 16)]


def test_month_first_value_is_rejected_not_swapped() -> None:
    values = [f"{d:02d}/{m:02d}/2020" for d in range(1, 29) for m in (1, 2, 3, 4)] + ["12/13/2024"]
    ctype, typed, rejects = load(values)
    assert ctype.kind == "date" and typed[-1] is None
    assert rejects == ["'12/13/2024' is not a dd/mm/yyyy date"]


def test_cast_rejects_impossible_dates_with_reasons() -> None:
    ctype = ColumnType("date", date_format="%d/%m/%Y")
    typed, why = cast_column(pl.Series(["31/02/2024", "1/1/65", None, "29/02/2024"]), ctype)
    assert typed.to_list() == [None, None, None, dt.date(2024, 2, 29)]
    assert why.to_list()[:3] == [
        "'31/02/2024' is not a dd/mm/yyyy date",
        "'1/1/65' is not a dd/mm/yyyy date",
        None,
    ]


def test_datetimes_with_and_without_seconds() -> None:
    ctype, typed, _ = load(["16/08/2024 08:30", "17/08/2024 10:11:12", "18/08/2024"])
    assert ctype.kind == "timestamp"
    assert typed == [
        dt.datetime(2024, 8, 16, 8, 30),
        dt.datetime(2024, 8, 17, 10, 11, 12),
        dt.datetime(2024, 8, 18),
    ]
    ctype, typed, _ = load(["2024-08-16T08:30:00", "2024-08-17 10:11:12.5"])
    assert ctype.kind == "timestamp" and typed[1] == dt.datetime(2024, 8, 17, 10, 11, 12, 500000)


def test_grade_levels_like_12_12_are_not_dates() -> None:
    assert infer(["12/12", "10/10", "9/12"]).kind == "text"


def test_years_outside_usual_range_are_warned() -> None:
    ctype = infer(["01/01/1800", "02/02/2020"])
    assert ctype.kind == "date" and any("1900–2100" in w for w in ctype.warnings)


def test_day_month_ambiguity_is_warned() -> None:
    assert any("ambiguous" in w for w in infer(["01/02/2024", "03/04/2024"]).warnings)
    assert not any("ambiguous" in w for w in infer(["01/02/2024", "23/04/2024"]).warnings)


# --- booleans ---------------------------------------------------------------------------------


def test_co_khong_and_dung_sai() -> None:
    assert load(["Có", "Không", "có", None])[1] == [True, False, True, None]
    assert load(["Đúng", "Sai", "ĐÚNG"])[1] == [True, False, True]


def test_x_and_blank_is_a_tick_box_column() -> None:
    ctype, typed, _ = load(["x", "", "X", None])
    assert ctype.kind == "boolean" and typed == [True, None, True, None]
    assert "x" in ctype.reason and "null" in ctype.reason


def test_one_and_zero_are_flags_only_when_the_header_says_so() -> None:
    assert infer(["1", "0", "1"], name="Có BHYT").kind == "boolean"
    assert infer(["1", "0", "1"], name="Số lượng").kind == "integer"


def test_a_lone_khong_is_an_answer_not_a_flag() -> None:
    assert infer(["Không"] * 48 + ["Phật giáo"], name="Tôn giáo").kind == "text"


# --- majority rule ----------------------------------------------------------------------------


def test_few_misfits_are_rejected_many_keep_text() -> None:
    values = [str(i) for i in range(1, 200)] + ["abc"]
    ctype, typed, rejects = load(values)
    assert ctype.kind == "integer" and typed[-1] is None
    assert rejects == ["'abc' is not a whole number written like 1234567"]
    ctype = infer([str(i) for i in range(1, 180)] + ["abc"] * 20)
    assert ctype.kind == "text" and "20 of 199" in " ".join(ctype.warnings)


def test_tiny_columns_allow_no_misfit() -> None:
    assert infer(["1", "2", "abc"]).kind == "text"


def test_empty_column_is_text() -> None:
    assert infer([None, "", "-"]).kind == "text"


# --- columns a reader already typed -------------------------------------------------------------


def test_native_types() -> None:
    assert infer_column(pl.Series([1.0, 2.0, None])).kind == "integer"
    assert infer_column(pl.Series([1.5, 2.0])).kind == "float"
    assert infer_column(pl.Series([dt.datetime(2024, 1, 1)])).kind == "date"
    assert infer_column(pl.Series([dt.datetime(2024, 1, 1, 8)])).kind == "timestamp"
    assert infer_column(pl.Series([True, None])).kind == "boolean"
    assert infer_column(pl.Series([7363122000191.0]), name="CNPJ").kind == "text"


def test_cast_native_float_codes_to_text_without_dot_zero() -> None:
    typed, _ = cast_column(pl.Series([7363122000191.0, 1.5, None]), ColumnType("text"))
    assert typed.to_list() == ["7363122000191", "1.5", None]


def test_cast_native_float_to_integer_rejects_fractions() -> None:
    typed, why = cast_column(pl.Series([3.0, 2.5]), ColumnType("integer"))
    assert typed.to_list() == [3, None] and why.to_list()[0] is None and why.to_list()[1]


@pytest.mark.parametrize(
    ("ctype", "arrow"),
    [
        (ColumnType("text"), pa.large_string()),
        (ColumnType("integer"), pa.int64()),
        (ColumnType("decimal", scale=2), pa.decimal128(38, 2)),
        (ColumnType("float"), pa.float64()),
        (ColumnType("date"), pa.date32()),
        (ColumnType("timestamp"), pa.timestamp("us")),
        (ColumnType("boolean"), pa.bool_()),
    ],
)
def test_arrow_types_match_the_cast_values(ctype: ColumnType, arrow: pa.DataType) -> None:
    assert ctype.arrow_type() == arrow
    sample = {
        "text": "a",
        "integer": "1",
        "decimal": "1,5",
        "float": "1,5",
        "date": "01/02/2024",
        "timestamp": "01/02/2024 10:00",
        "boolean": "Có",
    }[ctype.kind]
    ctype.number_style, ctype.date_format = "dot_thousands", "%d/%m/%Y %H:%M"
    typed, _ = cast_column(pl.Series([sample]), ctype)
    assert typed.to_arrow().type in (arrow, pa.large_string(), pa.string_view())


# --- real files ---------------------------------------------------------------------------------


def test_election_results_raw_columns(realdata: Path) -> None:
    path = realdata / "vn" / "elections_na15_2021" / "cema-district-results.csv"
    frame = pl.read_csv(path, infer_schema=False)
    votes = frame["votes_raw"]
    ctype, typed, rejects = load(votes.to_list())
    assert ctype.kind == "integer" and rejects == []
    assert typed == [int(v) for v in frame["votes"].to_list()]  # 557.717 is 557717
    ctype, typed, _ = load(frame["percent_raw"].to_list())
    assert ctype.kind == "decimal" and typed[0] == Decimal("93.23")
    assert [float(v) for v in typed] == [float(v) for v in frame["percent"].to_list()]


def test_candidate_list_dates_and_grades(realdata: Path) -> None:
    path = realdata / "vn" / "elections_na15_2021" / "candidates_1.1-26.csv"
    frame = pl.read_csv(path, infer_schema=False)
    ctype, typed, rejects = load(frame["Ngày tháng năm sinh"].to_list())
    assert ctype.kind == "date" and rejects == [] and None not in typed
    grade = frame["Trình độ học vấn - Giáo dục phổ thông"]
    assert infer(grade.to_list()).kind == "text"


def test_brazil_item_values(realdata: Path) -> None:
    path = realdata / "intl" / "br_lai_gastos_expresidentes" / "2016-2015_Dilma_hospedagem.csv"
    frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    ctype, typed, rejects = load(frame["VALOR DO ITEM "].to_list())
    assert (ctype.kind, ctype.number_style) == ("decimal", "dot_thousands") and rejects == []
    assert infer(frame["NUM_CNPJ_CPF"].to_list(), name="NUM_CNPJ_CPF").kind == "text"


# --- properties ---------------------------------------------------------------------------------


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def _write(value: Decimal, scale: int, style: str) -> str:
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):.{scale}f}".partition(".")
    thousands, point = {"dot_thousands": (".", ","), "comma_thousands": (",", ".")}[style]
    return sign + _group(whole, thousands) + (point + frac if frac else "")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["dot_thousands", "comma_thousands"]),
    st.sampled_from([0, 2]),
)
def test_numbers_round_trip_in_both_conventions(
    values: list[Decimal], style: str, scale: int
) -> None:
    big = Decimal("1234567.25")  # one unambiguous value, as real columns have
    numbers = [round(v, scale) for v in values] + [round(big, scale)]
    ctype, typed, rejects = load([_write(v, scale, style) for v in numbers])
    assert rejects == [] and ctype.kind in ("integer", "decimal")
    assert [Decimal(str(v)) for v in typed] == numbers


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
        min_size=1,
        max_size=40,
    ),
    st.booleans(),
)
def test_dates_round_trip_day_first(dates: list[dt.date], padded: bool) -> None:
    text = [
        f"{d.day:02d}/{d.month:02d}/{d.year}" if padded else f"{d.day}/{d.month}/{d.year}"
        for d in dates
    ]
    ctype, typed, rejects = load(text)
    assert ctype.kind == "date" and typed == dates and rejects == []


# --- columns that repeat: checked once per distinct value ---------------------------------------

REPEATING = {
    "dates with misfits": [f"{d:02d}/03/2024" for d in range(1, 29)] * 150 + ["31/02/2024", "x"],
    "dates, some ISO": [f"{d:02d}/11/2025" for d in range(1, 31)] * 100 + ["2025-11-05"] * 40,
    "ambiguous dates": [f"{d:02d}/{m:02d}/2024" for d in range(1, 13) for m in (1, 2)] * 200,
    "dot thousands": ["1.234.000", "15.000", "135.000", "0", "2.500,5"] * 900 + ["1,5 tỷ"] * 3,
    "comma thousands": ["1,234.5", "12.25", "900"] * 1500,
    "mixed conventions": ["1.234.567,5"] * 2000 + ["1,234,567.5"] * 2000,
    "percent": ["93,23%", "100%", "5,5%"] * 1000,
    "plain integers": [str(i % 97) for i in range(6000)],
    "leading zeros": ["012", "345", "078"] * 1000,
    "procedure codes": ["1.004227", "2.000815", "1.010728"] * 1000,
    "yes/no": ["Có", "Không"] * 2000 + ["?"] * 10,
    "only Không": ["Không"] * 3000,
    "x marks": ["x", "X"] * 1500,
    "mostly numbers": ["12", "15", "abc", "def"] * 1000,
}


@pytest.mark.parametrize("case", list(REPEATING))
def test_a_repeating_column_gets_the_same_type_and_counts_as_when_every_value_is_checked(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Distinct values weighted by their counts decide exactly what every value would."""
    from kho.ingest import _infer

    values = REPEATING[case]
    cleaned = clean_text(pl.Series("c", values, dtype=pl.String)).drop_nulls()
    assert _infer._values(cleaned).height < len(values) // 4  # really checked per distinct value
    grouped = infer(values)
    monkeypatch.setattr(_infer, "DISTINCT_FROM", 10**9)
    one_by_one = infer(values)
    assert grouped == one_by_one
    assert grouped.reason  # the counts in the reason were computed, not left out


@pytest.mark.parametrize(
    ("values", "ctype"),
    [
        (
            ["1.234.000", "15.000", "(2.500)", "135.000 đ", "x1", None] * 10_000,
            ColumnType("integer", number_style="dot_thousands"),
        ),
        (
            ["1,5", "2,25", "1.000,125", "0", "abc"] * 12_000,
            ColumnType("decimal", number_style="dot_thousands", scale=2),
        ),
        (
            ["05/03/2024", "31/02/2024", "2024-03-06", "7/3/2024", None] * 12_000,
            ColumnType("date", date_format="%d/%m/%Y"),
        ),
    ],
)
def test_casting_once_per_distinct_value_gives_every_cell_the_same_value_and_reason(
    values: list[str | None], ctype: ColumnType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kho.ingest import _cast

    series = pl.Series("c", values, dtype=pl.String)
    assert series.len() >= 50_000 and series.n_unique() * 4 < series.len()  # the distinct path
    typed, why = cast_column(series, ctype)
    monkeypatch.setattr(_cast, "_via_uniques", lambda s, parse: parse(s))
    one_by_one = cast_column(series, ctype)
    assert typed.equals(one_by_one[0]) and why.equals(one_by_one[1])
    assert typed.null_count() < typed.len() and why.null_count() < why.len()  # both kinds present
