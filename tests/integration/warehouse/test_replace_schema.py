"""A replace that takes the incoming schema (`exact_schema`): a source whose column types changed.

`kho migrate --force` re-copies a table whose source column changed type: the new version has the
new types, every older version still reads with its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from kho.errors import InvalidInput, SchemaMismatch
from kho.warehouse import Warehouse
from tests.integration.warehouse.helpers import parquet_files, rows

T = "so_tc.le_phi"


def first_copy() -> pa.Table:
    return pa.table(
        {
            "ma": ["A", "B"],
            "so_tien": pa.array([50_000, 75_000], pa.int64()),
            "ngay": [dt.date(2024, 1, 5), None],
            "ghi_chu": ["x", "y"],
            "dem": pa.array([1, 2], pa.int32()),
        }
    )


def changed_copy() -> pa.Table:
    """so_tien now text, ngay now a timestamp, ghi_chu gone, dem widened to 64 bits."""
    return pa.table(
        {
            "ma": ["C"],
            "so_tien": ["năm mươi nghìn"],
            "ngay": [dt.datetime(2024, 2, 1, 8, 30)],
            "dem": pa.array([2**40], pa.int64()),
        }
    )


def test_exact_replace_writes_the_new_types_and_old_versions_keep_theirs(
    warehouse: Warehouse,
) -> None:
    warehouse.write(T, [first_copy()], mode="create")
    old = warehouse.snapshots(T)[-1].snapshot_id
    result = warehouse.write(T, [changed_copy()], mode="replace", exact_schema=True)
    assert sorted(result.schema_changes) == [
        "changed column ngay from date to timestamp",
        "changed column so_tien from long to string",
        "dropped column ghi_chu",
        "widened column dem from int to long",
    ]
    schema = warehouse.schema(T)
    assert schema.names == ["ma", "so_tien", "ngay", "dem"]  # retyped columns keep their place
    assert pa.types.is_string(schema.field("so_tien").type) or pa.types.is_large_string(
        schema.field("so_tien").type
    )
    assert rows(warehouse, T) == [("C", "năm mươi nghìn", dt.datetime(2024, 2, 1, 8, 30), 2**40)]
    assert rows(warehouse, T, snapshot_id=old) == [
        ("A", 50_000, dt.date(2024, 1, 5), "x", 1),
        ("B", 75_000, None, "y", 2),
    ]
    assert len(warehouse.snapshots(T)) == 2


def test_without_exact_schema_a_changed_type_is_still_refused(warehouse: Warehouse) -> None:
    warehouse.write(T, [first_copy()], mode="create")
    with pytest.raises(SchemaMismatch):
        warehouse.write(T, [changed_copy()], mode="replace")
    with pytest.raises(InvalidInput, match="Only a replace can change column types"):
        warehouse.write(T, [changed_copy()], mode="append", exact_schema=True)
    assert warehouse.schema(T).names == ["ma", "so_tien", "ngay", "ghi_chu", "dem"]


def _crashing() -> Iterator[pa.Table]:
    yield changed_copy()
    raise OSError("the source connection dropped")


def test_a_failed_exact_replace_leaves_rows_schema_and_disk_unchanged(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    warehouse.write(T, [first_copy()], mode="create")
    before = (rows(warehouse, T), warehouse.schema(T), parquet_files(tmp_path))
    with pytest.raises(OSError, match="dropped"):
        warehouse.write(T, _crashing(), mode="replace", exact_schema=True)
    assert (rows(warehouse, T), warehouse.schema(T), parquet_files(tmp_path)) == before
