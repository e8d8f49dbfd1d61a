"""Streamed export writers: Arrow batches in, file bytes out (CSV with BOM, XLSX, Parquet, JSON, NDJSON)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pyarrow as pa

Format = Literal["csv", "xlsx", "parquet", "json", "ndjson"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
    "ndjson": "application/x-ndjson",
}
EXCEL_MAX_ROWS = 1_048_576
Batches = Iterator["pa.RecordBatch"]


def json_value(value: Any) -> Any:
    """A value JSON can carry: dates/times ISO 8601, DECIMAL as a number, NaN/∞ as null, bytes base64."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_value(v) for v in value]
    return str(value)


def writer_for(fmt: Format) -> Callable[[pa.Schema, Batches], Iterator[bytes]]:
    """The streaming writer of one export format."""
    return {
        "csv": csv_chunks,
        "xlsx": xlsx_chunks,
        "parquet": parquet_chunks,
        "json": json_chunks,
        "ndjson": ndjson_chunks,
    }[fmt]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(json_value(value), ensure_ascii=False)
    return str(value)


def csv_chunks(schema: pa.Schema, batches: Batches) -> Iterator[bytes]:
    """UTF-8 with BOM and CRLF line ends, so Excel opens Vietnamese text correctly."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(schema.names)
    yield "\ufeff".encode() + buf.getvalue().encode("utf-8")
    for batch in batches:
        buf.seek(0)
        buf.truncate()
        for row in zip(*(c.to_pylist() for c in batch.columns), strict=True):
            writer.writerow([_cell(v) for v in row])
        yield buf.getvalue().encode("utf-8")


def _records(batch: pa.RecordBatch) -> Iterator[dict[str, Any]]:
    names = batch.schema.names
    for row in zip(*(c.to_pylist() for c in batch.columns), strict=True):
        yield {n: json_value(v) for n, v in zip(names, row, strict=True)}


def json_chunks(schema: pa.Schema, batches: Batches) -> Iterator[bytes]:
    """One JSON array of objects, written batch by batch."""
    yield b"["
    first = True
    for batch in batches:
        parts = [json.dumps(r, ensure_ascii=False) for r in _records(batch)]
        if parts:
            yield (("" if first else ",") + "\n" + ",\n".join(parts)).encode("utf-8")
            first = False
    yield b"\n]\n"


def ndjson_chunks(schema: pa.Schema, batches: Batches) -> Iterator[bytes]:
    """One JSON object per line."""
    for batch in batches:
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in _records(batch)]
        yield "".join(lines).encode("utf-8")


class _Drain:
    """A write-only file that hands out what was written so far, keeping the true offset for Parquet."""

    closed = False

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._pos = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._pos += len(data)
        return len(data)

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        return None

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True

    def take(self) -> bytes:
        out, self._parts = b"".join(self._parts), []
        return out


def parquet_chunks(schema: pa.Schema, batches: Batches) -> Iterator[bytes]:
    """Parquet, one row group per batch, bytes sent as each row group is finished."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = _Drain()
    with pq.ParquetWriter(pa.PythonFile(sink, mode="w"), schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_batch(batch)
            if chunk := sink.take():
                yield chunk
    yield sink.take()


def xlsx_chunks(schema: pa.Schema, batches: Batches) -> Iterator[bytes]:
    """XLSX through openpyxl's write-only mode (rows go to a temporary file, never all in memory)."""
    import tempfile
    from pathlib import Path

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(schema.names)
    written = 1
    for batch in batches:
        for row in zip(*(c.to_pylist() for c in batch.columns), strict=True):
            if written >= EXCEL_MAX_ROWS - 1:
                ws.append(
                    [
                        f"Excel holds at most {EXCEL_MAX_ROWS:,} rows; download CSV or Parquet for all."
                    ]
                )
                break
            ws.append([_xlsx_cell(v) for v in row])
            written += 1
        else:
            continue
        break
    with tempfile.TemporaryDirectory(prefix="kho-xlsx-") as tmp:
        path = Path(tmp) / "export.xlsx"
        wb.save(path)
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                yield chunk


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal | dt.date | dt.time | bool | int | float | str) or value is None:
        return value
    return _cell(value)
