"""JSON, NDJSON and Parquet reading, and refusal of non-tabular JSON."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from kho.errors import SourceUnreadable
from kho.ingest.readers import open_source


def _json(tmp_path: Path, value: object, name: str = "t.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def _frame(path: Path) -> pl.DataFrame:
    return pl.concat(list(open_source(path).batches()))


def test_array_of_objects_is_flattened_and_keeps_native_types(tmp_path: Path) -> None:
    records = [
        {
            "ma": "01",
            "ten": "Hà Nội",
            "dan_so": 8435700,
            "ty_le": 0.5,
            "co": True,
            "toa_do": {"lat": 21.0, "lon": 105.8},
            "xa": ["a", "b"],
        },
        {"ma": "02", "ten": "Hà Giang", "dan_so": None, "ty_le": 1, "co": False, "moi": "x"},
    ]
    source = open_source(_json(tmp_path, records))
    assert source.info.headers == [
        "ma",
        "ten",
        "dan_so",
        "ty_le",
        "co",
        "toa_do.lat",
        "toa_do.lon",
        "xa",
        "moi",
    ]
    frame = pl.concat(list(source.batches()))
    assert frame["c0"].to_list() == ["01", "02"]
    assert frame["c2"].dtype == pl.Int64 and frame["c3"].dtype == pl.Float64
    assert frame["c4"].dtype == pl.Boolean
    assert frame["c7"].to_list() == ['["a", "b"]', None]
    assert frame["_line"].to_list() == [1, 2]


def test_positional_arrays_under_a_data_key_get_positional_names(tmp_path: Path) -> None:
    path = _json(
        tmp_path, {"savedAt": "09/10/2020", "data": [["BN1", "29", "Hà Nội"], ["BN2", "30", "Huế"]]}
    )
    source = open_source(path)
    assert not source.info.has_header
    assert source.info.headers == ["Cột 1", "Cột 2", "Cột 3"]
    assert any("savedAt" in w for w in source.info.warnings)
    assert _frame(path)["c1"].to_list() == ["29", "30"]


def test_array_of_arrays_with_a_string_header_row(tmp_path: Path) -> None:
    source = open_source(_json(tmp_path, [["ma", "so"], ["01", 5], ["02", 7]]))
    assert source.info.headers == ["ma", "so"] and source.info.has_header
    frame = pl.concat(list(source.batches()))
    assert frame["c1"].to_list() == [5, 7] and frame["_line"].to_list() == [2, 3]


def test_ndjson_is_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "t.ndjson"
    path.write_text('{"a": 1}\n\n{"a": 2, "b": "x"}\n', encoding="utf-8")
    frame = _frame(path)
    assert frame["c0"].to_list() == [1, 2] and frame["c1"].to_list() == [None, "x"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (42, "single int"),
        ({"a": 1, "b": "x"}, "without an array of records"),
        ([1, 2, 3], "non-record values"),
        ({"x": [{"a": 1}], "y": [{"b": 2}]}, "2 arrays"),
    ],
)
def test_non_tabular_json_is_refused_with_the_shape_found(
    tmp_path: Path, value: object, message: str
) -> None:
    with pytest.raises(SourceUnreadable, match=message) as error:
        open_source(_json(tmp_path, value))
    assert "Expected an array of objects" in str(error.value)


def test_broken_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('[{"a": 1},\n {"a": }]')
    with pytest.raises(SourceUnreadable, match="line 2, column 8"):
        open_source(path)


def test_parquet_streams_typed_batches(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame({"ma": ["01", "02", "03"], "n": [1, 2, 3]}).write_parquet(path)
    source = open_source(path)
    assert source.info.format == "parquet" and source.info.headers == ["ma", "n"]
    batches = list(source.batches(batch_rows=2))
    frame = pl.concat(batches)
    assert frame["c1"].dtype == pl.Int64 and frame["_line"].to_list() == [1, 2, 3]


def test_markdown_and_missing_files_are_refused(tmp_path: Path) -> None:
    md = tmp_path / "t.md"
    md.write_text("| a | b |\n|---|---|\n| 1 | 2 |\n")
    with pytest.raises(SourceUnreadable, match="Markdown"):
        open_source(md)
    with pytest.raises(SourceUnreadable, match="no such file"):
        open_source(tmp_path / "nope.csv")
