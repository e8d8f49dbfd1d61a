"""Casting behind ``cast_column``: typed values plus a reason for every bad cell."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kho.ingest.vn import booleans, dates, numbers

if TYPE_CHECKING:
    import polars as pl

    from kho.ingest.coltypes import ColumnType

_V, _T = "v", "t"


def cast(values: pl.Series, ctype: ColumnType) -> tuple[pl.Series, pl.Series]:
    """Cast ``values`` to ``ctype``; reasons are null where the cell is empty or cast fine."""
    import polars as pl

    frame = values.alias(_V).to_frame()
    if ctype.kind == "text":
        typed = _to_text(values)
        return typed, pl.repeat(None, values.len(), dtype=pl.String, eager=True).alias(values.name)
    if values.dtype == pl.String and ctype.kind in ("integer", "decimal", "float"):
        why = _number_reason(ctype)
        typed = _via_uniques(
            values,
            lambda u: u.to_frame(_V).select(_number_expr(u.to_frame(_V), ctype)[0]).to_series(),
        )
    else:
        if values.dtype == pl.String:
            expr, why = _parse_expr(frame, ctype)
        else:
            expr, why = _native_expr(values, ctype), f"is not a {ctype.kind} value"
        typed = frame.select(expr.alias(_T)).to_series()
    typed = typed.alias(values.name)
    failed = (values.is_not_null() & typed.is_null()).arg_true()
    reasons = pl.repeat(None, values.len(), dtype=pl.String, eager=True).alias(values.name)
    if failed.is_empty():
        return typed, reasons
    said = (
        values.gather(failed)
        .to_frame(_V)
        .select(pl.format("'{}' " + why, pl.col(_V).cast(pl.String).str.slice(0, 80)))
        .to_series()
    )
    return typed, reasons.scatter(failed, said)


def _to_text(values: pl.Series) -> pl.Series:
    import polars as pl

    if values.dtype == pl.String:
        return values
    if values.dtype.is_float():
        whole = values.is_not_nan() & (values == values.round(0)) & (values.abs() < 2**53)
        as_int = values.cast(pl.Int64, strict=False).cast(pl.String)
        return pl.select(pl.when(whole).then(as_int).otherwise(values.cast(pl.String))).to_series()
    return values.cast(pl.String)


def _parse_expr(frame: pl.DataFrame, ctype: ColumnType) -> tuple[pl.Expr | pl.Series, str]:
    if ctype.kind in ("integer", "decimal", "float"):
        return _number_expr(frame, ctype)
    if ctype.kind in ("date", "timestamp"):
        return _date_expr(frame, ctype)
    if ctype.kind == "boolean":
        return _boolean_expr(), "is not a yes/no value (Có/Không, Đúng/Sai, x)"
    raise ValueError(f"Unknown column kind {ctype.kind!r}.")


def _number_expr(frame: pl.DataFrame, ctype: ColumnType) -> tuple[pl.Expr, str]:
    import polars as pl

    style = ctype.number_style or "plain"
    v = pl.col(_V)
    has_extras = bool(frame.select(v.str.contains(r"[^\d.,\-]").any()).item())
    plain = numbers.normalise_expr(_V, style, has_extras=has_extras)
    fits = v.str.contains(numbers.full_pattern(numbers.CORES[style]))
    if ctype.kind == "integer":
        target: pl.DataType = pl.Int64()
    elif ctype.kind == "decimal":
        scale = ctype.scale or 0
        target = pl.Decimal(38, scale)
        fits = fits & ~plain.str.contains(rf"\.\d{{{scale + 1},}}$")
    else:
        target = pl.Float64()
    return pl.when(fits).then(plain.cast(target, strict=False)), _number_reason(ctype)


def _number_reason(ctype: ColumnType) -> str:
    style = ctype.number_style or "plain"
    if ctype.kind == "integer":
        return f"is not a whole number written like {numbers.WHOLE_EXAMPLE[style]}"
    if ctype.kind == "decimal":
        example, scale = numbers.EXAMPLE[style], ctype.scale or 0
        return f"is not a number written like {example} with at most {scale} decimals"
    return f"is not a number written like {numbers.EXAMPLE[style]}"


def _date_expr(frame: pl.DataFrame, ctype: ColumnType) -> tuple[pl.Series, str]:
    form = dates.form_for(ctype.date_format or "%d/%m/%Y")
    what = "date" if ctype.kind == "date" else "date and time"
    values = frame.get_column(_V)
    return _via_uniques(
        values, lambda u: _parse_dates(u, form, ctype)
    ), f"is not a {form.label} {what}"


def _via_uniques(values: pl.Series, parse: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """Parse each distinct value once when values repeat a lot (dates usually do)."""
    if values.len() < 50_000 or int(values.approx_n_unique()) * 4 > values.len():  # type: ignore[arg-type]
        return parse(values)
    uniques = values.unique()
    if uniques.len() > values.len() // 4:
        return parse(values)
    table = uniques.alias(_V).to_frame().with_columns(parse(uniques).alias(_T))
    return (
        values.alias(_V)
        .to_frame()
        .join(table, on=_V, how="left", maintain_order="left", nulls_equal=False)
        .get_column(_T)
    )


def _parse_dates(values: pl.Series, form: dates.DateForm, ctype: ColumnType) -> pl.Series:
    import polars as pl

    frame = values.alias(_V).to_frame()
    if ctype.kind == "date":
        parsers = [dates.parse_date_expr(_V, form)]
    else:
        parsers = dates.datetime_exprs(_V, form, first=ctype.date_format or form.fmt)
    if form is not dates.ISO and frame.select(pl.col(_V).str.contains(r"^\d{4}-").any()).item():
        parsers.append(
            dates.parse_date_expr(_V, dates.ISO)
            if ctype.kind == "date"
            else dates.datetime_exprs(_V, dates.ISO, first=dates.ISO.fmt)[0]
        )
    out = frame.select(parsers[0]).to_series()
    for parser in parsers[1:]:
        failed = (out.is_null() & values.is_not_null()).arg_true()
        if failed.is_empty():
            break
        retry = frame[failed].select(parser).to_series()
        out = out.scatter(failed, retry)
    if form.fmt.endswith("%Y"):
        out = (
            frame.with_columns(out.alias(_T))
            .select(pl.when(pl.col(_T).dt.year().is_between(1000, 9999)).then(pl.col(_T)))
            .to_series()
        )
    return out


def _boolean_expr() -> pl.Expr:
    import polars as pl

    return pl.col(_V).replace_strict(
        booleans.tokens(numeric=True), default=None, return_dtype=pl.Boolean
    )


def _native_expr(values: pl.Series, ctype: ColumnType) -> pl.Expr:
    import polars as pl

    v, target = pl.col(_V), ctype.polars_type()
    if ctype.kind == "integer" and values.dtype.is_float():
        return pl.when(v == v.round(0)).then(v.cast(pl.Int64, strict=False))
    if ctype.kind == "date" and isinstance(values.dtype, pl.Datetime):
        return v.dt.date()
    return v.cast(target, strict=False)
