"""Rows received from a database driver: Python values → Arrow columns, checksums summed per batch.

The SQLAlchemy path has no source-side DuckDB session, so its source checksums are computed over
the rows as they arrive, batch by batch, with the same expressions the scanner path runs on the
source. The sums of hashes add up exactly across batches, so the result equals one query over all
rows received.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from kho.errors import InvalidInput

if TYPE_CHECKING:
    import pyarrow as pa

    from kho.migrate.transfer import Checksums


def to_arrow(
    values: Sequence[Any], arrow_type: pa.DataType, *, column: str, duck_type: str
) -> pa.Array:
    """One column as Arrow; values the driver gave in another Python type are converted first."""
    import pyarrow as pa

    try:
        return pa.array(values, arrow_type)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        fixed = [_normalise(v, arrow_type) for v in values]
    try:
        return pa.array(fixed, arrow_type)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        bad = next(v for v in fixed if not _fits(v, arrow_type))
        raise InvalidInput(
            f"Column {column!r} has a value Kho cannot read as {duck_type}: {str(bad)[:80]!r}.",
            hint="Correct the value in the source (or read the table through a view that converts "
            "it), or leave the table out with --table.",
        ) from None


def _fits(value: Any, arrow_type: pa.DataType) -> bool:
    import pyarrow as pa

    try:
        pa.array([value], arrow_type)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return False
    return True


def _normalise(value: Any, arrow_type: pa.DataType) -> Any:
    """The same value in the Python type pyarrow expects for ``arrow_type``, where one exists."""
    import pyarrow as pa

    if value is None:
        return None
    if hasattr(value, "read"):  # a LOB handle (Oracle CLOB/BLOB not converted by the dialect)
        value = value.read()
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
    return value


def _to_decimal(value: float | int | str, scale: int) -> Decimal | float | int | str:
    """A number rounded half away from zero to the column's scale, as DuckDB's cast rounds."""
    try:
        return Decimal(value).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    except (
        ArithmeticError
    ):  # text that is no number, NaN, or too many digits: refused by the caller
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
