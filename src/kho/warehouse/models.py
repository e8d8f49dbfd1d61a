"""What the warehouse reports back: snapshots, write results and maintenance reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

WriteMode = Literal["create", "append", "replace", "upsert"]
TableIdent = str  # "namespace.table"


@dataclass(frozen=True)
class SnapshotInfo:
    """One version of a table, read from its metadata without scanning data."""

    snapshot_id: int
    parent_id: int | None
    committed_at: datetime
    operation: str
    added_rows: int
    deleted_rows: int
    total_rows: int
    summary: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteResult:
    """The snapshot a load committed, how many rows it wrote and how the schema changed."""

    snapshot_id: int
    rows_written: int
    rows_total: int
    schema_changes: list[str] = field(default_factory=list)


@dataclass
class MaintenanceReport:
    """What one maintenance run did to one table."""

    table: str
    files_before: int = 0
    files_after: int = 0
    snapshots_expired: int = 0
    orphans_deleted: int = 0
    retries: int = 0
    seconds: float = 0.0
