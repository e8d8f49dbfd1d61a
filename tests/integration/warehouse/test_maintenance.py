"""Maintenance: compaction keeps every row, old snapshots go, orphans go, racing writers win."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pyarrow as pa

from kho.warehouse import Warehouse
from tests.integration.warehouse.helpers import checksum, parquet_files

T = "so_nv.can_bo"


def small_batch(i: int) -> pa.Table:
    return pa.table({"id": list(range(i * 10, i * 10 + 10)), "ten": [f"Nguyễn Văn {i}"] * 10})


def test_maintain_compacts_expires_and_removes_orphans(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    for i in range(50):
        warehouse.write(T, [small_batch(i)], mode="append")
    before = checksum(warehouse, T)
    location = Path(warehouse.load(T).metadata.location.removeprefix("file://"))
    stale = location / "data" / "left-by-crashed-writer.parquet"
    fresh = location / "data" / "being-written-now.parquet"
    stale.write_bytes(b"PAR1")
    fresh.write_bytes(b"PAR1")
    os.utime(stale, (0, 0))
    report = warehouse.maintain(T, keep_snapshots=5, keep_days=0, orphan_grace_s=600)
    assert (report.files_before, report.files_after) == (50, 1)
    assert report.snapshots_expired == 46
    assert len(warehouse.snapshots(T)) == 5
    assert checksum(warehouse, T) == before == (500, before[1])
    assert warehouse.row_count(T) == 500
    assert not stale.exists() and fresh.exists()
    assert report.orphans_deleted == 1  # older data files are within the grace period


def test_maintain_without_grace_deletes_files_of_expired_snapshots(warehouse: Warehouse) -> None:
    for i in range(10):
        warehouse.write(T, [small_batch(i)], mode="append")
    before = checksum(warehouse, T)
    report = warehouse.maintain(T, keep_snapshots=1, keep_days=0, orphan_grace_s=0)
    location = Path(warehouse.load(T).metadata.location.removeprefix("file://"))
    assert len(parquet_files(location)) == 1
    assert report.orphans_deleted >= 10
    assert checksum(warehouse, T) == before


def test_maintain_on_a_tidy_table_changes_nothing(warehouse: Warehouse) -> None:
    warehouse.write(T, [small_batch(0)], mode="create")
    snapshot = warehouse.snapshots(T)[-1].snapshot_id
    report = warehouse.maintain(T)
    assert (report.files_before, report.files_after, report.snapshots_expired) == (1, 1, 0)
    assert warehouse.snapshots(T)[-1].snapshot_id == snapshot


def test_files_already_at_the_target_size_are_not_rewritten_on_every_run(
    warehouse: Warehouse,
) -> None:
    """Files a load cut at the target size are small on disk (Parquet compresses) but rewriting
    them gives as many files again: maintenance leaves them and their snapshot alone."""
    rows = 40_000
    table = pa.table(
        {"id": list(range(rows)), "ten": [f"Nguyễn Văn {i} ở Hà Nội" for i in range(rows)]}
    )
    warehouse.write(T, [table.slice(0, 1)], mode="create")
    warehouse.load(T).transaction().set_properties(
        {"write.target-file-size-bytes": str(table.nbytes // 5)}
    ).commit_transaction()
    warehouse.write(T, table.slice(1).to_batches(max_chunksize=2_000), mode="replace")
    location = Path(warehouse.load(T).metadata.location.removeprefix("file://"))
    files = parquet_files(location)
    snapshot = warehouse.snapshots(T)[-1].snapshot_id
    before = checksum(warehouse, T)

    report = warehouse.maintain(T, min_files_to_compact=2, orphan_grace_s=0)

    assert report.files_before >= 4 and report.files_after == report.files_before
    assert warehouse.snapshots(T)[-1].snapshot_id == snapshot
    assert checksum(warehouse, T) == before
    assert parquet_files(location) == files  # the discarded rewrite left nothing behind


def test_maintenance_racing_a_writer_loses_no_rows(warehouse: Warehouse, database_url: str) -> None:
    for i in range(12):
        warehouse.write(T, [small_batch(i)], mode="append")
    other = Warehouse(catalog_url=database_url, warehouse_uri=warehouse.warehouse_uri)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(100, 125):
                other.write(T, [small_batch(i)], mode="append")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    reports = [warehouse.maintain(T, keep_snapshots=3, keep_days=0, min_files_to_compact=2)]
    while thread.is_alive():
        reports.append(warehouse.maintain(T, keep_snapshots=3, keep_days=0, min_files_to_compact=2))
    thread.join(timeout=120)
    assert errors == []
    count, _ = checksum(warehouse, T)
    assert count == warehouse.row_count(T) == (12 + 25) * 10
    ids = warehouse.duck().sql(f"SELECT count(DISTINCT id) FROM {warehouse.scan_sql(T)}").fetchone()
    assert ids == (370,)
    print("maintenance runs:", len(reports), "retries:", sum(r.retries for r in reports))
