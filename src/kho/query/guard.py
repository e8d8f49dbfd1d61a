"""Read-only SQL guard: one SELECT, no table functions, and the list of tables it names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kho.errors import QueryError


@dataclass(frozen=True)
class ParsedQuery:
    sql: str
    tables: frozenset[str]  # names as written, e.g. "ho_so" or "ho_so@2"


def parse_select(sql: str) -> ParsedQuery:
    """Accept exactly one SELECT statement reading only named tables; refuse everything else clearly."""
    import duckdb

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
    ctes = {name for n in _nodes(tree) for name in _cte_names(n)}
    tables = frozenset(
        n["table_name"]
        for n in _nodes(tree)
        if n.get("type") == "BASE_TABLE" and n["table_name"] not in ctes
    )
    return ParsedQuery(sql=text, tables=tables)


def _serialize(text: str) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    try:
        raw = con.execute("SELECT json_serialize_sql(?)", [text]).fetchone()
    finally:
        con.close()
    tree: dict[str, Any] = json.loads(raw[0]) if raw else {"error": True}
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
