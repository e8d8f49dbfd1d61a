"""SQLAlchemy tables of the metadata database (schema changes go through Alembic migrations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "kho_organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_vi: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    parent_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Dataset(Base):
    __tablename__ = "kho_datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    org_code: Mapped[str] = mapped_column(String(64), index=True)
    title_vi: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    sector: Mapped[str | None] = mapped_column(String(200))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    licence: Mapped[str | None] = mapped_column(String(200))
    access_level: Mapped[str] = mapped_column(String(20), default="internal")
    update_frequency: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(500))
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_loaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    resources: Mapped[list[Resource]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", order_by="Resource.id"
    )


class Resource(Base):
    """A table of a dataset, stored as one Iceberg table."""

    __tablename__ = "kho_resources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("kho_datasets.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(63))
    sql_name: Mapped[str] = mapped_column(String(127), unique=True)
    iceberg_ident: Mapped[str] = mapped_column(String(255), unique=True)
    source_format: Mapped[str | None] = mapped_column(String(20))
    key_columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    dataset: Mapped[Dataset] = relationship(back_populates="resources")
    columns: Mapped[list[Column]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", order_by="Column.position"
    )
    __table_args__ = (UniqueConstraint("dataset_id", "name"),)


class Column(Base):
    """One entry of the data dictionary."""

    __tablename__ = "kho_columns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("kho_resources.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(63))
    label: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(20))
    type_detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unit: Mapped[str | None] = mapped_column(String(100))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    is_edited: Mapped[bool] = mapped_column(default=False)

    resource: Mapped[Resource] = relationship(back_populates="columns")
    __table_args__ = (UniqueConstraint("resource_id", "name"),)


class Load(Base):
    """One ingest run: what was read, what was inferred, what was rejected, which snapshot it made."""

    __tablename__ = "kho_loads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("kho_resources.id", ondelete="SET NULL"), index=True
    )
    dataset_slug: Mapped[str] = mapped_column(String(63), index=True)
    status: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))
    source_name: Mapped[str] = mapped_column(String(1000))
    source_format: Mapped[str | None] = mapped_column(String(20))
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_loaded: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    snapshot_id: Mapped[int | None] = mapped_column(BigInteger)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InventoryEntry(Base):
    """Data that exists but is not yet digitised or loaded."""

    __tablename__ = "kho_inventory"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_code: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(100))
    volume: Mapped[str | None] = mapped_column(String(200))
    plan: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default="not_digitised")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
