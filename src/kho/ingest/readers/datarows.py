"""Sort the rows below the header: keep data, set aside blank/group/repeated-header/footer rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kho.ingest.readers.base import LINE, PROBLEM, SkipKind, SkippedRow, SourceInfo, row_text
from kho.ingest.readers.layout import TOTAL_RE, footer_start

if TYPE_CHECKING:
    import polars as pl

VALUE_RE = r"^[-+]?\(?\d[\d.,\s]*\)?%?$|^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}"
FOOTER_TAIL_ROWS = 60


class RowSorter:
    """Classifies data-region rows batch by batch and records what it set aside in `info`."""

    def __init__(self, info: SourceInfo, width: int, header_cells: list[list[str]]):
        self.info = info
        self.width = width
        self.header_keys = ["\x1f".join((cells + [""] * width)[:width]) for cells in header_cells]
        self.totals_warned = False
        self.group_warned = False

    def sort(self, text: pl.DataFrame, out: pl.DataFrame, *, last: bool) -> pl.DataFrame:
        """Rows of `out` that are data; `text` holds the same rows as strings, with _line."""
        import polars as pl

        kinds = self._kinds(text)
        if last:
            kinds = self._mark_footer(text, kinds)
        self._warn_totals(text, kinds)
        dropped = text.with_columns(kinds.alias("_kind")).filter(pl.col("_kind").is_not_null())
        cols = [f"c{i}" for i in range(self.width)]
        for row in dropped.select([*cols, LINE, "_kind"]).iter_rows():
            kind: SkipKind = row[-1]
            self.info.skipped.append(SkippedRow(line=row[-2], kind=kind, text=row_text(row[:-2])))
            if kind == "group" and not self.group_warned:
                self.group_warned = True
                self.info.warn(
                    f"Group rows (a lone label such as {row_text(row[:-2])!r} at line {row[-2]}) "
                    "were skipped; the label is not copied onto the rows below it."
                )
        return out.filter(kinds.is_null())

    def _kinds(self, text: pl.DataFrame) -> pl.Series:
        """Only sparse rows or rows that start like the header can be non-data: classify those."""
        import polars as pl

        cols = [f"c{i}" for i in range(self.width)]
        cheap = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int32) for c in cols])
        maybe = cheap <= 2
        firsts = [key.split("\x1f")[0] for key in self.header_keys]
        if firsts:
            maybe = maybe | pl.col("c0").str.strip_chars().fill_null("").is_in(firsts)
        candidates = text.with_row_index("_i").filter(maybe)
        kinds = pl.Series("kind", [None] * text.height, dtype=pl.String)
        if candidates.height:
            found = candidates.select("_i", self._kind_expr().alias("kind"))
            kinds = kinds.scatter(found["_i"], found["kind"])
        return kinds

    def _stripped(self) -> list[pl.Expr]:
        import polars as pl

        return [pl.col(f"c{i}").str.strip_chars().fill_null("") for i in range(self.width)]

    def _kind_expr(self) -> pl.Expr:
        import polars as pl

        cells = self._stripped()
        count = pl.sum_horizontal([(c.str.len_chars() > 0).cast(pl.Int32) for c in cells])
        first = pl.concat_str(cells[:2], separator="")
        group = (
            (count == 1)
            & (cells[0].str.len_chars() + (cells[1].str.len_chars() if self.width > 1 else 0) > 0)
            & ~first.str.contains(VALUE_RE)
        )
        if self.width > 1:
            upper = cells[1].str.contains(r"[^\W\d_]{2,}\s+[^\W\d_]") & (
                cells[1] == cells[1].str.to_uppercase()
            )
            group = group | ((count == 2) & (cells[0] == "") & upper)
        key = pl.concat_str(cells, separator="\x1f")
        rules = [(count == 0, "blank")]
        if self.header_keys:
            rules.append((key.is_in(self.header_keys), "repeated_header"))
        if self.width >= 3:
            rules.append((group, "group"))
        expr: Any = pl.when(pl.col(PROBLEM).is_not_null()).then(pl.lit(None, pl.String))
        for condition, kind in rules:
            expr = expr.when(condition).then(pl.lit(kind))
        result: pl.Expr = expr.otherwise(pl.lit(None, pl.String))
        return result

    def _mark_footer(self, text: pl.DataFrame, kinds: pl.Series) -> pl.Series:
        import polars as pl

        tail_start = max(0, text.height - FOOTER_TAIL_ROWS)
        tail = text.slice(tail_start).select([f"c{i}" for i in range(self.width)]).rows()
        start = tail_start + footer_start(tail, self.width)
        if start >= text.height:
            return kinds
        marks = ["footer" if i >= start else k for i, k in enumerate(kinds.to_list())]
        for i in range(start, text.height):
            if not any((c or "").strip() for c in tail[i - tail_start]):
                marks[i] = "blank"
        return pl.Series("kind", marks, dtype=pl.String)

    def _warn_totals(self, text: pl.DataFrame, kinds: pl.Series) -> None:
        import polars as pl

        if self.totals_warned:
            return
        stripped = [pl.col(f"c{i}").str.strip_chars() for i in range(min(3, self.width))]
        label = pl.coalesce([pl.when(c.str.len_chars() > 0).then(c) for c in stripped])
        # The label is the first cell unless that is blank: test the first cell as it is (the
        # pattern allows leading spaces) and build the label only for rows it leaves open.
        cell = pl.col("c0")
        open_rows = cell.is_null() | cell.str.contains(r"^\s*$") | cell.str.contains(TOTAL_RE)
        hits = (
            text.with_columns(kinds.alias("_kind"))
            .filter(pl.col("_kind").is_null() & open_rows.fill_null(True))
            .filter(label.str.contains(TOTAL_RE).fill_null(False))
        )
        if hits.height:
            self.totals_warned = True
            first = hits.row(0, named=True)
            self.info.warn(
                f"Rows that look like totals (e.g. line {first[LINE]}: "
                f"{row_text([first[f'c{i}'] for i in range(self.width)])!r}) are kept as data; "
                "exclude them before summing."
            )
