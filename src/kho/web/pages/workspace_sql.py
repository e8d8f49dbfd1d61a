"""The SQL page: a highlighted editor, the results table, a chart from the results, saved and shared queries.

Saved queries are a JSON file per user under ``KHO_HOME/saved_queries/<username>.json`` (no
migration needed; they are the user's notes, not shared state). A query is shared by its URL
(``/workspace/sql?sql=…``): whoever opens it runs it with their own access.
"""

from __future__ import annotations

import builtins
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from kho.errors import InvalidInput, KhoError
from kho.web.deps import PlatformDep
from kho.web.pages.workspace_common import Visitor, VisitorDep, render, see_other

router = APIRouter(include_in_schema=False)
PAGE_ROWS = 1000
SAVED_MAX = 200
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.@-]{0,63}$")


@router.get("/workspace/sql", response_class=HTMLResponse)
def sql_page(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    sql: Annotated[str, Query(max_length=20_000)] = "",
    chart: Annotated[str, Query(max_length=10)] = "",
    x: Annotated[str, Query(max_length=200)] = "",
    y: Annotated[str, Query(max_length=200)] = "",
    saved: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    result, error = None, ""
    if sql.strip():
        try:
            cap = min(platform.settings.sql_max_rows, PAGE_ROWS)
            result = platform.query.sql(sql, actor=visitor.actor, max_rows=cap)
        except KhoError as exc:
            error = exc.message + (f" {exc.hint}" if exc.hint else "")
    tables = sorted(platform.query.readable_tables(actor=visitor.actor))
    return render(
        request,
        "workspace/sql.html",
        {
            "sql": sql,
            "result": result,
            "error": error,
            "tables": tables,
            "saved_queries": SavedQueries(platform.settings.home_dir).list(visitor),
            "chart": {"type": chart or "bar", "x": x, "y": y},
            "chart_data": _chart_data(result),
            "saved": saved,
        },
        visitor=visitor,
    )


def _chart_data(result: Any) -> str:
    """The results as JSON for the chart script (embedded in the page; no second request)."""
    if result is None:
        return "null"
    rows = [[_plain(v) for v in row] for row in result.rows]
    text = json.dumps({"columns": result.columns, "types": result.types, "rows": rows})
    return text.replace("<", "\\u003c")


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else str(value)


@router.post("/workspace/sql/saved")
def save_query(
    platform: PlatformDep,
    visitor: VisitorDep,
    name: Annotated[str, Form(max_length=200)] = "",
    sql: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    from urllib.parse import urlencode

    store = SavedQueries(platform.settings.home_dir)
    try:
        store.save(visitor, name, sql)
    except InvalidInput as exc:
        return see_other(
            "/workspace/sql?" + urlencode({"sql": sql, "saved": "error:" + exc.message})
        )
    return see_other("/workspace/sql?" + urlencode({"sql": sql, "saved": name.strip()}))


@router.post("/workspace/sql/saved/delete")
def delete_query(
    platform: PlatformDep,
    visitor: VisitorDep,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    SavedQueries(platform.settings.home_dir).delete(visitor, name)
    return see_other("/workspace/sql")


class SavedQueries:
    """Each user's saved queries, one JSON file per user, newest first."""

    def __init__(self, home: Path):
        self.root = home / "saved_queries"

    def _path(self, visitor: Visitor) -> Path | None:
        name = visitor.actor.name
        return self.root / f"{name}.json" if SAFE_NAME.match(name) and ".." not in name else None

    def list(self, visitor: Visitor) -> list[dict[str, str]]:
        path = self._path(visitor)
        if path is None or not path.exists():
            return []
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [i for i in items if isinstance(i, dict) and "name" in i and "sql" in i]

    def save(self, visitor: Visitor, name: str, sql: str) -> None:
        name, sql = name.strip(), sql.strip()
        if not name or not sql:
            raise InvalidInput("A saved query needs a name and some SQL.")
        path = self._path(visitor)
        if path is None:
            raise InvalidInput("Only signed-in users can save queries.")
        items = [i for i in self.list(visitor) if i["name"] != name]
        items.insert(0, {"name": name, "sql": sql, "saved_at": datetime.now(UTC).isoformat()})
        self._write(path, items[:SAVED_MAX])

    def delete(self, visitor: Visitor, name: str) -> None:
        path = self._path(visitor)
        if path is not None and path.exists():
            self._write(path, [i for i in self.list(visitor) if i["name"] != name.strip()])

    def _write(self, path: Path, items: builtins.list[dict[str, str]]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
