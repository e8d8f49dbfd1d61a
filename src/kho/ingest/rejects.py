"""Rejected rows of each load, kept as a Parquet file beside the warehouse so nothing is lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from kho.errors import NotFound

if TYPE_CHECKING:
    import polars as pl

EXPORT_LINE = "kho_reject_line"
EXPORT_REASON = "kho_reject_reason"


class RejectStore:
    """One Parquet file per load: line, column, original value, reason and the whole original row."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, load_id: int) -> Path:
        return self.root / f"load-{load_id}.parquet"

    def save(self, load_id: int, rejects: pl.DataFrame) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.path(load_id).with_suffix(".tmp")
        rejects.write_parquet(tmp)
        tmp.replace(self.path(load_id))

    def read(self, load_id: int) -> pl.DataFrame:
        import polars as pl

        from kho.ingest.pipeline import empty_rejects

        path = self.path(load_id)
        if not path.exists():
            return empty_rejects()
        return pl.read_parquet(path)

    def export_rows(self, load_id: int, dest: Path) -> int:
        """Write each rejected row once, in its original columns plus line and reasons, as CSV (UTF-8 BOM).

        The file can be corrected in Excel and loaded again with `kho ingest … --mode append`;
        the two `kho_reject_*` columns are ignored on the way back in.
        """
        import csv

        frame = self.read(load_id)
        if frame.is_empty():
            raise NotFound(f"Load {load_id} has no rejected rows.")
        grouped = (
            frame.group_by("line", maintain_order=True)
            .agg(frame_reason(), row_first())
            .sort("line")
        )
        rows = [json.loads(r) for r in grouped["row"].to_list()]
        headers = list(rows[0].keys())
        with dest.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([*headers, EXPORT_LINE, EXPORT_REASON])
            for row, line, reason in zip(rows, grouped["line"], grouped["reason"], strict=True):
                writer.writerow([*(row.get(h) for h in headers), line, reason])
        return len(rows)


def frame_reason() -> pl.Expr:
    import polars as pl

    col = (
        pl.when(pl.col("column").is_null())
        .then(pl.col("reason"))
        .otherwise(pl.col("column") + pl.lit(": ") + pl.col("reason"))
    )
    return col.str.join("; ").alias("reason")


def row_first() -> pl.Expr:
    import polars as pl

    return pl.col("row").first()
