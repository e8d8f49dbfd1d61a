"""Catalog and table rows: /api/v1/datasets…"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.errors import InvalidInput
from kho.platform import Platform
from kho.web.deps import ActorDep, PlatformDep

router = APIRouter(prefix="/api/v1", tags=["datasets"])
RESERVED = {"_limit", "_offset", "_sort", "_columns", "_version", "table"}


def comma_list(text: str | None) -> list[str]:
    return [part for part in (text or "").split(",") if part]


def table_and_filters(
    platform: Platform, actor: Actor, slug: str, table: str | None, request: Request
) -> tuple[m.TableInfo, list[tuple[str, str, str]]]:
    """The dataset's table the caller asked for, and the row filters in its query string
    (`col=value` or `col__op=value`), as /rows and the exports take them."""
    ds = platform.catalog.get(slug, actor=actor)
    tb = next((t for t in ds.tables if table in (None, t.name, t.sql_name)), None)
    if tb is None:
        raise InvalidInput(f"No table {table!r} in {slug!r}.")
    filters = []
    for key, value in request.query_params.multi_items():
        if key not in RESERVED:
            column, _, op = key.partition("__")
            filters.append((column, op or "eq", value))
    return tb, filters


class RowsPublic(BaseModel):
    dataset: str
    table: str
    columns: list[str]
    types: list[str]
    rows: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    next_offset: int | None


@router.get(
    "/datasets", response_model=m.SearchResult, summary="List and search datasets with facets"
)
def list_datasets(
    platform: PlatformDep,
    actor: ActorDep,
    q: Annotated[str, Query(max_length=500, description="Words, with or without diacritics")] = "",
    org_code: str | None = None,
    sector: str | None = None,
    access_level: str | None = None,
    formats: Annotated[str | None, Query(alias="format")] = None,
    freshness: str | None = None,
    licence: str | None = None,
    sort: Annotated[str, Query(pattern="^(relevance|title|updated)$")] = "relevance",
    limit: Annotated[int, Query(ge=0, le=1000)] = 20,
    offset: Annotated[int, Query(ge=0, lt=2**62)] = 0,
) -> m.SearchResult:
    filters = {
        k: v
        for k, v in {
            "org_code": org_code,
            "sector": sector,
            "access_level": access_level,
            "formats": formats,
            "freshness": freshness,
            "licence": licence,
        }.items()
        if v
    }
    return platform.catalog.search(
        q, actor=actor, filters=filters, limit=limit, offset=offset, sort=sort
    )


@router.get(
    "/datasets/{slug}",
    response_model=m.Dataset,
    summary="One dataset with tables and data dictionary",
)
def get_dataset(slug: str, platform: PlatformDep, actor: ActorDep) -> m.Dataset:
    return platform.catalog.get(slug, actor=actor)


@router.get(
    "/datasets/{slug}/versions", response_model=list[m.VersionInfo], summary="Versions of a table"
)
def versions(
    slug: str, platform: PlatformDep, actor: ActorDep, table: str | None = None
) -> list[m.VersionInfo]:
    return platform.catalog.versions(slug, actor=actor, table=table)


@router.get(
    "/datasets/{slug}/rows",
    response_model=RowsPublic,
    summary="Rows with filters, sort and pagination",
)
def rows(
    slug: str,
    request: Request,
    platform: PlatformDep,
    actor: ActorDep,
    _limit: Annotated[int, Query(ge=0, le=10_000)] = 50,
    _offset: Annotated[int, Query(ge=0, lt=2**62)] = 0,
    _sort: Annotated[
        str | None, Query(description="Comma-separated columns, '-' for descending")
    ] = None,
    _columns: Annotated[str | None, Query(description="Comma-separated columns to return")] = None,
    _version: Annotated[
        int | None, Query(ge=1, lt=2**31, description="Version number (see /versions)")
    ] = None,
    table: str | None = None,
) -> RowsPublic:
    """Filters are other query parameters: `col=value`, or `col__op=value` with op in eq, ne, gt, gte, lt, lte, contains, isnull."""
    tb, filters = table_and_filters(platform, actor, slug, table, request)
    page = platform.query.rows(
        tb.sql_name,
        actor=actor,
        filters=filters,
        sort=comma_list(_sort),
        columns=comma_list(_columns) or None,
        limit=_limit,
        offset=_offset,
        version=_version,
    )
    nxt = _offset + _limit if _offset + _limit < page.total else None
    return RowsPublic(
        dataset=slug,
        table=tb.name,
        columns=page.columns,
        types=page.types,
        rows=page.records(),
        total=page.total,
        limit=_limit,
        offset=_offset,
        next_offset=nxt,
    )
