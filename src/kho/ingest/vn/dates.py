"""Day-first Vietnamese date writing: the accepted forms, their regexes and explicit parsing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

_D = r"(?:0?[1-9]|[12]\d|3[01])"
_M = r"(?:0?[1-9]|1[0-2])"
_TIME = r"(?:[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?)?"
_YEAR_OUT = r"(?:0\d{3}|1[0-8]\d{2}|210[1-9]|21[1-9]\d|2[2-9]\d{2}|[3-9]\d{3})"
TWO_DIGIT_YEAR_AHEAD = 10  # "dd/mm/yy": years up to this many ahead of today are 20yy, else 19yy


@dataclass(frozen=True)
class DateForm:
    """One way of writing dates, e.g. ``dd/mm/yyyy`` with an optional time."""

    fmt: str  # strftime pattern for the date part
    label: str  # how people write it, for messages
    pattern: str  # regex for a whole cell (date, optionally followed by a time)
    year_out: str  # regex that finds years outside 1900–2100
    day_first: bool = True


def _dmy(sep: str, label: str) -> DateForm:
    s = "\\" + sep if sep == "." else sep
    return DateForm(
        fmt=f"%d{sep}%m{sep}%Y",
        label=label,
        pattern=rf"^{_D}{s}{_M}{s}\d{{4}}{_TIME}$",
        year_out=rf"^\d+{s}\d+{s}{_YEAR_OUT}(?:\D|$)",
    )


FORMS = (
    _dmy("/", "dd/mm/yyyy"),
    _dmy("-", "dd-mm-yyyy"),
    _dmy(".", "dd.mm.yyyy"),
    DateForm(fmt="%d/%m/%y", label="dd/mm/yy", pattern=rf"^{_D}/{_M}/\d{{2}}$", year_out=r"^$"),
    DateForm(
        fmt="%Y-%m-%d",
        label="yyyy-mm-dd",
        day_first=False,
        pattern=r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])" + _TIME + "$",
        year_out=rf"^{_YEAR_OUT}-",
    ),
)
ISO = FORMS[-1]
HAS_TIME = r"\d:[0-5]\d"
HAS_SECONDS = r"\d:[0-5]\d:[0-5]\d"
DAY_ABOVE_12 = r"^(?:1[3-9]|2\d|3[01])\D"


def form_for(fmt: str) -> DateForm:
    """The form whose date pattern starts ``fmt`` (which may carry a time part)."""
    for form in FORMS:
        if fmt.split(" ")[0] == form.fmt:
            return form
    raise ValueError(f"Unsupported date format {fmt!r}; use one of {[f.fmt for f in FORMS]}.")


def parse_date_expr(col: str, form: DateForm) -> pl.Expr:
    """Parse cells written in ``form`` to Date (null where impossible, e.g. 31/02)."""
    import polars as pl

    e = pl.col(col).str.strptime(pl.Date, form.fmt, strict=False, cache=False)
    if form.fmt.endswith("%y"):
        limit = dt.date.today().year + TWO_DIGIT_YEAR_AHEAD
        e = pl.when(e.dt.year() > limit).then(e.dt.offset_by("-100y")).otherwise(e)
    return e


def datetime_exprs(col: str, form: DateForm, *, first: str) -> list[pl.Expr]:
    """Parsers for ``form`` with seconds, minutes or no time, the column's own format ``first``."""
    import polars as pl

    text = pl.col(col).str.replace("T", " ", literal=True)
    fmts = [first] + [f for f in (f"{form.fmt} %H:%M:%S%.f", f"{form.fmt} %H:%M") if f != first]
    exprs = [text.str.strptime(pl.Datetime("us"), f, strict=False, cache=False) for f in fmts]
    return [*exprs, parse_date_expr(col, form).cast(pl.Datetime("us"))]
