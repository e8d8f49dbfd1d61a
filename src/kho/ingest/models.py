"""The load report: what was read, what was inferred for each column, what was rejected and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Mode = Literal["create", "append", "replace", "upsert"]
MODES: tuple[Mode, ...] = ("create", "append", "replace", "upsert")


class ColumnReport(BaseModel):
    header: str
    name: str
    type: str
    detail: dict[str, Any] = Field(default_factory=dict)
    reason: str = ""
    null_count: int = 0
    rejected: int = 0
    examples: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class SkippedRowReport(BaseModel):
    line: int
    kind: str
    text: str


class SourceReport(BaseModel):
    name: str
    format: str
    size_bytes: int
    encoding: str | None = None
    legacy_encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = Field(default_factory=list)
    header_lines: list[int] = Field(default_factory=list)
    skipped: list[SkippedRowReport] = Field(default_factory=list)


class LoadReport(BaseModel):
    load_id: int
    dataset: str
    table: str
    sql_name: str
    mode: Mode
    status: Literal["succeeded", "failed"]
    source: SourceReport
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    snapshot_id: int | None = None
    version: int | None = None
    columns: list[ColumnReport] = Field(default_factory=list)
    reject_reasons: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    schema_changes: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    started_at: datetime | None = None


class LoadSummary(BaseModel):
    load_id: int
    dataset: str
    status: str
    mode: str
    source_name: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    snapshot_id: int | None
    error: str | None
    actor: str
    started_at: datetime
    finished_at: datetime | None


class Reject(BaseModel):
    load_id: int
    line: int
    column: str | None
    value: str | None
    reason: str
