"""Upsert computed in DuckDB: check the incoming keys, then merge them into the current rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from kho.errors import KeyViolation, SchemaMismatch

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

MERGE_BATCH_ROWS = 122_880


def require_key_columns(key: Sequence[str], incoming: pa.Schema, table: pa.Schema | None) -> None:
    """Refuse an upsert whose key is empty or names columns the data or the table lacks."""
    if not key:
        raise KeyViolation(
            "An upsert needs key columns that identify a row.",
            hint="Pass `--key <column>` (several allowed), or use `--mode append`/`replace`.",
        )
    for where, schema in (("new data", incoming), ("table", table)):
        if schema is None:
            continue
        missing = [k for k in key if k not in schema.names]
        if missing:
            raise SchemaMismatch(
                f"Key column(s) {', '.join(missing)} not found in the {where}.",
                expected=list(key),
                found=schema.names,
                hint=f"Choose key columns among: {', '.join(schema.names)}.",
            )


def check_keys(con: duckdb.DuckDBPyConnection, view: str, key: Sequence[str]) -> None:
    """Raise KeyViolation naming the first null or repeated key in the incoming rows."""
    cols = ", ".join(_q(k) for k in key)
    null_test = " OR ".join(f"{_q(k)} IS NULL" for k in key)
    nulls = con.execute(f"SELECT count(*) FROM {view} WHERE {null_test}").fetchone()
    if nulls and nulls[0]:
        raise KeyViolation(
            f"{nulls[0]} row(s) have an empty key ({', '.join(key)}).",
            details={"key": list(key), "null_rows": nulls[0]},
            hint="Fill the key in every row, or choose other key columns.",
        )
    dup = con.execute(
        f"SELECT {cols}, count(*) AS n, count(*) OVER () AS keys FROM {view} "
        f"GROUP BY ALL HAVING count(*) > 1 ORDER BY n DESC, {cols} LIMIT 1"
    ).fetchone()
    if dup:
        values = dict(zip(key, dup[: len(key)], strict=True))
        shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
        raise KeyViolation(
            f"{dup[-1]} key value(s) repeat in the new data; first: {shown} ({dup[-2]} rows).",
            details={"key": list(key), "first": {k: str(v) for k, v in values.items()}},
            hint="Remove the duplicate rows, or choose key columns that are unique.",
        )


def merged_rows(
    con: duckdb.DuckDBPyConnection, *, scan: str, view: str, key: Sequence[str]
) -> Iterator[pa.RecordBatch]:
    """Current rows whose key is not incoming, followed by all incoming rows."""
    cols = ", ".join(_q(k) for k in key)
    sql = (
        f"SELECT t.* FROM {scan} AS t ANTI JOIN {view} AS i USING ({cols}) "
        f"UNION ALL BY NAME SELECT * FROM {view}"
    )
    reader = con.execute(sql).to_arrow_reader(MERGE_BATCH_ROWS)
    yield from reader


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
