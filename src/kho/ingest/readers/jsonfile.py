"""JSON and NDJSON reader: records (flattened), positional arrays, or one array inside an object."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kho.ingest.readers.base import (
    DEFAULT_BATCH_ROWS,
    LINE,
    PROBLEM,
    SourceInfo,
    positional_headers,
    unreadable,
)
from kho.ingest.readers.base import (
    size_of as _size,
)

if TYPE_CHECKING:
    import polars as pl

EXPECTED = (
    "Expected an array of objects, an array of arrays, an object holding one such array "
    '(e.g. {"data": [...]}), or one JSON object per line (NDJSON).'
)


class JsonSource:
    """A JSON document or NDJSON file whose records become columns c0.. in first-seen key order."""

    def __init__(self, path: Path, *, ndjson: bool = False, display_path: Path | None = None):
        shown = display_path or path
        self.path = path
        self.info = SourceInfo(
            path=shown,
            format="ndjson" if ndjson else "json",
            size_bytes=_size(path, shown),
            encoding="utf-8",
        )
        if path.stat().st_size == 0:
            raise unreadable(shown, "the file is empty (0 bytes).", "Export the data again.")
        self.records = _read_ndjson(path, shown) if ndjson else self._read_document()
        self._shape_columns()

    def _read_document(self) -> list[Any]:
        try:
            with self.path.open("rb") as handle:
                document = json.load(handle)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = (
                f" at line {exc.lineno}, column {exc.colno}"
                if isinstance(exc, json.JSONDecodeError)
                else ""
            )
            raise unreadable(
                self.info.path,
                f"it is not valid JSON{where}: {exc}.",
                "Check the file is complete JSON (UTF-8).",
            ) from exc
        return self._records_of(document)

    def _records_of(self, document: Any) -> list[Any]:
        if isinstance(document, list):
            return self._checked(document, "the top-level array")
        if isinstance(document, dict):
            arrays = {
                k: v
                for k, v in document.items()
                if isinstance(v, list) and v and all(isinstance(x, dict | list) for x in v)
            }
            if len(arrays) == 1:
                key, records = next(iter(arrays.items()))
                others = [k for k in document if k != key]
                if others:
                    self.info.warn(
                        f"Read the records under {key!r}; ignored the other keys: "
                        f"{', '.join(others)}."
                    )
                return self._checked(records, f"the array under {key!r}")
            found = (
                f"an object with {len(arrays)} arrays of records ({', '.join(arrays)})"
                if arrays
                else "an object without an array of records"
            )
            raise unreadable(self.info.path, f"found {found}, not a table.", EXPECTED)
        raise unreadable(
            self.info.path,
            f"found a single {type(document).__name__} value, not a table.",
            EXPECTED,
        )

    def _checked(self, records: list[Any], where: str) -> list[Any]:
        kinds = {type(r) for r in records if r is not None}
        if not records:
            return []
        if kinds <= {dict} or kinds <= {list}:
            return records
        names = ", ".join(sorted(k.__name__ for k in kinds))
        raise unreadable(
            self.info.path, f"{where} mixes or holds non-record values ({names}).", EXPECTED
        )

    def _shape_columns(self) -> None:
        first = next((r for r in self.records if r is not None), None)
        if isinstance(first, list):
            self._positional()
        else:
            self.flat = [_flatten(r) if isinstance(r, dict) else {} for r in self.records]
            keys: dict[str, None] = {}
            for record in self.flat:
                keys.update(dict.fromkeys(record))
            self.keys = list(keys)
            self.info.headers = self.keys
            self.offset = 0

    def _positional(self) -> None:
        rows = [r if isinstance(r, list) else [] for r in self.records]
        width = max((len(r) for r in rows), default=0)
        head = rows[0] if rows else []
        rest_all_strings = all(isinstance(c, str) for r in rows[1:] for c in r)
        header = bool(head) and all(isinstance(c, str) for c in head) and not rest_all_strings
        self.info.has_header = header
        self.info.headers = (
            [str(c) for c in head] + [""] * (width - len(head))
            if header
            else positional_headers(width)
        )
        if header:
            self.info.header_lines = [1]
        else:
            self.info.warn(
                "The records are arrays without field names: columns are named Cột 1, Cột 2, …"
            )
        self.keys = [str(i) for i in range(width)]
        self.offset = 1 if header else 0
        self.flat = [{str(i): v for i, v in enumerate(r)} for r in rows[self.offset :]]

    def batches(self, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[pl.DataFrame]:
        """Records as columns c0..; _line is the record's 1-based position in the array/file."""
        for start in range(0, max(len(self.flat), 1), batch_rows):
            yield self._frame(self.flat[start : start + batch_rows], start)

    def _frame(self, records: list[dict[str, Any]], start: int) -> pl.DataFrame:
        import polars as pl

        columns = [_column(f"c{i}", [r.get(k) for r in records]) for i, k in enumerate(self.keys)]
        lines = pl.Series(
            LINE,
            range(start + 1 + self.offset, start + 1 + self.offset + len(records)),
            dtype=pl.Int64,
        )
        problem = pl.Series(PROBLEM, [None] * len(records), dtype=pl.String)
        return pl.DataFrame([*columns, lines, problem])


def _read_ndjson(path: Path, shown: Path) -> list[Any]:
    records: list[Any] = []
    with path.open("r", encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise unreadable(
                    shown,
                    f"line {number} is not valid JSON: {exc.msg}.",
                    "Each line of an NDJSON file must be one JSON object.",
                ) from exc
            if not isinstance(value, dict):
                raise unreadable(
                    shown, f"line {number} holds a {type(value).__name__}, not an object.", EXPECTED
                )
            records.append(value)
    return records


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _column(name: str, values: list[Any]) -> pl.Series:
    import polars as pl

    kinds = {type(v) for v in values if v is not None}
    if kinds == {bool}:
        return pl.Series(name, values, dtype=pl.Boolean)
    if kinds == {int} and all(abs(v) < 2**63 for v in values if v is not None):
        return pl.Series(name, values, dtype=pl.Int64)
    if kinds and kinds <= {int, float} and bool not in kinds:
        return pl.Series(name, [None if v is None else float(v) for v in values], dtype=pl.Float64)
    return pl.Series(name, [_text(v) for v in values], dtype=pl.String)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
