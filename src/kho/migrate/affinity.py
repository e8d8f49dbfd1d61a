"""SQLite columns holding values of another type than declared: the table read as SQLite stores it.

SQLite lets any value into any column, and DuckDB's SQLite scanner stops the whole table at the
first value that does not match the column's declared type (``TypeMismatchException … SET
sqlite_all_varchar=true``). Such a table is read again through Python's sqlite3 (read-only) with
each value as SQLite stores it, fitted to the scanner's column types by Kho's rules (`misfits`);
the rows that still do not fit are kept as rejects under their rowid. Clean tables keep the
scanner and pay nothing for this: the second read happens only after the scanner refused one.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import TYPE_CHECKING, Any

from kho.migrate.received import ReceivedRows, RejectLog

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from kho.migrate.sources import SourceTable
    from kho.migrate.transfer import ColumnPlan

_ROWID_NAMES = ("rowid", "_rowid_", "oid")


def scanner_refused(exc: BaseException) -> bool:
    """Whether DuckDB's scanner stopped at a value it cannot read as the column's declared type."""
    import duckdb

    refusals = (
        duckdb.TypeMismatchException,
        duckdb.ConversionException,
        duckdb.InvalidInputException,  # text that is not UTF-8
        duckdb.OutOfRangeException,
    )
    return isinstance(exc, refusals)


def refusal_note(exc: BaseException) -> str:
    """The scanner's own words for the value it stopped at, for the report."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    text = re.sub(r"^[\w ]*Error: ", "", text)
    return f"read as SQLite stores the values, since DuckDB's scanner stopped: {text[:300]}"


def has_time_column(table: SourceTable) -> bool:
    """Declared TIME: the scanner reads it as a timestamp and refuses every time of day."""
    return any(c.duck_type == "TIME" for c in table.columns)


def read_as_stored(
    path: str,
    table: SourceTable,
    plans: list[ColumnPlan],
    rows: ReceivedRows,
    *,
    on_rows: Callable[[int], None] | None = None,
) -> Iterator[pa.Table]:
    """The table's rows as SQLite stores them, fitted and planned batch by batch (line = rowid)."""
    from kho.migrate.transfer import BATCH_ROWS, repair_batches

    return repair_batches(_batches(path, table, rows, BATCH_ROWS), plans, on_rows=on_rows)


def _batches(path: str, table: SourceTable, rows: ReceivedRows, size: int) -> Iterator[pa.Table]:
    columns = ", ".join(_quote(c.name) for c in table.columns)
    with closing(_connect(path)) as conn:
        has_rowid = _has_rowid(conn, table)
        cursor = conn.execute(
            f"SELECT {'rowid, ' if has_rowid else ''}{columns} FROM {_quote(table.name)}"
        )
        seen = False
        while batch := cursor.fetchmany(size):
            seen = True
            if has_rowid:
                yield rows.batch([r[1:] for r in batch], [int(r[0]) for r in batch])
            else:
                yield rows.batch(batch)
        if not seen:
            yield rows.batch([])
    rows.log.checksum_basis = "loaded rows"
    rows.sums.complete = True


def _has_rowid(conn: sqlite3.Connection, table: SourceTable) -> bool:
    """Whether rows have a rowid to name them by (not WITHOUT ROWID, not shadowed by a column)."""
    if any(c.name.lower() in _ROWID_NAMES for c in table.columns):
        return False
    try:
        conn.execute(f"SELECT rowid FROM {_quote(table.name)} LIMIT 0")
    except sqlite3.OperationalError:
        return False
    return True


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.text_factory = _decode
    return conn


def _decode(raw: bytes) -> Any:
    """Text as str; bytes that are not UTF-8 stay bytes, so the value is rejected, not garbled."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def new_rows(
    con: duckdb.DuckDBPyConnection,
    table: SourceTable,
    plans: list[ColumnPlan],
    log: RejectLog,
    where: str = "",
) -> ReceivedRows:
    """The fitting of one table's rows, with the scanner's column types."""
    key = [p.name for p in plans if p.source in table.key]
    return ReceivedRows(con, [c.duck_type for c in table.columns], plans, log, where=where, key=key)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
