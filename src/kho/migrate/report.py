"""Migration reports: per table, source and warehouse rows and per-column checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from kho.migrate import _tables as t

TableStatus = Literal["ok", "mismatch", "failed", "skipped", "running"]


class TableReport(BaseModel):
    """One source table in one run."""

    source_table: str
    dataset: str
    status: str
    source_rows: int | None = None
    warehouse_rows: int | None = None
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


def table_report(row: t.MigrationTable) -> TableReport:
    return TableReport(
        source_table=f"{row.source_schema}.{row.source_table}",
        dataset=row.dataset_slug,
        status=row.status,
        source_rows=row.source_rows,
        warehouse_rows=row.warehouse_rows,
        key_columns=row.key_columns or [],
        columns=row.columns or [],
        notes=row.notes or [],
        error=row.error,
        seconds=row.seconds,
    )


def run_report(run: t.MigrationRun, rows: list[t.MigrationTable]) -> MigrationReport:
    return MigrationReport(
        id=run.id,
        source=run.source,
        kind=run.kind,
        via=(run.options or {}).get("via", "duckdb"),
        org_code=run.org_code,
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        tables=[table_report(r) for r in rows],
    )
