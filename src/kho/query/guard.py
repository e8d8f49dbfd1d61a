"""Read-only SQL guard: one SELECT, no table functions, and the list of tables it names."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kho.errors import QueryError

MAX_SQL_CHARS = 100_000


@dataclass(frozen=True)
class ParsedQuery:
    sql: str
    tables: frozenset[str]  # names as written, e.g. "ho_so" or "ho_so@2"
    tree: str = ""  # DuckDB's own JSON of the statement (json_serialize_sql)
    ctes: frozenset[str] = frozenset()


_PARSE_LOCK = threading.Lock()


def parse_select(sql: str) -> ParsedQuery:
    """Accept exactly one SELECT statement reading only named tables; refuse everything else clearly.

    Accepted queries are remembered (dashboards and pages repeat the same few): parsing costs
    ~0.6 ms of the ~4 ms Kho adds to a query. Refusals are not cached, they raise each time.
    """
    return _parse_select(sql) if len(sql) <= CACHED_SQL_CHARS else _parse_select.__wrapped__(sql)


CACHED_SQL_CHARS = 20_000


@functools.lru_cache(maxsize=512)
def _parse_select(sql: str) -> ParsedQuery:
    import duckdb

    if len(sql) > MAX_SQL_CHARS:
        raise QueryError(
            f"The query is {len(sql):,} characters long; the limit is {MAX_SQL_CHARS:,}.",
            hint="Shorten it: filter with conditions rather than long lists of values.",
        )
    if "\x00" in sql:
        raise QueryError("The query must not contain NUL characters.")
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise QueryError(
            "The query is empty.", hint="Write a SELECT, e.g. SELECT * FROM ho_so LIMIT 10."
        )
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise QueryError(f"The query does not parse: {_first_line(exc)}") from exc
    if len(statements) != 1:
        raise QueryError(f"Send one statement at a time; found {len(statements)}.")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise QueryError(
            f"Only SELECT queries are allowed; this is {kind.name}.",
            hint="Kho's SQL is read-only: load data with `kho ingest`.",
        )
    tree = _serialize(text)
    functions = sorted(
        {n["function"]["function_name"] for n in _nodes(tree) if n.get("type") == "TABLE_FUNCTION"}
    )
    if functions:
        raise QueryError(
            f"Table functions are not allowed: {', '.join(functions)}.",
            hint="Name tables by their slug instead, e.g. FROM ho_so.",
        )
    _check_functions(tree)
    _check_qualified(tree)
    ctes = {name for n in _nodes(tree) for name in _cte_names(n)}
    tables = frozenset(
        n["table_name"]
        for n in _nodes(tree)
        if n.get("type") == "BASE_TABLE" and n["table_name"] not in ctes
    )
    return ParsedQuery(sql=text, tables=tables, tree=json.dumps(tree), ctes=frozenset(ctes))


def inline_scans(parsed: ParsedQuery, scans: dict[str, str]) -> str | None:
    """The query with every table it names replaced by that table's scan, as a subquery under
    the table's name (or its alias), written back by DuckDB's own deserializer; None when that
    cannot be done plainly (a CTE named like a table, time travel clauses).

    The query then binds each Iceberg table once, instead of once for a temporary view and once
    more for the query over it (~1.4 ms of a 25 ms dashboard query).
    """
    if not scans or parsed.ctes & scans.keys() or len(parsed.sql) > CACHED_SQL_CHARS:
        return None
    return _inline(parsed.tree, tuple(sorted(scans.items())))


@functools.lru_cache(maxsize=512)
def _inline(tree_json: str, scans: tuple[tuple[str, str], ...]) -> str | None:
    subqueries = {name: _serialize(scan)["statements"][0] for name, scan in scans}
    tree = json.loads(tree_json)
    for node in _nodes(tree):
        from_ = [v for v in node.values() if isinstance(v, dict) and v.get("type") == "BASE_TABLE"]
        for table in from_:
            name = table.get("table_name")
            if name not in subqueries:
                continue
            if table.get("at_clause") is not None:
                return None
            key = next(k for k, v in node.items() if v is table)
            node[key] = {
                "type": "SUBQUERY",
                "alias": table.get("alias") or name,
                "sample": table.get("sample"),
                "query_location": table.get("query_location"),
                "subquery": json.loads(json.dumps(subqueries[name])),
                "column_name_alias": table.get("column_name_alias") or [],
            }
    if any(
        n.get("type") == "BASE_TABLE" and n.get("table_name") in subqueries for n in _nodes(tree)
    ):
        return None  # a table in a place not rewritten above: leave it to the views
    with _PARSE_LOCK:
        cur = _parser().cursor()
        try:
            row = cur.execute("SELECT json_deserialize_sql(?::JSON)", [json.dumps(tree)]).fetchone()
        except Exception:  # noqa: BLE001 - any construct DuckDB cannot write back: use views
            return None
        finally:
            cur.close()
    return str(row[0]) if row and row[0] else None


# Functions that reveal the server (environment, settings) are refused outright; functions that build
# a value of a size given by an argument may only get a small constant there, because DuckDB allocates
# such values outside its memory limit and cannot interrupt them (repeat('x', 2e9) ran 13 s past a 3 s
# limit; unnest(range(1e9)) got the process killed).
DENIED_FUNCTIONS = frozenset({"getenv", "current_setting", "current_schemas"})
SIZE_ARGUMENT = {
    "repeat": (1,),
    "lpad": (1,),
    "rpad": (1,),
    "list_resize": (1,),
    "array_resize": (1,),
    "bitstring": (1,),
    "to_base": (2,),
    "bar": (3,),
    "equi_width_bins": (2,),
    "range": (0, 1, 2),
    "generate_series": (0, 1, 2),
}
MAX_SIZE = 100_000


def _check_functions(tree: dict[str, Any]) -> None:
    for node in _nodes(tree):
        if node.get("class") != "FUNCTION":
            continue
        name = str(node.get("function_name", "")).lower()
        if name in DENIED_FUNCTIONS:
            raise QueryError(
                f"The function {name}() is not allowed.",
                hint="Kho's SQL reads tables only; it does not reveal the server's settings.",
            )
        args = node.get("children") or []
        if name in ("printf", "format") and not all(_small_format(a) for a in args[:1]):
            raise QueryError(
                f"{name}() needs a constant format without widths over {MAX_SIZE:,}.",
            )
        for i in SIZE_ARGUMENT.get(name, ()):
            if i < len(args) and not _small_constant(args[i]):
                raise QueryError(
                    f"{name}() may only be given a constant size up to {MAX_SIZE:,}.",
                    hint="Very large values would exhaust the server's memory.",
                )


def _small_constant(node: dict[str, Any]) -> bool:
    if node.get("class") == "CAST":
        node = node.get("child") or {}
    if node.get("class") != "CONSTANT":
        return False
    value = (node.get("value") or {}).get("value")
    try:
        return abs(float(str(value))) <= MAX_SIZE
    except (TypeError, ValueError):
        return False


def _small_format(node: dict[str, Any]) -> bool:
    import re

    value = (node.get("value") or {}).get("value") if node.get("class") == "CONSTANT" else None
    return isinstance(value, str) and not re.search(r"\d{6,}", value)


def _check_qualified(tree: dict[str, Any]) -> None:
    """Tables are named by slug alone: a catalog or schema would reach the system catalogs."""
    for node in _nodes(tree):
        if node.get("type") == "BASE_TABLE" and (
            node.get("schema_name") or node.get("catalog_name")
        ):
            qualified = ".".join(
                str(p)
                for p in (node.get("catalog_name"), node.get("schema_name"), node.get("table_name"))
                if p
            )
            raise QueryError(
                f"Name tables by their slug alone, not {qualified!r}.",
                hint="System catalogs and schemas are not available; e.g. FROM ho_so.",
            )


@functools.cache
def _parser() -> Any:
    """One bare in-memory DuckDB used only to parse (opening one per query costs ~9 ms)."""
    import duckdb

    return duckdb.connect(config={"enable_external_access": False})


def _serialize(text: str) -> dict[str, Any]:
    with _PARSE_LOCK:
        cur = _parser().cursor()
        try:
            raw = cur.execute("SELECT json_serialize_sql(?)", [text]).fetchone()
        finally:
            cur.close()
    tree: dict[str, Any] = json.loads(raw[0]) if raw else {"error": True}
    if "Only SELECT statements can be serialized" in str(tree.get("error_message", "")):
        raise QueryError(
            "Only SELECT queries are allowed; this statement is not one.",
            hint="Kho's SQL is read-only; PRAGMA, SHOW of settings and similar are refused.",
        )
    if tree.get("error"):
        raise QueryError(f"The query does not parse: {tree.get('error_message', 'unknown error')}")
    return tree


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _nodes(item)


def _cte_names(node: dict[str, Any]) -> list[str]:
    cte_map = node.get("cte_map")
    if isinstance(cte_map, dict):
        return [
            str(entry.get("key")) for entry in cte_map.get("map", []) if isinstance(entry, dict)
        ]
    return []


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]
