"""Type inference behind :func:`kho.ingest.coltypes.infer_column`: sample first, then verify all."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from kho.ingest.coltypes import ColumnType, Kind
from kho.ingest.vn import booleans, codes, dates, numbers

if TYPE_CHECKING:
    import polars as pl

SAMPLE_SIZE = 2000
DISTINCT_FROM = 1000  # columns at least this long are checked per distinct value when they repeat
MAX_MISFITS = 1000  # a typed column may hold at most this many misfits (and at most 1 %)
_FORMS = [(f, re.compile(f.pattern)) for f in dates.FORMS]
_ANY_NUMBER = re.compile(numbers.ANY_NUMBER)


def misfit_bound(n: int) -> int:
    """How many values may fail a type before the column stays text."""
    return min(MAX_MISFITS, max(n // 100, 1 if n >= 20 else 0))


def infer_text(s: pl.Series, name: str) -> ColumnType:
    """Infer the type of non-null cleaned text values ``s``."""
    n = s.len()
    if n == 0:
        return ColumnType("text", reason="every value is empty")
    flag = codes.has_flag_hint(name)
    family = _sample_family(s, n, flag)
    if family is None:
        return _free_text(s, n)
    if isinstance(family, ColumnType):
        return family
    vals = _values(s)
    if family == "boolean":
        return _verify_boolean(vals, n, flag)
    if family == "number":
        return _verify_number(vals, n, name)
    return _verify_date(vals, n, next(f for f, _ in _FORMS if f.label == family))


def _values(s: pl.Series) -> pl.DataFrame:
    """Columns ``v`` (a value) and ``n`` (how many cells hold it), in first-seen order.

    A column that repeats a lot (dates, amounts, yes/no) is checked once per distinct value, so
    verifying a million dates costs a few thousand regular-expression tests; other columns keep
    one row per value (n = 1). Every count below is a sum of ``n``, so both read the same.
    """
    import polars as pl

    frame = s.to_frame("v")
    if s.len() >= DISTINCT_FROM and int(s.approx_n_unique()) * 4 <= s.len():  # type: ignore[arg-type]
        return frame.group_by("v", maintain_order=True).agg(pl.len().cast(pl.Int64).alias("n"))
    return frame.with_columns(pl.lit(1, pl.Int64).alias("n"))


def _count(matches: pl.Expr) -> pl.Expr:
    """How many cells satisfy ``matches`` (an expression over ``v``)."""
    import polars as pl

    return pl.col("n").filter(matches).sum()


def _cells(vals: pl.DataFrame, mask: pl.Series) -> int:
    """How many cells the rows of ``vals`` selected by ``mask`` stand for."""
    return int(vals["n"].filter(mask).sum())


def _sample_family(s: pl.Series, n: int, flag: bool) -> str | ColumnType | None:
    """The type family most sample values fit; text (with the counts) when too many do not."""
    step = max(1, n // SAMPLE_SIZE)
    sample = s.gather_every(step).head(SAMPLE_SIZE).to_list()
    tokens = booleans.tokens(numeric=flag)
    classes = [_classify(v, tokens) for v in sample]
    counts = Counter(c for c in classes if c != "text")
    if not counts:
        return None
    family, hits = counts.most_common(1)[0]
    fitting = {family, dates.ISO.label} if family.startswith("dd") else {family}
    hits = sum(counts[f] for f in fitting)
    misfits = len(sample) - hits
    if misfits <= misfit_bound(n):
        return family
    if hits * 2 < len(sample):
        return None
    example = next(v for v, c in zip(sample, classes, strict=True) if c not in fitting)
    of = f"{misfits:,} of {len(sample):,} {'sampled ' if step > 1 else ''}values"
    what = (
        "numbers"
        if family == "number"
        else "yes/no values"
        if family == "boolean"
        else f"{family} dates"
    )
    warn = f"{of} are not {what} (e.g. {_quote(example)}), more than allowed; kept as text"
    return ColumnType("text", reason=f"values are mostly {what} but not all", warnings=[warn])


def _classify(value: str, tokens: dict[str, bool]) -> str:
    if value in tokens:
        return "boolean"
    for form, rx in _FORMS:
        if rx.match(value):
            return form.label
    return "number" if _ANY_NUMBER.match(value) else "text"


def _free_text(s: pl.Series, n: int) -> ColumnType:
    example = s.head(1).item()
    return ColumnType("text", reason=f"{n:,} values are free text (e.g. {_quote(example)})")


def _quote(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "…")


def _too_many(vals: pl.DataFrame, mask: pl.Series, n: int, what: str) -> ColumnType:
    bad = vals.filter(~mask)
    warn = (
        f"{int(bad['n'].sum()):,} of {n:,} values are not {what} "
        f"(e.g. {_quote(bad['v'].head(1).item())}), "
        f"more than the {misfit_bound(n):,} allowed; kept as text"
    )
    return ColumnType("text", reason=f"values are mostly {what} but not all", warnings=[warn])


def _misfit_warning(vals: pl.DataFrame, mask: pl.Series, what: str) -> list[str]:
    bad = vals.filter(~mask)
    if bad.is_empty():
        return []
    return [
        f"{int(bad['n'].sum()):,} values are not {what} and will be rejected "
        f"(e.g. {_quote(bad['v'].head(1).item())})"
    ]


def _verify_boolean(vals: pl.DataFrame, n: int, flag: bool) -> ColumnType:
    tokens = booleans.tokens(numeric=flag)
    mask = vals["v"].is_in(list(tokens))
    fits = _cells(vals, mask)
    if n - fits > misfit_bound(n):
        return _too_many(vals, mask, n, "yes/no values")
    warnings = _misfit_warning(vals, mask, "yes/no values")
    seen = set(vals["v"].filter(mask).unique().to_list())
    if booleans.is_mark_only(seen):
        reason = "only 'x' marks and blanks: 'x' means true, blanks stay empty (null)"
        return ColumnType("boolean", reason=reason, warnings=warnings)
    if len({tokens[v] for v in seen}) < 2:
        return _free_text(vals["v"], n)  # "Không" alone (e.g. religion: none) is an answer
    return ColumnType("boolean", reason=f"{fits:,} values are yes/no words", warnings=warnings)


def _verify_date(vals: pl.DataFrame, n: int, form: dates.DateForm) -> ColumnType:
    import polars as pl

    c = pl.col("v").str
    exprs = {
        "main": c.contains(form.pattern),
        "time": _count(c.contains(dates.HAS_TIME)),
        "seconds": _count(c.contains(dates.HAS_SECONDS)),
        "out": _count(c.contains(form.year_out)),
        "day13": _count(c.contains(dates.DAY_ABOVE_12)),
    }
    if form is not dates.ISO:
        exprs["iso"] = c.contains(dates.ISO.pattern)
    row = vals.select(**exprs)
    mask = row["main"] | row["iso"] if "iso" in row.columns else row["main"]
    fits = _cells(vals, mask)
    what = f"{form.label} dates"
    if n - fits > misfit_bound(n):
        return _too_many(vals, mask, n, what)
    has_time = int(row["time"][0]) > 0
    both = (_cells(vals, row["iso"]), _cells(vals, row["main"])) if "iso" in row.columns else (0, 0)
    warnings = _misfit_warning(vals, mask, what) + _date_warnings(row, form, n, both)
    return ColumnType(
        "timestamp" if has_time else "date",
        date_format=form.fmt + _time_format(has_time, int(row["seconds"][0]) > 0),
        reason=f"{fits:,} of {n:,} values are {what}" + (" with times" if has_time else ""),
        warnings=warnings,
    )


def _time_format(has_time: bool, has_seconds: bool) -> str:
    return "" if not has_time else " %H:%M:%S" if has_seconds else " %H:%M"


def _date_warnings(
    row: pl.DataFrame, form: dates.DateForm, n: int, iso_and_main: tuple[int, int]
) -> list[str]:
    out = []
    iso, main = iso_and_main
    if iso and main:
        out.append(f"{iso:,} values written yyyy-mm-dd were also accepted")
    if int(row["out"][0]):
        out.append(f"{int(row['out'][0]):,} dates have a year outside 1900–2100; check them")
    if form.day_first and n > 1 and not int(row["day13"][0]):
        out.append(
            "ambiguous dates: no value has a day above 12, so day and month cannot be told "
            "apart from the data; read day-first (dd/mm) as Vietnamese dates are"
        )
    return out


def _verify_number(vals: pl.DataFrame, n: int, name: str) -> ColumnType:
    import polars as pl

    c = pl.col("v").str
    row = vals.select(
        plain=_count(c.contains(numbers.PLAIN_INTEGER)),
        lead0=_count(c.contains(numbers.LEADING_ZERO)),
        proc=_count(c.contains(codes.PROCEDURE_CODE)),
        longest=c.len_bytes().max(),
        shortest=c.len_bytes().min(),
    ).row(0, named=True)
    code = _as_code(vals["v"], n, name, row)
    if code is not None:
        return code
    if row["plain"] == n:
        return ColumnType(
            "integer", number_style="plain", reason=f"all {n:,} values are whole numbers"
        )
    return _verify_styled_number(vals, n)


def _as_code(s: pl.Series, n: int, name: str, row: dict[str, int]) -> ColumnType | None:
    if codes.has_code_hint(name):
        return ColumnType(
            "text",
            reason=f"the header {name!r} names a code or identifier; "
            "numeric-looking values kept as text",
        )
    if row["proc"] == n:
        return ColumnType("text", reason="values are procedure codes like 1.004227, not numbers")
    if row["lead0"]:
        example = s.filter(s.str.contains(numbers.LEADING_ZERO)).head(1).item()
        warn = (
            f"{row['lead0']:,} values have leading zeros (e.g. {_quote(example)}); kept as "
            "text so the zeros are not lost"
        )
        return ColumnType(
            "text", reason="numeric-looking codes with leading zeros", warnings=[warn]
        )
    if row["plain"] == n and row["longest"] > codes.MAX_INTEGER_DIGITS:
        return ColumnType("text", reason="values longer than 18 digits are identifiers")
    if row["plain"] == n and row["longest"] == row["shortest"] >= 10:
        warn = f"every value has exactly {row['longest']} digits: read as identifiers, not amounts"
        return ColumnType("text", reason="fixed-length digit codes", warnings=[warn])
    return None


def _verify_styled_number(vals: pl.DataFrame, n: int) -> ColumnType:
    style = _sample_style(vals["v"])
    if style is not None:
        fast = _fast_styled_number(vals, n, style)
        if fast is not None:
            return fast
    return _full_styled_number(vals, n)


def _sample_style(s: pl.Series) -> numbers.NumberStyle | None:
    sample = s.gather_every(max(1, s.len() // SAMPLE_SIZE)).head(SAMPLE_SIZE).to_frame("v")
    row = sample.select(**numbers.evidence_exprs("v")).row(0, named=True)
    if row["dot_only"] and not row["comma_only"]:
        return "dot_thousands"
    if row["comma_only"] and not row["dot_only"]:
        return "comma_thousands" if row["has_comma"] else "plain"
    return None


def _fast_styled_number(
    vals: pl.DataFrame, n: int, style: numbers.NumberStyle
) -> ColumnType | None:
    """One parallel pass when the sample already shows the convention; None if unsure."""
    import polars as pl

    c = pl.col("v").str
    dot = style == "dot_thousands"
    core = numbers.CORES["dot_thousands" if dot else "comma_thousands"]
    other = numbers.ONLY["comma_thousands" if dot else "dot_thousands"]
    row = vals.select(
        fits=_count(c.contains(numbers.full_pattern(core))),
        other=_count(c.contains(numbers.full_pattern(other))),
        percent=_count(c.contains(numbers.PERCENT)),
        currency=_count(c.contains(numbers.CURRENCY_SUFFIX)),
        has_comma=_count(c.contains(",", literal=True)),
        scale=numbers.decimals_expr("v", style),
    ).row(0, named=True)
    if row["other"] or n - row["fits"] > misfit_bound(n) or row["fits"] < n:
        return None  # conflicting evidence or misfits to describe: take the full path
    if not dot:
        style = "comma_thousands" if row["has_comma"] else "plain"
    warnings = _unit_warnings(row["percent"], row["currency"])
    return _number_type(style, row["scale"] or 0, int(row["fits"]), n, warnings)


def _full_styled_number(vals: pl.DataFrame, n: int) -> ColumnType:
    import polars as pl

    c = pl.col("v").str
    frame = vals
    row = frame.select(
        **numbers.evidence_exprs("v", weight="n"),
        percent=_count(c.contains(numbers.PERCENT)),
        currency=_count(c.contains(numbers.CURRENCY_SUFFIX)),
    )
    counts = {k: int(row[k][0]) for k in row.columns}
    ev = numbers.NumberEvidence(
        n=n,
        **{
            k: counts[k]
            for k in (
                "dot_only",
                "comma_only",
                "ambiguous_dot",
                "ambiguous_comma",
                "long_plain",
                "has_comma",
            )
        },
    )
    bound = misfit_bound(n)
    style, warnings = numbers.decide_style(ev, bound)
    if style is None:
        return ColumnType("text", reason="numbers written in two conventions", warnings=warnings)
    fits = frame.select(c.contains(numbers.full_pattern(numbers.CORES[style]))).to_series()
    fitting = _cells(vals, fits)
    if n - fitting > bound:
        return _too_many(vals, fits, n, "numbers")
    scale = frame.filter(fits).select(numbers.decimals_expr("v", style)).item() or 0
    warnings += _misfit_warning(vals, fits, f"numbers written like {numbers.EXAMPLE[style]}")
    warnings += _unit_warnings(counts["percent"], counts["currency"])
    return _number_type(style, scale, fitting, n, warnings)


def _number_type(
    style: numbers.NumberStyle, scale: int, fits: int, n: int, warnings: list[str]
) -> ColumnType:
    kind: Kind = "integer" if scale == 0 else "decimal" if scale <= 9 else "float"
    reason = f"{fits:,} of {n:,} values are numbers written like {numbers.EXAMPLE[style]}"
    return ColumnType(
        kind,
        number_style=style,
        scale=scale if kind == "decimal" else None,
        reason=reason,
        warnings=warnings,
    )


def _unit_warnings(percent: int, currency: int) -> list[str]:
    out = []
    if percent:
        out.append(f"percent sign removed from {percent:,} values ('93,23%' is stored as 93.23)")
    if currency:
        out.append(f"currency unit (đ, đồng, VND, VNĐ) removed from {currency:,} values")
    return out


def infer_native(values: pl.Series, name: str) -> ColumnType:
    """Infer the type of a column a reader already typed (Excel numbers, dates, booleans)."""
    import polars as pl

    s = values.drop_nulls()
    dtype = values.dtype
    if dtype == pl.Boolean:
        return ColumnType("boolean", reason="the file stores yes/no values")
    if dtype.is_numeric() and codes.has_code_hint(name):
        return ColumnType("text", reason=f"the header {name!r} names a code; numbers kept as text")
    if dtype.is_integer():
        return ColumnType("integer", number_style="plain", reason="the file stores whole numbers")
    if dtype.is_float():
        return _infer_float(s.filter(s.is_not_nan()))
    if dtype == pl.Date:
        return ColumnType("date", date_format="%Y-%m-%d", reason="the file stores dates")
    if isinstance(dtype, pl.Datetime):
        return _infer_datetime(s)
    if isinstance(dtype, pl.Decimal):
        return ColumnType("decimal", scale=dtype.scale, reason="the file stores exact decimals")
    return ColumnType("text", reason=f"the file stores {dtype} values, kept as text")


def _infer_float(s: pl.Series) -> ColumnType:
    integral = s.is_empty() or bool(((s == s.round(0)) & (s.abs() < 2**53)).all())
    if integral and not s.is_empty():
        return ColumnType(
            "integer", number_style="plain", reason=f"all {s.len():,} numbers are whole"
        )
    return ColumnType("float", reason="the file stores fractional numbers")


def _infer_datetime(s: pl.Series) -> ColumnType:

    midnight = s.is_empty() or bool(
        ((s.dt.hour() == 0) & (s.dt.minute() == 0) & (s.dt.second() == 0)).all()
    )
    if midnight:
        return ColumnType(
            "date", date_format="%Y-%m-%d", reason="the file stores dates (every time is midnight)"
        )
    return ColumnType(
        "timestamp", date_format="%Y-%m-%d %H:%M:%S", reason="the file stores dates with times"
    )
