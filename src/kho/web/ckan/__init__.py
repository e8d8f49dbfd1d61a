"""CKAN-compatible Action API at /api/3/action/{name} and /api/action/{name}, plus datastore dumps."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from kho.errors import InvalidInput, KhoError
from kho.web.ckan.envelope import (
    MEDIA_TYPE,
    BadRequest,
    CkanError,
    Flat,
    Params,
    decode_json_body,
    decode_query,
    failure,
    from_kho,
    success,
)
from kho.web.deps import ActorDep, PlatformDep

router = APIRouter(tags=["ckan"])
log = logging.getLogger(__name__)
_ERROR_FIELD = {"datastore_search_sql": "query", "datastore_search": "query"}


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID | bytes):
        return value.hex() if isinstance(value, bytes) else str(value)
    return str(value)


def render(payload: Any, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, default=_default, allow_nan=False)
    return Response(body, status_code=status, media_type=MEDIA_TYPE)


async def _params(request: Request) -> Params:
    """CKAN's request decoding: query string for GET, JSON or form body for POST."""
    params = decode_query(list(request.query_params.multi_items()))
    if request.method != "POST":
        return params
    ctype = request.headers.get("content-type", "")
    if "form" in ctype:
        form = await request.form()
        params.update(decode_query([(k, v) for k, v in form.multi_items() if isinstance(v, str)]))
        return params
    body = await request.body()
    if body.strip():
        params.update(decode_json_body(body))
    return params


async def _run_action(
    name: str, request: Request, platform: PlatformDep, actor: ActorDep
) -> Response:
    from kho.web.ckan.actions import ACTIONS, Ctx

    base = str(request.base_url).rstrip("/")
    help_url = f"{base}/api/3/action/help_show?name={name}"
    try:
        action = ACTIONS.get(name)
        if action is None:
            raise BadRequest(f"Action name not known: {name}")
        params = Flat(await _params(request))
        ctx = Ctx(platform=platform, actor=actor, base=base, path=request.url.path)
        result = await run_in_threadpool(action, ctx, params)
        return render(success(help_url, result))
    except BadRequest as exc:
        return render(exc.body, 400)
    except CkanError as exc:
        return render(failure(help_url, exc), exc.status)
    except KhoError as exc:
        err = from_kho(exc, field=_ERROR_FIELD.get(name, "message"))
        return render(failure(help_url, err), err.status)
    except Exception:
        log.exception("CKAN action %s failed", name)
        return render(failure(help_url, CkanError("Internal Server Error")), 500)


for _path in ("/api/3/action/{name}", "/api/action/{name}"):
    for _method in ("GET", "POST"):
        router.add_api_route(
            _path,
            _run_action,
            methods=[_method],
            operation_id=f"ckan_action_{_method.lower()}",
            include_in_schema=_path.startswith("/api/3"),
            summary="CKAN Action API (status_show, package_search, datastore_search, …)",
        )


@router.get("/api/3", summary="CKAN API version")
@router.get("/api", include_in_schema=False)
def api_version() -> dict[str, int]:
    return {"version": 3}


@router.get(
    "/datastore/dump/{resource_id}", summary="Whole table as CSV (UTF-8 with BOM) or JSON lines"
)
def dump(resource_id: str, platform: PlatformDep, actor: ActorDep, format: str = "csv") -> Response:
    """CKAN's datastore dump URL, which resources point to; the Query service checks access."""
    from kho.query.sqltext import quote_ident

    if format not in ("csv", "json"):
        raise InvalidInput(f"format must be csv or json, not {format!r}.")
    table = platform.query.arrow(f"SELECT * FROM {quote_ident(resource_id)}", actor=actor)
    if format == "json":
        return StreamingResponse(_json_lines(table), media_type="application/x-ndjson")
    headers = {"Content-Disposition": f'attachment; filename="{resource_id}.csv"'}
    return StreamingResponse(
        _csv_chunks(table), media_type="text/csv; charset=utf-8", headers=headers
    )


def _csv_chunks(table: Any) -> Any:
    import io

    import pyarrow.csv as pacsv

    yield "\ufeff".encode()
    batches = table.to_batches(max_chunksize=50_000) or [table.slice(0, 0)]
    for i, batch in enumerate(batches):
        buf = io.BytesIO()
        pacsv.write_csv(batch, buf, write_options=pacsv.WriteOptions(include_header=i == 0))
        yield buf.getvalue()


def _json_lines(table: Any) -> Any:
    for batch in table.to_batches(max_chunksize=10_000):
        yield "".join(
            json.dumps(r, ensure_ascii=False, default=_default) + "\n" for r in batch.to_pylist()
        ).encode("utf-8")
