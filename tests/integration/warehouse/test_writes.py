"""Create, append, replace and upsert: what a data officer sees after each load."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from kho.errors import Conflict, InvalidInput, NotFound
from kho.warehouse import Warehouse
from tests.integration.warehouse.helpers import parquet_files, rows

T = "so_yte.ho_so"


def dossiers(ids: list[int], status: str = "mới") -> pa.Table:
    return pa.table({"ma": pa.array(ids, pa.int64()), "trang_thai": [status] * len(ids)})


def test_create_stores_vietnamese_types_that_duckdb_reads_back(warehouse: Warehouse) -> None:
    data = pa.table(
        {
            "ma_ho_so": ["000123", "1.004227"],
            "ngay_tiep_nhan": pa.array([dt.date(2024, 8, 16), dt.date(2025, 7, 5)]),
            "luc": pa.array([dt.datetime(2024, 8, 16, 8, 30, 1, 123456)] * 2, pa.timestamp("ns")),
            "luc_utc": pa.array([dt.datetime(2024, 8, 16, 1, 30, tzinfo=dt.UTC)] * 2),
            "so_tien": pa.array([Decimal("1234567.89"), Decimal("-0.01")], pa.decimal128(14, 2)),
            "dung_han": [True, None],
        }
    )
    result = warehouse.write(T, [data], mode="create")
    assert result.rows_written == result.rows_total == 2
    got = warehouse.duck().sql(f"SELECT * FROM {warehouse.scan_sql(T)} ORDER BY so_tien").arrow()
    table = got.read_all()
    assert table.column("ma_ho_so").to_pylist() == ["1.004227", "000123"]
    assert table.column("ngay_tiep_nhan").to_pylist()[1] == dt.date(2024, 8, 16)
    assert table.column("luc").to_pylist()[0] == dt.datetime(2024, 8, 16, 8, 30, 1, 123456)
    assert table.column("luc_utc").cast(pa.timestamp("us", "UTC")).to_pylist()[0] == dt.datetime(
        2024, 8, 16, 1, 30, tzinfo=dt.UTC
    )
    assert table.column("so_tien").to_pylist() == [Decimal("-0.01"), Decimal("1234567.89")]
    assert warehouse.row_count(T) == 2
    assert warehouse.list_tables() == [T] and warehouse.list_tables("so_yte") == [T]


def test_data_files_are_iceberg_files_other_engines_can_read(warehouse: Warehouse) -> None:
    """Files carry Iceberg's field ids and are described by their own footers: pyiceberg (as
    Spark or Trino would) reads back every value, and the manifest's counts and bounds are true."""
    import pyarrow.parquet as pq
    from pyiceberg.conversions import from_bytes

    data = pa.table(
        {
            "ten": ["Nguyễn Văn A", None, "Đỗ Thị B'ê"],
            "so": pa.array([3, -7, None], pa.int64()),
            "tien": pa.array([Decimal("1.25"), None, Decimal("-99.10")], pa.decimal128(38, 2)),
            "ty_le": [0.5, None, 2.25],
            "ngay": pa.array([dt.date(2025, 7, 1), dt.date(1999, 12, 31), None]),
            "luc": pa.array([dt.datetime(2025, 1, 2, 3, 4, 5), None, None], pa.timestamp("us")),
            "dung": [True, False, None],
        }
    )
    warehouse.write(T, [data], mode="create")
    table = warehouse.load(T)
    back = table.scan().to_arrow().sort_by("ten")
    assert back.to_pylist() == data.sort_by("ten").to_pylist()
    [task] = list(table.scan().plan_files())
    ids = {f.name: f.field_id for f in table.schema().fields}
    path = task.file.file_path.removeprefix("file://")
    arrow_schema = pq.read_schema(path)
    assert {f.name: int(f.metadata[b"PARQUET:field_id"]) for f in arrow_schema} == ids
    assert task.file.record_count == 3
    assert task.file.null_value_counts[ids["so"]] == 1
    assert task.file.null_value_counts[ids["luc"]] == 2
    so_type = table.schema().find_field("so").field_type
    assert from_bytes(so_type, task.file.lower_bounds[ids["so"]]) == -7
    assert from_bytes(so_type, task.file.upper_bounds[ids["so"]]) == 3


def test_create_refuses_existing_table_and_points_to_other_modes(warehouse: Warehouse) -> None:
    warehouse.write(T, [dossiers([1])], mode="create")
    with pytest.raises(Conflict) as err:
        warehouse.write(T, [dossiers([2])], mode="create")
    assert "--mode append" in str(err.value)
    assert rows(warehouse, T) == [(1, "mới")]


@pytest.mark.parametrize("mode", ["append", "replace", "upsert"])
def test_other_modes_create_a_missing_table(warehouse: Warehouse, mode: str) -> None:
    warehouse.write(T, [dossiers([1, 2])], mode=mode, key=["ma"])  # type: ignore[arg-type]
    assert rows(warehouse, T) == [(1, "mới"), (2, "mới")]


def test_append_streams_many_batches_into_one_snapshot(warehouse: Warehouse) -> None:
    batches = (dossiers(list(range(i * 100, i * 100 + 100))) for i in range(20))
    result = warehouse.write(T, batches, mode="append")
    assert (result.rows_written, warehouse.row_count(T)) == (2000, 2000)
    assert len(warehouse.snapshots(T)) == 1


def test_one_big_table_is_cut_into_target_sized_files(warehouse: Warehouse) -> None:
    """A load held in memory arrives as one table; it is still written as several files of the
    table's target size (written side by side), all in one snapshot."""
    big = dossiers(list(range(300_000)), status="đã tiếp nhận hồ sơ trực tuyến")
    warehouse.write(T, [big.slice(0, 10)], mode="create")
    warehouse.load(T).transaction().set_properties(
        {"write.target-file-size-bytes": str(big.nbytes // 3)}
    ).commit_transaction()
    location = Path(warehouse.load(T).metadata.location.removeprefix("file://"))
    before = parquet_files(location)

    warehouse.write(T, [big], mode="replace")

    assert len(parquet_files(location) - before) >= 3
    assert warehouse.row_count(T) == 300_000 and len(warehouse.snapshots(T)) == 2
    assert rows(warehouse, T)[-1] == (299_999, "đã tiếp nhận hồ sơ trực tuyến")


def test_earlier_snapshot_stays_queryable_after_second_load(warehouse: Warehouse) -> None:
    first = warehouse.write(T, [dossiers([1, 2])], mode="create")
    second = warehouse.write(T, [dossiers([3])], mode="append")
    snaps = warehouse.snapshots(T)
    assert [s.snapshot_id for s in snaps] == [first.snapshot_id, second.snapshot_id]
    assert [(s.added_rows, s.total_rows) for s in snaps] == [(2, 2), (1, 3)]
    assert snaps[1].parent_id == first.snapshot_id
    assert rows(warehouse, T, snapshot_id=first.snapshot_id) == [(1, "mới"), (2, "mới")]
    assert len(rows(warehouse, T)) == 3


def test_unknown_snapshot_lists_the_valid_ones(warehouse: Warehouse) -> None:
    first = warehouse.write(T, [dossiers([1])], mode="create")
    with pytest.raises(NotFound) as err:
        warehouse.scan_sql(T, snapshot_id=123)
    assert str(first.snapshot_id) in str(err.value)


def test_replace_swaps_all_rows_but_keeps_history(warehouse: Warehouse) -> None:
    first = warehouse.write(T, [dossiers([1, 2, 3])], mode="create")
    result = warehouse.write(T, [dossiers([9], "xong")], mode="replace")
    assert rows(warehouse, T) == [(9, "xong")]
    assert result.rows_total == warehouse.row_count(T) == 1
    assert warehouse.snapshots(T)[-1].operation == "overwrite"
    assert len(rows(warehouse, T, snapshot_id=first.snapshot_id)) == 3


def test_upsert_replaces_matching_keys_appends_new_and_keeps_others(warehouse: Warehouse) -> None:
    warehouse.write(T, [dossiers([1, 2, 3])], mode="create")
    incoming = pa.table({"ma": pa.array([3, 4], pa.int32()), "trang_thai": ["xong", "mới"]})
    result = warehouse.write(T, [incoming], mode="upsert", key=["ma"])
    assert rows(warehouse, T) == [(1, "mới"), (2, "mới"), (3, "xong"), (4, "mới")]
    assert (result.rows_written, result.rows_total) == (2, 4)


def test_upsert_on_compound_key(warehouse: Warehouse) -> None:
    base = pa.table({"tinh": ["01", "01", "79"], "nam": [2024, 2025, 2024], "so": [1, 2, 3]})
    warehouse.write(T, [base], mode="create")
    new = pa.table({"tinh": ["01", "79"], "nam": [2025, 2025], "so": [20, 30]})
    warehouse.write(T, [new], mode="upsert", key=["tinh", "nam"])
    assert rows(warehouse, T) == [
        ("01", 2024, 1),
        ("01", 2025, 20),
        ("79", 2024, 3),
        ("79", 2025, 30),
    ]


def test_empty_input_and_bad_names_are_refused(warehouse: Warehouse) -> None:
    with pytest.raises(InvalidInput):
        warehouse.write(T, [], mode="create")
    with pytest.raises(InvalidInput):
        warehouse.write("no_namespace", [dossiers([1])], mode="create")
    with pytest.raises(InvalidInput):
        warehouse.write("a.b'; DROP", [dossiers([1])], mode="create")
    with pytest.raises(NotFound):
        warehouse.row_count("so_yte.khong_co")


def test_drop_deletes_table_and_files(warehouse: Warehouse, tmp_path: Path) -> None:
    warehouse.write(T, [dossiers([1])], mode="create")
    warehouse.write(T, [dossiers([2])], mode="append")
    warehouse.drop(T)
    assert not warehouse.exists(T)
    assert parquet_files(tmp_path / "not-yet") == set()
    with pytest.raises(NotFound):
        warehouse.drop(T)
