"""Column types for ingest: clean raw text, decide each column's type from all its values, cast."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kho.ingest.vn.numbers import NumberStyle
from kho.ingest.vn.text import STRIP_CHARS

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa

Kind = Literal["text", "integer", "decimal", "float", "date", "timestamp", "boolean"]

NULL_MARKERS = (
    "",
    "..",
    "…",
    "-",
    "—",
    "–",
    "NA",
    "N/A",
    "n/a",
    "#N/A",
    "#n/a",
    "null",
    "NULL",
    "Null",
)
# Cells that need more than trimming: combining marks (NFD text) or Excel's _x000D_ escapes.
_NEEDS_REPAIR = (
    r"[\p{M}\x{2126}\x{212A}\x{212B}\x{1100}-\x{11FF}\x{F900}-\x{FAFF}]|_x[0-9A-Fa-f]{4}_"
)
_EXCEL_ESCAPE = r"_x000[dD]_"
CLEAN_DISTINCT_FROM = 10_000  # longer columns that repeat a lot are cleaned per distinct value


@dataclass
class ColumnType:
    """The type chosen for one column, with the reason and warnings shown in the load report."""

    kind: Kind
    number_style: NumberStyle | None = None
    date_format: str | None = None
    scale: int | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)

    def arrow_type(self) -> pa.DataType:
        """The Arrow type of the cast column."""
        import pyarrow as pa

        if self.kind == "decimal":
            return pa.decimal128(38, self.scale or 0)
        return {
            "text": pa.large_string(),  # what Polars hands over and Iceberg reads back
            "integer": pa.int64(),
            "float": pa.float64(),
            "date": pa.date32(),
            "timestamp": pa.timestamp("us"),
            "boolean": pa.bool_(),
        }[self.kind]

    def polars_type(self) -> pl.DataType:
        """The Polars dtype of the cast column."""
        import polars as pl

        if self.kind == "decimal":
            return pl.Decimal(38, self.scale or 0)
        return {
            "text": pl.String(),
            "integer": pl.Int64(),
            "float": pl.Float64(),
            "date": pl.Date(),
            "timestamp": pl.Datetime("us"),
            "boolean": pl.Boolean(),
        }[self.kind]


def clean_text(values: pl.Series) -> pl.Series:
    """Trim (NBSP, zero-width, BOM too), NFC, drop Excel ``_x000D_``, null markers → null.

    A column that repeats a lot (names of provinces, agencies, procedures) is cleaned once per
    distinct value and only the values that change are replaced.
    """
    import polars as pl

    s = values if values.dtype == pl.String else values.cast(pl.String)
    if s.len() >= CLEAN_DISTINCT_FROM and int(s.approx_n_unique()) * 4 <= s.len():  # type: ignore[arg-type]
        distinct = s.drop_nulls().unique()
        cleaned = _clean(distinct)
        changed = cleaned.ne_missing(distinct)
        if changed.any():
            before, after = distinct.filter(changed), cleaned.filter(changed)
            rows = s.is_in(before.to_list()).arg_true()  # usually a few percent of the rows
            s = s.scatter(rows, s.gather(rows).replace(before, after))
        return s.alias(values.name)
    return _clean(s).alias(values.name)


def _clean(s: pl.Series) -> pl.Series:
    import polars as pl

    s = s.str.strip_chars(STRIP_CHARS)
    if s.str.len_bytes().sum() == s.str.len_chars().sum():
        # ASCII only (codes, phone numbers): nothing to normalise, only Excel's _x000D_ to find.
        maybe = s.str.contains("_x", literal=True).fill_null(False)
        repair = s.str.contains(_NEEDS_REPAIR).fill_null(False) if maybe.any() else maybe
    else:
        repair = s.str.contains(_NEEDS_REPAIR).fill_null(False)
    if repair.any():
        idx = repair.arg_true()
        fixed = s.gather(idx).str.replace_all(_EXCEL_ESCAPE, "").str.normalize("NFC")
        s = s.scatter(idx, fixed.str.strip_chars(STRIP_CHARS))
    return pl.select(pl.when(s.is_in(NULL_MARKERS)).then(None).otherwise(s)).to_series()


def infer_column(values: pl.Series, *, name: str = "") -> ColumnType:
    """Decide a column's type from every value in it (Vietnamese rules; text when in doubt)."""
    import polars as pl

    from kho.ingest import _infer

    if values.dtype != pl.String:
        return _infer.infer_native(values, name)
    return _infer.infer_text(values.drop_nulls(), name)


def cast_column(values: pl.Series, ctype: ColumnType) -> tuple[pl.Series, pl.Series]:
    """Cast to ``ctype``; also return each bad cell's reason (null where fine or empty)."""
    from kho.ingest import _cast

    return _cast.cast(values, ctype)
