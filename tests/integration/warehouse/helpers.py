"""Reading Kho tables back through DuckDB for assertions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kho.warehouse import Warehouse


def rows(
    warehouse: Warehouse, ident: str, *, snapshot_id: int | None = None
) -> list[tuple[Any, ...]]:
    """All rows of a table (or snapshot), sorted, read through DuckDB's iceberg_scan."""
    con = warehouse.duck()
    scan = warehouse.scan_sql(ident, snapshot_id=snapshot_id)
    table = con.sql(f"SELECT * FROM {scan}").arrow().read_all()
    return sorted(tuple(r.values()) for r in table.to_pylist())


def checksum(warehouse: Warehouse, ident: str) -> tuple[int, int]:
    """Row count and order-independent hash sum of every row."""
    con = warehouse.duck()
    names = ", ".join(warehouse.schema(ident).names)
    sql = f"SELECT count(*), sum(hash({names}))::HUGEINT FROM {warehouse.scan_sql(ident)}"
    count, digest = con.sql(sql).fetchone()  # type: ignore[misc]
    return int(count), int(digest)


def parquet_files(root: Path) -> set[Path]:
    """Every Parquet file under a directory."""
    return set(root.rglob("*.parquet"))
