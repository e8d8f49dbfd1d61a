"""Moving one table: faithful type mapping, batches, legacy-encoding repair, checksums."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kho.errors import InvalidInput

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from kho.migrate.sources import SourceTable

BATCH_ROWS = 100_000
_PASS = {
    "BOOLEAN": "boolean",
    "TINYINT": "integer",
    "SMALLINT": "integer",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "UTINYINT": "integer",
    "USMALLINT": "integer",
    "UINTEGER": "integer",
    "FLOAT": "float",
    "DOUBLE": "float",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    "VARCHAR": "text",
    "BLOB": "binary",
}
_AS_TEXT = ("UUID", "INTERVAL", "TIME WITH TIME ZONE", "BIT", "JSON", "ENUM(")
_AS_JSON = ("[]", "[", "STRUCT(", "MAP(", "UNION(")


@dataclass
class ColumnPlan:
    """How one source column is read and stored: expression, slug, kind, what changed."""

    source: str
    name: str
    kind: str
    expr: str
    duck_type: str
    comment: str | None = None
    note: str | None = None
    legacy: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    source_type: str = ""

    @property
    def declared_type(self) -> str:
        """The type as the source declares it (the scanner path only knows DuckDB's view)."""
        return self.source_type or self.duck_type


def plan_columns(table: SourceTable) -> list[ColumnPlan]:
    """One plan per column; an unsupported type raises InvalidInput naming the column."""
    from kho.ingest.vn.slugs import slugify

    used: set[str] = set()
    plans = []
    for col in table.columns:
        name = _unique(slugify(col.name), used)
        plan = _plan_one(col.name, name, col.duck_type, col.comment)
        _apply_declared_decimal(plan, col.declared)
        plan.source_type = col.source_type or ""
        plan.note = "; ".join(n for n in (col.note, plan.note) if n) or None
        plans.append(plan)
    return plans


def _apply_declared_decimal(plan: ColumnPlan, declared: str | None) -> None:
    """SQLite stores NUMERIC(p,s) as REAL; keep the declared precision instead of a float."""
    m = re.fullmatch(r"\s*(?:NUMERIC|DECIMAL)\s*\((\d+)\s*,\s*(\d+)\)\s*", declared or "", re.I)
    if m and plan.kind == "float" and 0 < int(m[1]) <= 38:
        quoted = '"' + plan.source.replace('"', '""') + '"'
        plan.kind, plan.expr = "decimal", f"CAST({quoted} AS DECIMAL({m[1]},{m[2]}))"
        plan.detail = {"precision": int(m[1]), "scale": int(m[2])}
        plan.note = f"declared {(declared or '').strip()} kept as decimal({m[1]},{m[2]})"


def _plan_one(source: str, name: str, duck_type: str, comment: str | None) -> ColumnPlan:
    quoted = '"' + source.replace('"', '""') + '"'
    upper = duck_type.upper()
    plan = ColumnPlan(source, name, "text", quoted, duck_type, comment)
    if upper in _PASS:
        plan.kind = _PASS[upper]
        plan.detail = {"tz": True} if upper.endswith("TIME ZONE") else {}
    elif m := re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", upper):
        plan.kind, plan.detail = "decimal", {"precision": int(m[1]), "scale": int(m[2])}
    elif upper in ("HUGEINT", "UHUGEINT", "UBIGINT"):
        plan.kind, plan.expr = "decimal", f"CAST({quoted} AS DECIMAL(38,0))"
        plan.detail, plan.note = {"precision": 38, "scale": 0}, f"{duck_type} kept as decimal(38,0)"
    elif upper.startswith(("TIMESTAMP_", "TIMESTAMP(")):
        plan.kind, plan.expr = "timestamp", f"CAST({quoted} AS TIMESTAMP)"
    elif upper.startswith(_AS_TEXT):
        plan.expr = f"CAST({quoted} AS VARCHAR)"
        plan.note = None if upper.startswith("ENUM(") else f"{duck_type} kept as text"
        plan.kind = "json" if upper == "JSON" else "text"
    elif upper.endswith("]") or upper.startswith(_AS_JSON):
        plan.kind, plan.expr = "json", f"CAST(to_json({quoted}) AS VARCHAR)"
        plan.note = f"{duck_type} (array/structure) kept as JSON text"
    else:
        raise InvalidInput(
            f"Column {source!r} has type {duck_type}, which Kho cannot store.",
            hint="Exclude the table with --table, or convert the column in a view.",
        )
    return plan


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name}_{n}", n + 1
    used.add(candidate)
    return candidate


def select_sql(relation: str, plans: Sequence[ColumnPlan], where: str = "") -> str:
    """SELECT of the source relation with every column read as planned and named by its slug."""
    cols = ", ".join(f'{p.expr} AS "{p.name}"' for p in plans)
    return f"SELECT {cols} FROM {relation}" + (f" WHERE {where}" if where else "")


def read_batches(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    plans: list[ColumnPlan],
    *,
    on_rows: Callable[[int], None] | None = None,
) -> Iterator[pa.Table]:
    """Arrow batches of the query, legacy text repaired; an empty result still yields its schema."""
    import pyarrow as pa

    reader = con.execute(sql).to_arrow_reader(BATCH_ROWS)
    tables = (pa.Table.from_batches([batch]) for batch in reader)
    yield from repair_batches(tables, plans, on_rows=on_rows, empty=reader.schema.empty_table())


def repair_batches(
    tables: Iterable[pa.Table],
    plans: list[ColumnPlan],
    *,
    on_rows: Callable[[int], None] | None = None,
    empty: pa.Table | None = None,
) -> Iterator[pa.Table]:
    """Legacy text detected on the first batch and repaired in every batch; rows reported."""
    first = True
    for table in tables:
        if first:
            detect_legacy_columns(table, plans)
            first = False
        table = _repair(table, plans)
        if on_rows:
            on_rows(table.num_rows)
        yield table
    if first and empty is not None:
        yield empty


def detect_legacy_columns(table: pa.Table, plans: list[ColumnPlan]) -> None:
    """Mark text columns whose sample reads as TCVN3 or VNI (decoded as Windows-1252)."""
    from kho.ingest.vn.legacy import detect_legacy

    for plan in plans:
        if plan.kind != "text" or plan.legacy:
            continue
        values = [v for v in table.column(plan.name).to_pylist()[:20_000] if v]
        found = detect_legacy(values)
        if found:
            plan.legacy = found
            plan.note = f"text converted from {found.upper()} to Unicode"


def _repair(table: pa.Table, plans: list[ColumnPlan]) -> pa.Table:
    import pyarrow as pa

    from kho.ingest.vn.legacy import convert_legacy

    for plan in plans:
        if plan.legacy:
            idx = table.schema.get_field_index(plan.name)
            values = [
                convert_legacy(v, plan.legacy) if v else v  # type: ignore[arg-type]
                for v in table.column(idx).to_pylist()
            ]
            table = table.set_column(idx, plan.name, pa.array(values, pa.string()))
    return table


def checksum_sql(relation: str, exprs: Sequence[str]) -> str:
    """One row: count(*) then, per expression, non-null count and sum of hash of its text."""
    parts = ["count(*)"]
    for e in exprs:
        parts += [f"count({e})", f"CAST(sum(hash(CAST({e} AS VARCHAR))) AS VARCHAR)"]
    return f"SELECT {', '.join(parts)} FROM {relation}"


Checksums = tuple[int, list[tuple[int, str | None]]]


def checksums(con: duckdb.DuckDBPyConnection, relation: str, exprs: Sequence[str]) -> Checksums:
    """Row count and (non-null count, hash sum) per expression, computed by DuckDB."""
    row = con.execute(checksum_sql(relation, exprs)).fetchone()
    assert row is not None
    pairs = [(int(row[i]), row[i + 1]) for i in range(1, len(row), 2)]
    return int(row[0]), pairs


def compare_columns(
    plans: list[ColumnPlan], source: Checksums, warehouse: Checksums, *, basis: str
) -> list[dict[str, Any]]:
    """Per column, the source and warehouse null counts and checksums and whether they agree.

    ``basis`` says where the source side was computed: ``source`` (a query on the source) or
    ``received rows`` (the rows as the driver delivered them).
    """
    (src_rows, src), (wh_rows, wh) = source, warehouse
    out = []
    for plan, (s_count, s_hash), (w_count, w_hash) in zip(plans, src, wh, strict=True):
        compared = plan.legacy is None
        ok = s_count == w_count and (not compared or s_hash == w_hash)
        out.append(
            {
                "name": plan.name,
                "source": plan.source,
                "source_type": plan.declared_type,
                "kind": plan.kind,
                "source_nulls": src_rows - s_count,
                "warehouse_nulls": wh_rows - w_count,
                "source_checksum": s_hash,
                "warehouse_checksum": w_hash,
                "checksum_compared": compared,
                "checksum_basis": basis,
                "status": "ok" if ok else "mismatch",
                "note": plan.note,
            }
        )
    return out
