"""Schema evolution and every way a load can fail: the table must be exactly as before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from kho.errors import KeyViolation, SchemaMismatch
from kho.warehouse import Warehouse
from tests.integration.warehouse.helpers import parquet_files, rows

T = "so_tc.thu_chi"


def base() -> pa.Table:
    return pa.table(
        {"ma": ["A", "B"], "ngay": [dt.date(2024, 1, 1), dt.date(2024, 1, 2)], "so": [1, 2]}
    )


def state(warehouse: Warehouse) -> tuple[int, list[tuple[object, ...]], list[str]]:
    return warehouse.snapshots(T)[-1].snapshot_id, rows(warehouse, T), warehouse.schema(T).names


def test_new_column_is_added_and_old_rows_read_null(warehouse: Warehouse) -> None:
    warehouse.write(T, [base()], mode="create")
    later = pa.table({"ma": ["C"], "ngay": [dt.date(2024, 2, 1)], "so": [3], "nguon": ["Sở TC"]})
    result = warehouse.write(T, [later], mode="append")
    assert result.schema_changes == ["added column nguon (string)"]
    assert warehouse.schema(T).names == ["ma", "ngay", "so", "nguon"]
    assert [r[3] for r in rows(warehouse, T)] == [None, None, "Sở TC"]


def test_missing_column_is_null_filled(warehouse: Warehouse) -> None:
    warehouse.write(T, [base()], mode="create")
    warehouse.write(T, [pa.table({"ma": ["C"]})], mode="append")
    assert rows(warehouse, T)[-1] == ("C", None, None)


def test_safe_widening_is_applied(warehouse: Warehouse) -> None:
    small = pa.table(
        {"ma": ["A"], "so": pa.array([1], pa.int32()), "ty_le": pa.array([0.5], pa.float32())}
    )
    warehouse.write(T, [small], mode="create")
    big = pa.table({"ma": ["B"], "so": pa.array([2**40], pa.int64()), "ty_le": [0.25]})
    result = warehouse.write(T, [big], mode="append")
    assert sorted(result.schema_changes) == [
        "widened column so from int to long",
        "widened column ty_le from float to double",
    ]
    assert rows(warehouse, T) == [("A", 1, 0.5), ("B", 2**40, 0.25)]


def test_incompatible_type_is_refused_and_table_unchanged(warehouse: Warehouse) -> None:
    warehouse.write(T, [base()], mode="create")
    before = state(warehouse)
    text_dates = pa.table({"ma": ["C"], "ngay": ["16/08/2024"], "so": [3]})
    for mode in ("append", "replace", "upsert"):
        with pytest.raises(SchemaMismatch) as err:
            warehouse.write(T, [text_dates], mode=mode, key=["ma"])  # type: ignore[arg-type]
        assert err.value.details["expected"] == {"ngay": "date"}
        assert err.value.details["found"] == {"ngay": "string"}
        assert err.value.hint
    assert state(warehouse) == before


def crashing(after: int) -> Iterator[pa.Table]:
    for i in range(after):
        yield pa.table(
            {"ma": [f"X{i}"] * 1000, "ngay": [dt.date(2024, 3, 1)] * 1000, "so": [i] * 1000}
        )
    raise OSError("disk unplugged while reading the source")


@pytest.mark.parametrize("mode", ["append", "replace", "upsert"])
def test_crash_mid_load_leaves_table_and_disk_unchanged(
    warehouse: Warehouse, tmp_path: Path, mode: str
) -> None:
    warehouse.write(T, [base()], mode="create")
    before, files = state(warehouse), parquet_files(tmp_path)
    with pytest.raises(OSError, match="unplugged"):
        warehouse.write(T, crashing(2), mode=mode, key=["ma"])  # type: ignore[arg-type]
    assert state(warehouse) == before
    assert parquet_files(tmp_path) == files


def test_crash_during_create_leaves_no_table(warehouse: Warehouse, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        warehouse.write(T, crashing(2), mode="create")
    assert not warehouse.exists(T)
    assert parquet_files(tmp_path) == set()


def test_later_batch_with_wrong_type_aborts_whole_load(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    warehouse.write(T, [base()], mode="create")
    before, files = state(warehouse), parquet_files(tmp_path)
    bad = pa.table({"ma": ["Z"], "ngay": [dt.date(2024, 1, 1)], "so": ["mười"]})
    with pytest.raises(SchemaMismatch):
        warehouse.write(T, [base(), bad], mode="append")
    assert state(warehouse) == before and parquet_files(tmp_path) == files


def test_upsert_with_duplicate_keys_names_them_and_changes_nothing(warehouse: Warehouse) -> None:
    warehouse.write(T, [base()], mode="create")
    before = state(warehouse)
    dup = pa.table({"ma": ["B", "C", "C", "C", "D", "D"], "so": [1, 2, 3, 4, 5, 6]})
    with pytest.raises(KeyViolation) as err:
        warehouse.write(T, [dup], mode="upsert", key=["ma"])
    assert "ma='C'" in err.value.message and "3 rows" in err.value.message
    assert err.value.message.startswith("2 key value(s)")
    assert state(warehouse) == before


def test_upsert_with_null_key_or_missing_key_column_is_refused(warehouse: Warehouse) -> None:
    warehouse.write(T, [base()], mode="create")
    before = state(warehouse)
    with pytest.raises(KeyViolation, match="empty key"):
        warehouse.write(T, [pa.table({"ma": ["E", None], "so": [1, 2]})], mode="upsert", key=["ma"])
    with pytest.raises(SchemaMismatch, match="khong_co"):
        warehouse.write(T, [base()], mode="upsert", key=["khong_co"])
    with pytest.raises(KeyViolation):
        warehouse.write(T, [base()], mode="upsert", key=[])
    assert state(warehouse) == before
