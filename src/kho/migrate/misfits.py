"""Values a column's type cannot take as delivered: cast by ingest's rules, else rejected with a reason.

SQLite lets any value into any column (an ``INTEGER`` column holding ``"1.234.000"`` or
``"năm mươi nghìn"``), and a driver may hand over a value the planned type does not take. Such a
value must not stop its table. Values of the right Python type pass as they are; text is read the
way DuckDB's scanner reads it (ISO dates), else cleaned and cast exactly as `kho ingest` casts a
file's column, with the number convention or date form decided once per column; numbers in a date
column are Unix time, as the scanner reads them. What still does not fit gets ingest's reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from kho.ingest.coltypes import ColumnType, Kind
    from kho.ingest.vn.dates import DateForm
    from kho.ingest.vn.numbers import NumberStyle

_KINDS = {
    "BOOLEAN": "boolean",
    "TINYINT": "integer",
    "SMALLINT": "integer",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "UTINYINT": "integer",
    "USMALLINT": "integer",
    "UINTEGER": "integer",
    "UBIGINT": "integer",
    "FLOAT": "float",
    "DOUBLE": "float",
    "DATE": "date",
    "TIME": "time",
    "VARCHAR": "text",
    "JSON": "text",
    "BLOB": "binary",
}
_TIME_PART = r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$"


@dataclass
class Fitted:
    """One column as Arrow, with a reason for each value that could not be kept (None if none)."""

    array: pa.Array
    reasons: list[str | None] | None = None
    cast: int = 0  # values only Kho's rules could read (1.234.000 in a number column, …)


def kind_of(duck_type: str) -> str:
    """The kind of value a DuckDB type holds, in ingest's words (integer, date, …, list)."""
    upper = duck_type.upper()
    if upper.endswith("]"):
        return "list"
    if upper.startswith("DECIMAL"):
        return "decimal"
    if upper.startswith("TIMESTAMP"):
        return "timestamp"
    return _KINDS.get(upper, "text")


def fit_column(values: Sequence[Any], duck_type: str, con: duckdb.DuckDBPyConnection) -> Fitted:
    """The values as ``duck_type``; misfits cast by Kho's rules, the rest null with a reason."""
    import pyarrow as pa

    from kho.migrate.received import normalise
    from kho.migrate.sqltypes import arrow_type

    target = arrow_type(duck_type)
    try:
        return Fitted(pa.array(values, target))
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        pass
    takes, fixed, misfits = _taker(target), list(values), []
    text_stays = not (pa.types.is_decimal(target) or pa.types.is_binary(target))
    for i, value in enumerate(fixed):
        if value is None or takes(value):
            continue
        if text_stays and type(value) is str:  # normalise would leave it as it is
            misfits.append(i)
            continue
        value = fixed[i] = normalise(value, target)
        if value is not None and not takes(value):
            misfits.append(i)
    reasons: list[str | None] = [None] * len(fixed)
    by_rules = 0
    for i, (value, why, ruled) in zip(
        misfits, _cast(duck_type, [fixed[i] for i in misfits], con), strict=True
    ):
        fixed[i], reasons[i] = value, why
        by_rules += ruled and why is None
    try:
        return Fitted(pa.array(fixed, target), reasons if misfits else None, by_rules)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        pass
    for i, value in enumerate(fixed):  # out of range for the type (digits, int64, …)
        if value is not None and reasons[i] is None and not _fits(target, value):
            fixed[i], reasons[i] = None, f"'{_shown(value)}' is not a {kind_of(duck_type)} value"
    return Fitted(pa.array(fixed, target), reasons, by_rules)


def _taker(target: pa.DataType) -> Callable[[Any], bool]:
    """Whether a value's Python type is one pyarrow builds ``target`` from (checked per value)."""
    import pyarrow as pa

    exact: dict[Callable[[pa.DataType], bool], tuple[type, ...]] = {
        pa.types.is_boolean: (bool,),
        pa.types.is_integer: (int,),
        pa.types.is_floating: (int, float),
        pa.types.is_binary: (bytes,),
        pa.types.is_string: (str,),
    }
    for test, kinds in exact.items():
        if test(target):
            return lambda v: type(v) in kinds
    if pa.types.is_decimal(target):
        return lambda v: type(v) is Decimal and v.is_finite()
    found: type = (
        datetime
        if pa.types.is_timestamp(target)
        else date
        if pa.types.is_date(target)
        else time
        if pa.types.is_time(target)
        else list
    )
    return lambda v: isinstance(v, found)


def _fits(target: pa.DataType, value: Any) -> bool:
    import pyarrow as pa

    try:
        pa.array([value], target)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return False
    return True


Cast = tuple[Any, str | None, bool]  # value, reason it could not be kept, read by ingest's rules


def _cast(duck_type: str, values: list[Any], con: duckdb.DuckDBPyConnection) -> list[Cast]:
    """Each misfit as the column's type, or None with ingest's reason."""
    kind = kind_of(duck_type)
    out: list[Cast] = [(None, None, False)] * len(values)
    texts = [i for i, v in enumerate(values) if isinstance(v, str | bytes)]
    numbers = [i for i, v in enumerate(values) if isinstance(v, int | float | Decimal)]
    for i, fitted in zip(
        texts, _cast_texts(kind, duck_type, [_text(values[i]) for i in texts], con), strict=True
    ):
        out[i] = fitted
    for i, (value, why) in zip(
        numbers, _cast_numbers(kind, [values[i] for i in numbers]), strict=True
    ):
        out[i] = (value, why, False)
    done = set(texts) | set(numbers)
    for i, value in enumerate(values):
        if i not in done:
            out[i] = (None, f"'{_shown(value)}' is not a {kind} value", False)
    return out


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value


def _shown(value: Any) -> str:
    return str(value)[:80]


def _cast_texts(
    kind: str, duck_type: str, texts: list[str], con: duckdb.DuckDBPyConnection
) -> list[Cast]:
    """Text through DuckDB's own reading (dates) and then ingest's cleaning and casting."""
    import polars as pl

    from kho.ingest.coltypes import cast_column, clean_text

    if not texts:
        return []
    if kind == "time":
        return [(*_time_of_day(t), False) for t in texts]
    out: list[Cast] = [(v, None, False) for v in _duck_dates(kind, texts, con)]
    rest = [i for i, (v, _, _) in enumerate(out) if v is None]
    if not rest:
        return out
    ctype = _text_type(kind, duck_type, [texts[i] for i in rest])
    if ctype is None:
        return [(None, f"'{_shown(t)}' is not a {kind} value", False) for t in texts]
    series = clean_text(pl.Series("v", [texts[i] for i in rest], dtype=pl.String))
    if kind == "date":
        series = series.str.replace(_TIME_PART, "")
    typed, reasons = cast_column(series, ctype)
    for i, value, why in zip(rest, typed.to_list(), reasons.to_list(), strict=True):
        out[i] = (value, why, True)
    return out


def _time_of_day(text: str) -> tuple[Any, str | None]:
    try:
        return time.fromisoformat(text.strip()), None
    except ValueError:
        return None, f"'{_shown(text)}' is not a time value"


def _duck_dates(kind: str, texts: list[str], con: duckdb.DuckDBPyConnection) -> list[Any]:
    """Dates DuckDB reads from text (ISO), as its SQLite scanner would have read them."""
    import pyarrow as pa

    if kind not in ("date", "timestamp"):
        return [None] * len(texts)
    target = "DATE" if kind == "date" else "TIMESTAMP"
    con.register("kho_texts", pa.table({"v": pa.array(texts, pa.string())}))
    try:
        rows = con.execute(f"SELECT TRY_CAST(v AS {target}) FROM kho_texts").fetchall()
    finally:
        con.unregister("kho_texts")
    return [r[0] for r in rows]


def _text_type(kind: str, duck_type: str, texts: list[str]) -> ColumnType | None:
    """The ingest type text is cast to: the column's kind, convention decided over all its texts."""
    from kho.ingest.coltypes import ColumnType

    scale = re.fullmatch(r"DECIMAL\(\d+,\s*(\d+)\)", duck_type.upper())
    typed = cast("Kind", kind)
    if kind in ("integer", "float", "decimal"):
        style = _number_style(texts)
        return ColumnType(typed, number_style=style, scale=int(scale[1]) if scale else None)
    if kind in ("date", "timestamp"):
        fmt = _date_form(texts).fmt
        return ColumnType(typed, date_format=fmt if kind == "date" else f"{fmt} %H:%M:%S")
    if kind == "boolean":
        return ColumnType("boolean")
    return None


def _number_style(texts: list[str]) -> NumberStyle:
    """Dot or comma thousands, decided on every text of the column (Vietnamese when in doubt)."""
    import polars as pl

    from kho.ingest.vn import numbers

    frame = pl.DataFrame({"v": texts}, schema={"v": pl.String})
    counts = frame.select(**numbers.evidence_exprs("v")).row(0, named=True)
    evidence = numbers.NumberEvidence(n=len(texts), **{k: int(v) for k, v in counts.items()})
    style, _ = numbers.decide_style(evidence, len(texts))
    return style or "dot_thousands"


def _date_form(texts: list[str]) -> DateForm:
    """The date form most texts are written in (dd/mm/yyyy…); ISO when none is."""
    from kho.ingest.vn import dates

    seen: Counter[DateForm] = Counter()
    for text in texts[:20_000]:
        form = next((f for f in dates.FORMS if re.match(f.pattern, text.strip())), None)
        if form is not None:
            seen[form] += 1
    return seen.most_common(1)[0][0] if seen else dates.ISO


def _cast_numbers(kind: str, values: list[Any]) -> list[tuple[Any, str | None]]:
    """Numbers in a column of another kind: whole floats as integers, Unix time as dates."""
    if kind in ("date", "timestamp"):
        return [_from_unix(v, kind) for v in values]
    if kind == "integer":
        return [_whole(v) for v in values]
    if kind == "text":
        return [(str(v), None) for v in values]
    if kind == "binary":
        return [(str(v).encode(), None) for v in values]
    return [(None, f"'{_shown(v)}' is not a {kind} value") for v in values]


def _whole(value: float | Decimal | int) -> tuple[Any, str | None]:
    try:
        whole = int(value)
    except (OverflowError, ValueError, ArithmeticError):  # NaN, infinity
        whole = None
    if whole is not None and whole == value:
        return whole, None
    return None, f"'{_shown(value)}' is not a integer value"


def _from_unix(value: float | Decimal | int, kind: str) -> tuple[Any, str | None]:
    try:
        moment = datetime.fromtimestamp(float(value), UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None, f"'{_shown(value)}' is not a {kind} value"
    return (moment.date() if kind == "date" else moment), None
