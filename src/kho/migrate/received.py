"""Rows received from a database driver: Python values → planned Arrow batches, rejects, checksums.

The SQLAlchemy path (and a SQLite table whose values do not all fit their declared types) has no
source-side query to verify against, so its source checksums are computed over the rows as they
arrive, batch by batch, with the same expressions the scanner path runs on the source. The sums of
hashes add up exactly across batches, so the result equals one query over all rows kept. A row
with a value that cannot be kept (`misfits`) is left out of the batch and logged whole, with the
reason per value, in the layout of ingest's reject files.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import polars as pl
    import pyarrow as pa

    from kho.migrate.misfits import Fitted
    from kho.migrate.transfer import Checksums, ColumnPlan

_RECEIVED = "kho_received"
_LINE, _BAD = "kho__line", "kho__bad"


def normalise(value: Any, arrow_type: pa.DataType) -> Any:
    """The same value in the Python type pyarrow expects for ``arrow_type``, where one exists."""
    import pyarrow as pa

    if value is None:
        return None
    if hasattr(value, "read"):  # a LOB handle (Oracle CLOB/BLOB not converted by the dialect)
        value = value.read()
    if pa.types.is_boolean(arrow_type) and isinstance(value, int):
        return bool(value)  # MySQL tinyint(1): any value but 0 is true, as DuckDB reads it
    if pa.types.is_floating(arrow_type) and isinstance(value, Decimal):
        return float(value)
    if pa.types.is_decimal(arrow_type) and isinstance(value, float | int | str):
        return _to_decimal(value, arrow_type.scale)
    if pa.types.is_time(arrow_type) and isinstance(value, timedelta):
        in_day = timedelta(0) <= value < timedelta(days=1)
        return (datetime.min + value).time() if in_day else value
    if pa.types.is_string(arrow_type) and not isinstance(value, str):
        is_json = isinstance(value, dict | list)
        return json.dumps(value, ensure_ascii=False) if is_json else str(value)
    if pa.types.is_binary(arrow_type) and isinstance(value, bytearray | memoryview):
        return bytes(value)
    if pa.types.is_binary(arrow_type) and isinstance(value, str):
        return value.encode()  # SQLite text in a BLOB column, as DuckDB's scanner reads it
    return value


def _to_decimal(value: float | int | str, scale: int) -> Decimal | float | int | str:
    """A number rounded half away from zero to the column's scale, as DuckDB's cast rounds."""
    try:
        return Decimal(value).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    except ArithmeticError:  # text that is no number, NaN, too many digits: fitted by the caller
        return value


def trim_padding(array: pa.Array) -> pa.Array:
    """CHAR(n) values without the trailing spaces the server pads them with."""
    import pyarrow.compute as pc

    return pc.utf8_rtrim(array, characters=" ")


class RunningChecksums:
    """Row count, and per expression the non-null count and sum of hashes, added batch by batch."""

    def __init__(self, width: int) -> None:
        self.rows = 0
        self.counts = [0] * width
        self.sums: list[int | None] = [None] * width
        self.complete = False

    def add(self, batch: Checksums) -> None:
        rows, pairs = batch
        self.rows += rows
        for i, (count, hashed) in enumerate(pairs):
            self.counts[i] += count
            if hashed is not None:
                self.sums[i] = (self.sums[i] or 0) + int(hashed)

    def result(self) -> Checksums:
        """The totals, as one query over every received row would give them."""
        sums = [None if s is None else str(s) for s in self.sums]
        return self.rows, list(zip(self.counts, sums, strict=True))


class RejectLog:
    """Rows of one table that could not be loaded: line (rowid), key, column, value, reason, row."""

    def __init__(self, columns: Sequence[str], key: Sequence[str] = ()) -> None:
        self.columns = list(columns)
        self.key = [c for c in key if c in self.columns]
        self.records: list[dict[str, Any]] = []
        self.rows = 0
        self.cast: Counter[str] = Counter()  # per column: values Kho's rules converted
        self.checksum_basis: str | None = None  # set when the source side was summed on the way
        self.kept_keys: list[pa.Table] = []  # planned key values of the rejected rows
        self.notes: list[str] = []  # how the table had to be read, for the report

    def add(self, line: int, row: Sequence[Any], reasons: Sequence[str | None]) -> None:
        """One rejected row: a record per value that could not be kept."""
        self.rows += 1
        shown = {c: _cell(v) for c, v in zip(self.columns, row, strict=True)}
        whole = json.dumps(shown, ensure_ascii=False)
        key = json.dumps({c: shown[c] for c in self.key}, ensure_ascii=False) if self.key else None
        for column, why in zip(self.columns, reasons, strict=True):
            if why:
                self.records.append(
                    {"line": line, "column": column, "value": shown[column], "reason": why}
                    | {"row": whole, "key": key}
                )

    def frame(self) -> pl.DataFrame:
        """The rejects in the layout of ingest's reject files (plus the row's key as JSON)."""
        import polars as pl

        schema = {"line": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
        return pl.DataFrame(self.records, schema=schema | {"row": pl.String, "key": pl.String})

    def summary(self, names: dict[str, str]) -> list[str]:
        """Report notes: how the table was read, values cast by Kho's rules, rows rejected.

        ``names`` maps source column names to the dataset's column names.
        """
        notes = list(self.notes)
        notes += [
            f"{names.get(col, col)}: {n:,} value(s) stored as text read by Kho's rules"
            for col, n in self.cast.items()
            if n
        ]
        if self.rows:
            notes.append(f"{self.rows:,} rows rejected: {self.top_reasons(names)}")
        return notes

    def top_reasons(self, names: dict[str, str]) -> str:
        """The three most frequent reasons with their column and count (values left out)."""
        from kho.ingest.pipeline import reason_kind

        seen = Counter(
            f"{names.get(r['column'], r['column'])}: {reason_kind(r['reason'])}"
            for r in self.records
        )
        return "; ".join(f"{reason} ({n:,}×)" for reason, n in seen.most_common(3))


def _cell(value: Any) -> str | None:
    """A stored value as text for the reject file (binary as hex)."""
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return "0x" + bytes(value).hex()
    return value if isinstance(value, str) else str(value)


class ReceivedRows:
    """Batches of received rows → fitted to their types, planned, summed; misfit rows logged."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        types: Sequence[str],
        plans: list[ColumnPlan],
        log: RejectLog,
        *,
        where: str = "",
        trim: Sequence[bool] = (),
        key: Sequence[str] = (),
    ) -> None:
        self.con, self.types, self.plans, self.log = con, list(types), plans, log
        self.keep = f"NOT {_BAD}" + (f" AND ({where})" if where else "")
        self.refused = f"{_BAD} AND ({where or 'true'}) IS NOT FALSE"  # the filter may be null
        self.trim = list(trim) or [False] * len(self.types)
        self.key_exprs = [f'{p.expr} AS "{p.name}"' for p in plans if p.name in key]
        self.sums = RunningChecksums(len(plans))
        self.done = 0

    def batch(self, rows: Sequence[Sequence[Any]], lines: Sequence[int] | None = None) -> pa.Table:
        """One batch planned: the rows that fit, their checksums added, the others logged."""
        import pyarrow as pa

        from kho.migrate.misfits import fit_column
        from kho.migrate.transfer import checksums, select_sql

        lines = (
            list(lines)
            if lines is not None
            else list(range(self.done + 1, self.done + len(rows) + 1))
        )
        self.done += len(rows)
        values: list[Sequence[Any]] = (
            list(zip(*rows, strict=True)) if rows else [() for _ in self.types]
        )
        fitted = [fit_column(v, duck, self.con) for v, duck in zip(values, self.types, strict=True)]
        bad = [False] * len(rows)
        for f in fitted:
            for i, why in enumerate(f.reasons or ()):
                bad[i] = bad[i] or why is not None
        arrays = [
            trim_padding(f.array) if t else f.array for f, t in zip(fitted, self.trim, strict=True)
        ]
        names = self.log.columns + [_LINE, _BAD]
        received = pa.Table.from_arrays(
            [*arrays, pa.array(lines, pa.int64()), pa.array(bad, pa.bool_())], names=names
        )
        self.con.register(_RECEIVED, received)
        try:
            planned = self.con.execute(
                select_sql(_RECEIVED, self.plans, self.keep)
            ).to_arrow_table()
            kept = f"(SELECT * FROM {_RECEIVED} WHERE {self.keep})"
            self.sums.add(checksums(self.con, kept, [p.expr for p in self.plans]))
            if any(bad):
                self._log_rejects(values, fitted, lines)
        finally:
            self.con.unregister(_RECEIVED)
        for name, f in zip(self.log.columns, fitted, strict=True):
            self.log.cast[name] += f.cast
        return planned

    def _log_rejects(
        self, values: list[Sequence[Any]], fitted: list[Fitted], lines: list[int]
    ) -> None:
        """Log each misfit row the batch's filter (a sync's watermark) would have read."""
        sql = f"SELECT {_LINE} FROM {_RECEIVED} WHERE {self.refused}"
        wanted = {int(r[0]) for r in self.con.execute(sql).fetchall()}
        for i, line in enumerate(lines):
            if line in wanted:
                reasons = [f.reasons[i] if f.reasons else None for f in fitted]
                self.log.add(line, [column[i] for column in values], reasons)
        if self.key_exprs:
            keys = f"SELECT {', '.join(self.key_exprs)} FROM {_RECEIVED} WHERE {self.refused}"
            self.log.kept_keys.append(self.con.execute(keys).to_arrow_table())
