"""Indicator tables of the metadata database, declared on the shared Base (migrations 0003, 0007)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kho.metadata.models import Base


class IndicatorRow(Base):
    """One indicator definition; ``definition`` holds the whole validated YAML entry."""

    __tablename__ = "kho_ind_indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    pack: Mapped[str | None] = mapped_column(String(64), index=True)
    name_vi: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(20))
    access_level: Mapped[str] = mapped_column(String(20))
    owner_org: Mapped[str | None] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ValueRow(Base):
    """A computed value for (indicator, period, unit) with the snapshot and query it came from."""

    __tablename__ = "kho_ind_values"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(64))
    period_id: Mapped[str] = mapped_column(String(16))
    org_code: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    n_rows: Mapped[int | None] = mapped_column(BigInteger)
    last_data: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(200))
    snapshot_id: Mapped[int | None] = mapped_column(BigInteger)
    sql: Mapped[str | None] = mapped_column(Text)
    lineage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("indicator_code", "period_id", "org_code"),
        Index("ix_kho_ind_values_period", "indicator_code", "period_id"),
    )


class FingerprintRow(Base):
    """Rows and checksum of one finest period of an indicator's source, to recompute only what changed."""

    __tablename__ = "kho_ind_fingerprints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(64))
    period_id: Mapped[str] = mapped_column(String(16))
    n_rows: Mapped[int] = mapped_column(BigInteger)
    checksum: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(200))
    snapshot_id: Mapped[int | None] = mapped_column(BigInteger)
    __table_args__ = (UniqueConstraint("indicator_code", "period_id"),)


class ReportedRow(Base):
    """A value entered by a unit for a reported indicator; its parent approves or returns it."""

    __tablename__ = "kho_ind_reported"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(64))
    org_code: Mapped[str] = mapped_column(String(200))
    period_id: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)  # migration 0007
    __table_args__ = (UniqueConstraint("indicator_code", "org_code", "period_id"),)


class ReportedDecisionRow(Base):
    """One approval or send-back of an entered value, kept when the unit corrects it (migration 0007)."""

    __tablename__ = "kho_ind_reported_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    indicator_code: Mapped[str] = mapped_column(String(64))
    org_code: Mapped[str] = mapped_column(String(200))
    period_id: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        Index("ix_kho_ind_reported_decisions_unit", "indicator_code", "org_code", "period_id"),
    )


class TargetRow(Base):
    """A target, never overwritten: top-down ``assigned`` or bottom-up ``proposed``, with who and when."""

    __tablename__ = "kho_ind_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(64), index=True)
    org_code: Mapped[str] = mapped_column(String(200))
    period_id: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
