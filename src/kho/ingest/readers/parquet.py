"""Parquet reader: stream record batches with pyarrow, keeping the column types."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kho.ingest.readers.base import DEFAULT_BATCH_ROWS, LINE, PROBLEM, SourceInfo, unreadable
from kho.ingest.readers.base import size_of as _size

if TYPE_CHECKING:
    import polars as pl


class ParquetSource:
    """A Parquet file; its columns become c0.. with their own types."""

    def __init__(self, path: Path, *, display_path: Path | None = None):
        import pyarrow.parquet as pq

        shown = display_path or path
        self.info = SourceInfo(path=shown, format="parquet", size_bytes=_size(path, shown))
        try:
            self.file: Any = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for broken files
            raise unreadable(
                shown,
                f"it is not a readable Parquet file ({exc}).",
                "Write the file again with a Parquet library.",
            ) from exc
        self.info.headers = list(self.file.schema_arrow.names)

    def batches(self, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[pl.DataFrame]:
        """Record batches of at most `batch_rows` rows, typed as in the file."""
        import polars as pl

        names = [f"c{i}" for i in range(len(self.info.headers))]
        line, produced = 1, False
        for batch in self.file.iter_batches(batch_size=batch_rows):
            frame = pl.from_arrow(batch.rename_columns(names))
            assert isinstance(frame, pl.DataFrame)
            yield frame.with_columns(
                pl.int_range(line, line + frame.height, dtype=pl.Int64).alias(LINE),
                pl.lit(None, pl.String).alias(PROBLEM),
            )
            line += frame.height
            produced = True
        if not produced:
            empty = pl.from_arrow(self.file.schema_arrow.empty_table().rename_columns(names))
            assert isinstance(empty, pl.DataFrame)
            yield empty.with_columns(
                pl.lit(None, pl.Int64).alias(LINE), pl.lit(None, pl.String).alias(PROBLEM)
            )
