"""Migration reports: per table, source and warehouse rows and per-column checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from kho.migrate import _tables as t

TableStatus = Literal["ok", "mismatch", "failed", "skipped", "running"]


class TableReport(BaseModel):
    """One source table in one run: rows read from the source, loaded, and rejected (kept apart
    with their values and reasons under ``load_id``: `kho datasets rejects DATASET`)."""

    source_table: str
    dataset: str
    status: str
    source_rows: int | None = None
    warehouse_rows: int | None = None
    rows_rejected: int = 0
    load_id: int | None = None
    key_columns: list[str] = Field(default_factory=list)
    columns: list[dict[str, Any]] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    error: str | None = None
    seconds: float | None = None


class MigrationReport(BaseModel):
    """One run of `kho migrate`: what was copied, what matched, what failed."""

    id: int
    source: str
    kind: str
    via: str = "duckdb"
    org_code: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    tables: list[TableReport]

    def counts(self) -> dict[str, int]:
        """How many tables ended in each status."""
        out: dict[str, int] = {}
        for table in self.tables:
            out[table.status] = out.get(table.status, 0) + 1
        return out


Loads = dict[tuple[str, int], tuple[int, int]]  # (dataset, snapshot) → (load id, rows rejected)


def table_report(row: t.MigrationTable, loads: Loads) -> TableReport:
    load_id, rejected = loads.get((row.dataset_slug, row.snapshot_id or 0), (None, 0))
    return TableReport(
        source_table=f"{row.source_schema}.{row.source_table}",
        dataset=row.dataset_slug,
        status=row.status,
        source_rows=row.source_rows,
        warehouse_rows=row.warehouse_rows,
        rows_rejected=rejected,
        load_id=load_id,
        key_columns=row.key_columns or [],
        columns=row.columns or [],
        notes=row.notes or [],
        error=row.error,
        seconds=row.seconds,
    )


def run_report(
    run: t.MigrationRun, rows: list[t.MigrationTable], loads: Loads | None = None
) -> MigrationReport:
    """The stored run with its tables; ``loads`` are the history rows each copy recorded."""
    return MigrationReport(
        id=run.id,
        source=run.source,
        kind=run.kind,
        via=(run.options or {}).get("via", "duckdb"),
        org_code=run.org_code,
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        tables=[table_report(r, loads or {}) for r in rows],
    )
