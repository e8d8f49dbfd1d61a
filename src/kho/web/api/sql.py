"""Sandboxed read-only SQL over the tables the caller may read: /api/v1/sql"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kho.access.actors import Actor
from kho.platform import Platform
from kho.web.deps import ActorDep, PlatformDep

router = APIRouter(prefix="/api/v1", tags=["sql"])
MAX_BODY_CHARS = 2_000_000  # the query service refuses anything over its own, smaller limit clearly


class SqlRequest(BaseModel):
    sql: str = Field(
        min_length=1, max_length=MAX_BODY_CHARS, description="One SELECT; tables named by slug"
    )
    max_rows: int | None = Field(default=None, ge=0, le=100_000, description="Cap on rows")


class SqlResult(BaseModel):
    columns: list[str]
    types: list[str]
    rows: list[dict[str, Any]]
    truncated: bool
    seconds: float


async def _run(platform: Platform, actor: Actor, sql: str, max_rows: int | None) -> SqlResult:
    from kho.query.exports import json_value

    if "\x00" in sql:
        from kho.errors import QueryError

        raise QueryError("The query must not contain NUL characters.")
    result = await run_in_threadpool(platform.query.sql, sql, actor=actor, max_rows=max_rows)
    rows = [{c: json_value(v) for c, v in zip(result.columns, r, strict=True)} for r in result.rows]
    return SqlResult(
        columns=result.columns,
        types=result.types,
        rows=rows,
        truncated=result.truncated,
        seconds=result.seconds,
    )


@router.post("/sql", response_model=SqlResult, summary="Run one read-only SELECT (JSON body)")
async def sql_post(body: SqlRequest, platform: PlatformDep, actor: ActorDep) -> SqlResult:
    """Tables are named by dataset slug (versions as "slug@N", quoted); the caller's column and row limits apply."""
    return await _run(platform, actor, body.sql, body.max_rows)


@router.get("/sql", response_model=SqlResult, summary="Run one read-only SELECT (query string)")
async def sql_get(
    platform: PlatformDep,
    actor: ActorDep,
    sql: Annotated[str, Query(min_length=1, max_length=MAX_BODY_CHARS)],
    max_rows: Annotated[int | None, Query(ge=0, le=100_000)] = None,
) -> SqlResult:
    """The same as POST /api/v1/sql, for links and quick tries."""
    return await _run(platform, actor, sql, max_rows)
