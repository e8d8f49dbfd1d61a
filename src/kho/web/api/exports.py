"""Streamed downloads of a table: /api/v1/datasets/{slug}/export.{csv,xlsx,parquet,json,ndjson}"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from kho.query.exports import MEDIA_TYPES, Format, writer_for
from kho.web.api.datasets import comma_list, table_and_filters
from kho.web.deps import ActorDep, PlatformDep

router = APIRouter(prefix="/api/v1", tags=["exports"])


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the RFC 5987 UTF-8 name."""
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.get(
    "/datasets/{slug}/export.{fmt}",
    summary="Download a table as CSV (UTF-8 BOM), XLSX, Parquet, JSON or NDJSON, streamed",
    response_class=StreamingResponse,
    responses={200: {"content": {t.split(";")[0]: {} for t in MEDIA_TYPES.values()}}},
)
def export(
    slug: str,
    fmt: Format,
    request: Request,
    platform: PlatformDep,
    actor: ActorDep,
    _sort: Annotated[
        str | None, Query(description="Comma-separated columns, '-' for descending")
    ] = None,
    _columns: Annotated[str | None, Query(description="Comma-separated columns to include")] = None,
    _version: Annotated[
        int | None, Query(ge=1, lt=2**31, description="Version number (see /versions)")
    ] = None,
    table: str | None = None,
) -> StreamingResponse:
    """Filters as for /rows (`col=value`, `col__op=value`); the caller's column and row limits apply."""
    tb, filters = table_and_filters(platform, actor, slug, table, request)
    schema, batches = platform.query.stream(
        tb.sql_name,
        actor=actor,
        filters=filters,
        sort=comma_list(_sort),
        columns=comma_list(_columns) or None,
        version=_version,
    )

    def body() -> Iterator[bytes]:
        try:
            yield from writer_for(fmt)(schema, batches)
        finally:
            batches.close()  # type: ignore[attr-defined]

    name = tb.sql_name if _version is None else f"{tb.sql_name}@{_version}"
    return StreamingResponse(
        body(),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": content_disposition(f"{name}.{fmt}")},
    )
