"""datastore_search and datastore_search_sql as SELECTs handed to the Query service's sandbox."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.errors import InvalidInput
from kho.platform import Platform
from kho.query.sqltext import literal as _literal
from kho.query.sqltext import quote_ident
from kho.web.ckan.envelope import CkanValidation, Flat
from kho.web.ckan.packages import CKAN_TYPES, find_table

ROWS_MAX = 32000  # CKAN's ckan.datastore.search.rows_max
ECHOED = (
    "resource_id",
    "filters",
    "q",
    "fields",
    "sort",
    "limit",
    "offset",
    "include_total",
    "records_format",
    "distinct",
    "plain",
    "language",
    "full_text",
)


def literal(value: Any) -> str:
    """A SQL literal DuckDB casts to the column's type; strings are quoted, never interpolated raw."""
    if isinstance(value, str):
        value = value.replace("\x00", "")  # CKAN clients send NULs; they cannot match any text
    try:
        return _literal(value)
    except InvalidInput as exc:
        raise CkanValidation("filters", f"{exc.message} Use text, numbers or lists.") from exc


def duck_to_ckan(duck_type: str) -> str:
    """CKAN's datastore type names for DuckDB result types."""
    t = duck_type.upper()
    if t.startswith(("DECIMAL", "DOUBLE", "FLOAT", "REAL", "NUMERIC")):
        return "numeric"
    if t in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"):
        return "int"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    return {"DATE": "date", "BOOLEAN": "bool", "TIME": "time"}.get(t, "text")


@dataclass
class Search:
    """One validated datastore_search request."""

    resource_id: str
    fields: list[str]
    where: list[str]
    order: str
    limit: int
    offset: int

    def select(self) -> str:
        cols = ", ".join(quote_ident(c) for c in self.fields)
        return (
            f"SELECT {cols} FROM {quote_ident(self.resource_id)}{self._where()}{self.order}"
            f" LIMIT {self.limit} OFFSET {self.offset}"
        )

    def count(self) -> str:
        return f"SELECT count(*) AS n FROM {quote_ident(self.resource_id)}{self._where()}"

    def _where(self) -> str:
        return " WHERE " + " AND ".join(self.where) if self.where else ""


def datastore_search(platform: Platform, actor: Actor, p: Flat, *, path: str) -> dict[str, Any]:
    """CKAN's datastore_search over one Kho table (resource id = the table's SQL name)."""
    rid = p.text("resource_id") or p.text("id")
    if not rid:
        raise CkanValidation("resource_id", "Missing value")
    _, table = find_table(platform, rid, actor=actor)
    columns = {c.name: c for c in table.columns}
    search = Search(
        resource_id=rid,
        fields=_fields(p, columns),
        where=[*_filters(p, columns), *_q(p, table)],
        order=_sort(p, columns),
        limit=p.natural("limit", 100, cap=ROWS_MAX),
        offset=p.natural("offset", 0),
    )
    if p.text("records_format", "objects") not in ("objects", "lists"):
        raise CkanValidation("records_format", "Kho answers records_format objects or lists.")
    records: list[Any] = []
    if search.limit:
        result = platform.query.sql(search.select(), actor=actor, max_rows=search.limit)
        records = (
            result.records()
            if p.text("records_format", "objects") == "objects"
            else [list(r) for r in result.rows]
        )
    out = {k: p.params[k] for k in ECHOED if k in p.params}
    out.update(
        {
            "resource_id": rid,
            "limit": search.limit,
            "offset": search.offset,
            "records_format": p.text("records_format", "objects"),
            "fields": [_field(columns[c]) for c in search.fields],
            "records": records,
            "_links": _links(path, p.params, search.limit, search.offset),
        }
    )
    if p.boolean("include_total", True):
        total = platform.query.sql(search.count(), actor=actor, max_rows=1).rows[0][0]
        out.update({"include_total": True, "total": int(total), "total_was_estimated": False})
    return out


def datastore_search_sql(platform: Platform, actor: Actor, p: Flat) -> dict[str, Any]:
    """One read-only SELECT; tables are named by resource id, as in CKAN."""
    sql = p.text("sql")
    if not sql.strip():
        raise CkanValidation("sql", "Missing value")
    result = platform.query.sql(sql, actor=actor)
    out: dict[str, Any] = {
        "sql": sql,
        "fields": [
            {"id": c, "type": duck_to_ckan(t)}
            for c, t in zip(result.columns, result.types, strict=True)
        ],
        "records": result.records(),
    }
    if result.truncated:
        out["records_truncated"] = True
    return out


def _field(col: m.ColumnInfo) -> dict[str, Any]:
    info = {"label": col.label, "notes": col.description_vi or "", "type_override": ""}
    if col.unit:
        info["unit"] = col.unit
    return {"id": col.name, "type": CKAN_TYPES.get(col.type, "text"), "info": info}


def _fields(p: Flat, columns: dict[str, m.ColumnInfo]) -> list[str]:
    chosen = p.names("fields") or list(columns)
    _require("fields", chosen, columns)
    return chosen


def _require(param: str, names: list[str], columns: dict[str, m.ColumnInfo]) -> None:
    unknown = [n for n in names if n not in columns]
    if unknown:
        raise CkanValidation(
            param, f"field {unknown[0]!r} not in the table; fields: {', '.join(columns)}."
        )


def _filters(p: Flat, columns: dict[str, m.ColumnInfo]) -> list[str]:
    filters = p.json("filters", {})
    if not isinstance(filters, dict):
        raise CkanValidation("filters", 'Must be a JSON object like {"column": "value"}.')
    _require("filters", list(filters), columns)
    clauses = []
    for name, value in filters.items():
        col = quote_ident(name)
        if isinstance(value, list):
            if not value:
                clauses.append("FALSE")
                continue
            clauses.append(f"{col} IN ({', '.join(literal(v) for v in value)})")
        elif value is None:
            clauses.append(f"{col} IS NULL")
        else:
            clauses.append(f"{col} = {literal(value)}")
    return clauses


def _folded(expr: str) -> str:
    return f"replace(strip_accents(lower(CAST({expr} AS VARCHAR))), 'đ', 'd')"


def _q(p: Flat, table: m.TableInfo) -> list[str]:
    """Full-text q: every word must appear as a whole word (diacritics and case ignored) in some text column."""
    from kho.ingest.vn.text import fold

    q = p.json("q", "") if str(p.get("q", "")).lstrip().startswith("{") else p.text("q")
    text_cols = [c.name for c in table.columns if c.type == "text"]
    if isinstance(q, dict):
        known = {c.name for c in table.columns}
        bad = [k for k in q if k not in known]
        if bad:
            raise CkanValidation("q", f"field {bad[0]!r} not in the table.")
        return [
            f"contains({_folded(quote_ident(k))}, {literal(fold(str(v)))})" for k, v in q.items()
        ]
    clauses = []
    for word in fold(str(q)).split():
        if not text_cols:
            return ["FALSE"]
        pattern = literal(rf"\b{re.escape(word)}\b")
        ors = " OR ".join(
            f"regexp_matches({_folded(quote_ident(c))}, {pattern})" for c in text_cols
        )
        clauses.append(f"({ors})")
    return clauses


_SORT_PART = re.compile(
    r'^\s*(?:"(?P<q>(?:[^"]|"")+)"|(?P<n>[^\s,]+))(?:\s+(?P<d>asc|desc))?\s*$', re.I
)


def _sort(p: Flat, columns: dict[str, m.ColumnInfo]) -> str:
    raw = p.get("sort")
    parts = raw if isinstance(raw, list) else [s for s in str(raw or "").split(",") if s.strip()]
    out = []
    for part in parts:
        match = _SORT_PART.match(str(part))
        if match is None:
            raise CkanValidation(
                "sort", f'Cannot sort by {part!r}; write "column" or "column desc".'
            )
        name = match.group("q").replace('""', '"') if match.group("q") else match.group("n")
        _require("sort", [name], columns)
        out.append(f"{quote_ident(name)} {(match.group('d') or 'asc').upper()} NULLS LAST")
    return " ORDER BY " + ", ".join(out) if out else ""


def _links(path: str, params: dict[str, Any], limit: int, offset: int) -> dict[str, str]:
    """CKAN 2.11's ``_links``, carrying every parameter so a plain GET of ``next`` gives the next page."""
    base = {
        k: (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
        for k, v in params.items()
        if k != "offset"
    }
    links = {
        "start": f"{path}?{urlencode(base)}",
        "next": f"{path}?{urlencode({**base, 'offset': offset + limit})}",
    }
    if offset - limit > 0:
        links["prev"] = f"{path}?{urlencode({**base, 'offset': offset - limit})}"
    return links
