"""From raw text batches to typed Arrow tables plus rejected cells, column by column."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Sequence

    import polars as pl
    import pyarrow as pa

    from kho.ingest.coltypes import ColumnType
    from kho.ingest.unitcols import UnitColumn

T = TypeVar("T")
LINE, PROBLEM = "_line", "_problem"
REJECT_EXPORT_PREFIX = "kho_reject_"
LEGACY_SAMPLE = 20_000
EXAMPLE_ROWS = 5_000  # examples of a column come from the first rows of each batch


@dataclass
class ColumnPlan:
    """How one source column becomes one table column."""

    source: str  # "c0", "c1", ... in the reader's batches
    header: str
    name: str
    ctype: ColumnType | None = None
    null_count: int = 0
    rejected: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    table: pa.Table
    rejects: pl.DataFrame  # line, column, value, reason, row (JSON of the original cells)
    rows_read: int


def detect_file_legacy(frame: pl.DataFrame, plans: list[ColumnPlan]) -> str | None:
    """Decide TCVN3/VNI once per file from the non-ASCII text of all its text columns."""
    import polars as pl

    from kho.ingest.vn.legacy import detect_legacy

    values: list[str] = [p.header for p in plans if p.header and not p.header.isascii()]
    sample = frame.head(LEGACY_SAMPLE)
    for p in plans:
        col = sample[p.source].drop_nulls()
        if col.dtype != pl.String:
            continue
        nonascii = col.filter(~col.str.contains(r"^[\x00-\x7f]*$"))
        values.extend(nonascii.head(LEGACY_SAMPLE // max(len(plans), 1)).to_list())
    return detect_legacy(values) if values else None


def clean_frame(frame: pl.DataFrame, plans: list[ColumnPlan], legacy: str | None) -> pl.DataFrame:
    """Legacy-font conversion, NFC, trimming and null markers on every text column."""
    import polars as pl

    from kho.ingest.coltypes import clean_text
    from kho.ingest.vn.legacy import convert_legacy

    def one(p: ColumnPlan) -> pl.Series:
        col = frame[p.source]
        if col.dtype == pl.String:
            if legacy:
                col = col.map_elements(lambda s: convert_legacy(s, legacy), return_dtype=pl.String)  # type: ignore[arg-type]
            col = clean_text(col)
        return col.alias(p.source)

    return frame.with_columns(_parallel(one, plans))


def infer_plans(
    frame: pl.DataFrame, plans: list[ColumnPlan], fixed: dict[str, ColumnType] | None = None
) -> None:
    """Decide each column's type from the whole (cleaned) column; existing table types win."""
    from kho.ingest.coltypes import infer_column

    inferred = _parallel(lambda p: infer_column(frame[p.source], name=p.header), plans)
    for p, guess in zip(plans, inferred, strict=True):
        known = (fixed or {}).get(p.name)
        p.ctype = guess if known is None or known.kind == guess.kind else _keep(known, guess)


def _keep(known: ColumnType, inferred: ColumnType) -> ColumnType:
    from dataclasses import replace

    note = (
        f"kept the table's existing type {known.kind} (this file alone looks like "
        f"{inferred.kind}); values that do not fit are rejected"
    )
    return replace(known, warnings=[*inferred.warnings, note], reason=known.reason)


def cast_batch(
    raw: pl.DataFrame,
    clean: pl.DataFrame,
    plans: list[ColumnPlan],
    schema: pa.Schema,
    unit_columns: Sequence[UnitColumn] = (),
) -> BatchResult:
    """Cast every column; a row with any bad cell (or a reader problem) goes to rejects whole."""
    import polars as pl

    from kho.ingest.coltypes import cast_column

    results = _parallel(lambda p: cast_column(clean[p.source], p.ctype), plans)  # type: ignore[arg-type]
    typed = {p.name: values for p, (values, _) in zip(plans, results, strict=True)}
    reasons = {p.name: why for p, (_, why) in zip(plans, results, strict=True)}
    checks = [why.is_not_null() for why in reasons.values() if why.null_count() < why.len()]
    if PROBLEM in clean.columns and clean[PROBLEM].null_count() < clean.height:
        checks.append(clean[PROBLEM].is_not_null())
    bad = (
        pl.select(pl.any_horizontal(checks)).to_series()
        if checks
        else pl.repeat(False, clean.height, eager=True)
    )
    rejects = _reject_frame(raw, plans, reasons, bad)
    frame = pl.DataFrame([typed[p.name].alias(p.name) for p in plans])
    sample = min(clean.height, EXAMPLE_ROWS)
    good_sample = ~bad.head(sample)
    if bool(bad.any()):
        frame = frame.filter(~bad)
    nulls = frame.null_count().row(0) if frame.width else ()
    for p, null_count in zip(plans, nulls, strict=True):
        p.null_count += int(null_count)
        p.rejected += reasons[p.name].len() - reasons[p.name].null_count()
        if len(p.examples) < 3:
            source = clean[p.source].head(sample)
            if source.dtype != pl.String:
                source = typed[p.name].head(sample)
            _add_examples(p, source.filter(good_sample))
    for unit in unit_columns:
        frame = frame.hstack(unit.derive(frame[unit.name]))
    return BatchResult(table=_to_arrow(frame, schema), rejects=rejects, rows_read=raw.height)


def _parallel(fn: Callable[[ColumnPlan], T], plans: list[ColumnPlan]) -> list[T]:
    """Column work in threads: Polars releases the GIL, so columns use every core."""
    from concurrent.futures import ThreadPoolExecutor

    if len(plans) < 2:
        return [fn(p) for p in plans]
    with ThreadPoolExecutor(max_workers=min(len(plans), os.cpu_count() or 2)) as pool:
        return list(pool.map(fn, plans))


def _add_examples(p: ColumnPlan, values: pl.Series) -> None:
    for v in values.drop_nulls().unique(maintain_order=True).head(3).to_list():
        text = str(v)
        if text not in p.examples and len(p.examples) < 3:
            p.examples.append(text[:80])


def _to_arrow(frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    import pyarrow as pa

    table = frame.to_arrow()
    columns = [table.column(f.name).cast(f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def _reject_frame(
    raw: pl.DataFrame, plans: list[ColumnPlan], reasons: dict[str, pl.Series], bad: pl.Series
) -> pl.DataFrame:
    import polars as pl

    if not bool(bad.any()):
        return empty_rejects()
    rows = raw.filter(bad)
    row_json = rows.select(
        pl.struct([pl.col(p.source).cast(pl.String).alias(p.header or p.name) for p in plans])
        .struct.json_encode()
        .alias("row")
    )["row"]
    parts = []
    if PROBLEM in rows.columns:
        prob = rows[PROBLEM]
        parts.append(
            pl.DataFrame(
                {
                    "line": rows[LINE],
                    "column": pl.repeat(None, rows.height, dtype=pl.String, eager=True),
                    "value": pl.repeat(None, rows.height, dtype=pl.String, eager=True),
                    "reason": prob,
                    "row": row_json,
                }
            ).filter(prob.is_not_null())
        )
    for p in plans:
        why = reasons[p.name].filter(bad)
        part = pl.DataFrame(
            {
                "line": rows[LINE],
                "column": pl.repeat(p.header or p.name, rows.height, dtype=pl.String, eager=True),
                "value": rows[p.source].cast(pl.String),
                "reason": why,
                "row": row_json,
            }
        )
        parts.append(part.filter(why.is_not_null()))
    return pl.concat(parts).sort("line", maintain_order=True) if parts else empty_rejects()


def empty_rejects() -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame(
        schema={
            "line": pl.Int64,
            "column": pl.String,
            "value": pl.String,
            "reason": pl.String,
            "row": pl.String,
        }
    )


def reason_kind(reason: str) -> str:
    """Group reasons for the report: the reason text with quoted values removed."""
    import re

    return re.sub(r"'[^']*'", "'…'", reason)[:200]


def count_reasons(rejects: pl.DataFrame, into: Counter[str]) -> None:
    for reason, n in rejects.group_by("reason").len().iter_rows():
        into[reason_kind(str(reason))] += int(n)


def arrow_schema(plans: list[ColumnPlan], unit_columns: Sequence[UnitColumn] = ()) -> pa.Schema:
    import pyarrow as pa

    fields = [pa.field(p.name, p.ctype.arrow_type()) for p in plans if p.ctype]
    return pa.schema(fields + [f for u in unit_columns for f in u.fields()])


def type_detail(ctype: ColumnType) -> dict[str, Any]:
    detail: dict[str, Any] = {}
    for key in ("number_style", "date_format", "scale"):
        value = getattr(ctype, key, None)
        if value is not None:
            detail[key] = value
    return detail
