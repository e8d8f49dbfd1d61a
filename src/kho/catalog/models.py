"""Catalog schemas named by role: what is created, updated and shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

AccessLevel = Literal["public", "internal", "restricted"]
Frequency = Literal["daily", "weekly", "monthly", "quarterly", "yearly", "irregular"]
Freshness = Literal["fresh", "due", "stale", "unknown"]
OrgCode = str
Slug = str

SLUG_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"


class DatasetCreate(BaseModel):
    slug: Slug = Field(pattern=SLUG_PATTERN)
    org_code: OrgCode
    title_vi: str = Field(min_length=1, max_length=500)
    title_en: str | None = None
    description_vi: str | None = None
    description_en: str | None = None
    sector: str | None = None
    keywords: list[str] = Field(default_factory=list)
    licence: str | None = "CC-BY-4.0"
    access_level: AccessLevel = "internal"
    update_frequency: Frequency | None = None
    source: str | None = None
    contact: str | None = None


class DatasetUpdate(BaseModel):
    title_vi: str | None = Field(default=None, min_length=1, max_length=500)
    title_en: str | None = None
    description_vi: str | None = None
    description_en: str | None = None
    sector: str | None = None
    keywords: list[str] | None = None
    licence: str | None = None
    access_level: AccessLevel | None = None
    update_frequency: Frequency | None = None
    source: str | None = None
    contact: str | None = None


class ColumnInfo(BaseModel):
    name: str
    label: str
    type: str
    type_detail: dict[str, Any] = Field(default_factory=dict)
    unit: str | None = None
    description_vi: str | None = None
    description_en: str | None = None


class ColumnUpdate(BaseModel):
    label: str | None = Field(default=None, min_length=1, max_length=500)
    unit: str | None = None
    description_vi: str | None = None
    description_en: str | None = None


class TableInfo(BaseModel):
    name: str
    sql_name: str
    source_format: str | None
    key_columns: list[str]
    row_count: int
    versions: int
    columns: list[ColumnInfo]


class DatasetSummary(BaseModel):
    slug: Slug
    org_code: OrgCode
    title_vi: str
    title_en: str | None
    sector: str | None
    access_level: AccessLevel
    update_frequency: str | None
    keywords: list[str]
    licence: str | None
    formats: list[str]
    freshness: Freshness
    last_loaded_at: datetime | None
    updated_at: datetime


class Dataset(DatasetSummary):
    description_vi: str | None
    description_en: str | None
    source: str | None
    contact: str | None
    created_at: datetime
    tables: list[TableInfo]


class SearchResult(BaseModel):
    total: int
    items: list[DatasetSummary]
    facets: dict[str, dict[str, int]]


class InventoryCreate(BaseModel):
    org_code: OrgCode
    title: str = Field(min_length=1, max_length=500)
    description: str | None = None
    format: str | None = None
    volume: str | None = None
    plan: str | None = None
    status: Literal["not_digitised", "digitised_not_loaded", "planned", "loaded"] = "not_digitised"


class InventoryItem(InventoryCreate):
    id: int
    created_at: datetime

    @field_validator("created_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        return v


class Organisation(BaseModel):
    code: OrgCode = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    name_vi: str = Field(min_length=1, max_length=500)
    name_en: str | None = None
    parent_code: OrgCode | None = None


class VersionInfo(BaseModel):
    """One version of a table: an Iceberg snapshot, numbered from 1 in commit order."""

    version: int
    snapshot_id: int
    committed_at: datetime
    operation: str
    added_rows: int
    deleted_rows: int
    total_rows: int
