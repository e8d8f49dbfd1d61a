"""Migration and sync tables of the metadata database, declared on the shared Base (migration 0004)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kho.metadata.models import Base


class MigrationRun(Base):
    """One `kho migrate` invocation over a source database."""

    __tablename__ = "kho_mig_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(20))
    org_code: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MigrationTable(Base):
    """What happened to one source table in one run: counts, checksums, conversions, error."""

    __tablename__ = "kho_mig_tables"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer, index=True)
    source: Mapped[str] = mapped_column(String(1000), index=True)
    source_schema: Mapped[str] = mapped_column(String(200))
    source_table: Mapped[str] = mapped_column(String(200))
    dataset_slug: Mapped[str] = mapped_column(String(63))
    status: Mapped[str] = mapped_column(String(20))
    source_rows: Mapped[int | None] = mapped_column(BigInteger)
    warehouse_rows: Mapped[int | None] = mapped_column(BigInteger)
    key_columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    snapshot_id: Mapped[int | None] = mapped_column(BigInteger)
    seconds: Mapped[float | None] = mapped_column(Float)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SyncDefinition(Base):
    """A stored daily (or interval) sync of some tables of one source database."""

    __tablename__ = "kho_mig_syncs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    source: Mapped[str] = mapped_column(String(1000))
    org_code: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str | None] = mapped_column(String(40))
    tables: Mapped[list[str]] = mapped_column(JSON, default=list)
    mode: Mapped[str] = mapped_column(String(20))
    watermark_column: Mapped[str | None] = mapped_column(String(200))
    schedule: Mapped[str] = mapped_column(String(40))
    watermarks: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status: Mapped[str | None] = mapped_column(String(20))
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SyncRun(Base):
    """One attempt of a sync: per-table changes, or the error that stopped it."""

    __tablename__ = "kho_mig_sync_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sync_name: Mapped[str] = mapped_column(String(63), index=True)
    status: Mapped[str] = mapped_column(String(20))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    tables: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
