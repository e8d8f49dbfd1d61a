"""SQL for computed indicators, built only from validated column names and rendered literals."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kho.errors import InvalidInput
from kho.indicators.models import Condition, Measure, TableSource
from kho.query.sqltext import literal, quote_ident

FUNCTIONS = ("count", "sum", "min", "max", "count_distinct")
_AGG = re.compile(
    r"^\s*(?P<fn>[a-z_]+)\s*\(\s*(?P<arg>\*|[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*"
    r"(?:filter\s*\(\s*where\s+(?P<cond>.+)\)\s*)?$",
    re.IGNORECASE | re.DOTALL,
)
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op><>|!=|>=|<=|=|<|>)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[(),]))"
)
DATE_TYPES = ("date", "datetime", "timestamp")
Windows = Mapping[str, Sequence[tuple[date, date]]]  # raw unit value -> [start, end) date ranges


@dataclass(frozen=True)
class ParsedMeasure:
    fn: str
    column: str | None
    conditions: tuple[Condition, ...] = field(default_factory=tuple)

    @property
    def is_additive(self) -> bool:
        return self.fn in ("count", "sum")


def parse_measure(measure: Measure) -> ParsedMeasure:
    """Split ``fn(col) FILTER (WHERE …)`` into parts; anything else is refused with the accepted forms."""
    match = _AGG.match(measure.aggregate)
    if not match or match.group("fn").lower() not in FUNCTIONS:
        raise InvalidInput(
            f"Aggregate {measure.aggregate!r} is not understood.",
            hint="Use count(*), count(col), sum(col), min(col), max(col) or "
            "count_distinct(col), optionally FILTER (WHERE col = 'value' AND …).",
        )
    fn, arg = match.group("fn").lower(), match.group("arg")
    if arg == "*" and fn != "count":
        raise InvalidInput(f"{fn}(*) is not an aggregate; name a column.")
    extra = parse_conditions(match.group("cond")) if match.group("cond") else []
    return ParsedMeasure(fn, None if arg == "*" else arg, tuple([*extra, *measure.where]))


def parse_conditions(text: str) -> list[Condition]:
    """Parse ``a = 'x' AND b IS NOT NULL AND c IN ('p', 'q')`` into conditions."""
    tokens = [(m.lastgroup, m.group(m.lastgroup or "")) for m in _TOKEN.finditer(text)]
    if "".join(t[1] for t in tokens).replace(" ", "") != re.sub(r"\s+", "", text):
        raise InvalidInput(
            f"Filter {text!r} has characters Kho cannot read.",
            hint="Write col = 'value', col IN ('a','b'), col IS [NOT] NULL, joined by AND.",
        )
    out: list[Condition] = []
    pos = 0
    while pos < len(tokens):
        cond, pos = _condition(tokens, pos, text)
        out.append(cond)
        if pos < len(tokens):
            if tokens[pos][1].upper() != "AND":
                raise InvalidInput(f"Only AND joins conditions in {text!r}.")
            pos += 1
    return out


def _condition(tokens: list[tuple[str | None, str]], pos: int, text: str) -> tuple[Condition, int]:
    try:
        kind, column = tokens[pos]
        if kind != "word":
            raise IndexError
        k2, v2 = tokens[pos + 1]
        if k2 == "op":
            op = "!=" if v2 == "<>" else v2
            return Condition(column=column, op=op, value=_literal(tokens[pos + 2])), pos + 3  # type: ignore[arg-type]
        words = v2.upper()
        if words == "IS":
            negated = tokens[pos + 2][1].upper() == "NOT"
            if tokens[pos + 2 + negated][1].upper() != "NULL":
                raise IndexError
            return Condition(
                column=column, op="not_null" if negated else "is_null"
            ), pos + 3 + negated
        negated = words == "NOT"
        if tokens[pos + 1 + negated][1].upper() == "IN" and tokens[pos + 2 + negated][1] == "(":
            values, p = [], pos + 3 + negated
            while tokens[p][1] != ")":
                values.append(_literal(tokens[p]))
                p += 2 if tokens[p + 1][1] == "," else 1
            return Condition(column=column, op="not_in" if negated else "in", value=values), p + 1
    except IndexError:
        pass
    raise InvalidInput(
        f"Cannot read the condition at {' '.join(t[1] for t in tokens[pos : pos + 4])!r} in {text!r}.",
        hint="Write col = 'value', col IN ('a','b'), col IS [NOT] NULL, joined by AND.",
    )


def _literal(token: tuple[str | None, str]) -> Any:
    kind, text = token
    if kind == "str":
        return text[1:-1].replace("''", "'")
    if kind == "num":
        return float(text) if "." in text else int(text)
    if kind == "word" and text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    raise InvalidInput(f"{text!r} is not a value; quote text as 'like this'.")


def render_condition(c: Condition) -> str:
    col = quote_ident(c.column)
    if c.op == "is_null":
        return f"{col} IS NULL"
    if c.op == "not_null":
        return f"{col} IS NOT NULL"
    if c.op in ("in", "not_in"):
        values = c.value if isinstance(c.value, list) else [c.value]
        if not values:
            return "FALSE" if c.op == "in" else "TRUE"
        return f"{col} {'NOT IN' if c.op == 'not_in' else 'IN'} ({', '.join(literal(v) for v in values)})"
    return f"{col} {'<>' if c.op == '!=' else c.op} {literal(c.value)}"


def render_measure(m: ParsedMeasure) -> str:
    """The SQL aggregate, e.g. ``count(*) FILTER (WHERE "hinh_thuc_nop" = 'Trực tuyến')``."""
    arg = "*" if m.column is None else quote_ident(m.column)
    expr = f"count(DISTINCT {arg})" if m.fn == "count_distinct" else f"{m.fn}({arg})"
    if m.conditions:
        expr += " FILTER (WHERE " + " AND ".join(render_condition(c) for c in m.conditions) + ")"
    return expr


def validate_columns(source: TableSource, columns: dict[str, str]) -> None:
    """Every column the definition names must exist in the table; the date column must hold dates."""
    names = [source.date_column, *([source.org_column] if source.org_column else [])]
    names += [c.column for c in source.where]
    for m in measures(source).values():
        names += [*([m.column] if m.column else []), *(c.column for c in m.conditions)]
    for name in names:
        if name not in columns:
            raise InvalidInput(
                f"Column {name!r} is not in table {source.dataset!r}; columns: "
                f"{', '.join(columns)}.",
                hint="Fix the indicator definition or the pack.",
            )
    if columns[source.date_column] not in DATE_TYPES:
        raise InvalidInput(
            f"Date column {source.date_column!r} of {source.dataset!r} has type "
            f"{columns[source.date_column]!r}, not a date.",
            hint="Pick a date column, or retype it when loading.",
        )


def measures(source: TableSource) -> dict[str, ParsedMeasure]:
    """The parsed measures by role: ``value``, or ``numerator`` and ``denominator``."""
    if source.aggregate is not None:
        return {"value": parse_measure(source.aggregate)}
    assert source.numerator is not None and source.denominator is not None
    return {
        "numerator": parse_measure(source.numerator),
        "denominator": parse_measure(source.denominator),
    }


def base_where(
    source: TableSource,
    start: date | None = None,
    end: date | None = None,
    org_values: list[str | None] | None = None,
    windows: Windows | None = None,
) -> str:
    """The WHERE shared by the value query and its trace: date range, filters, units.

    ``windows`` limit some unit values to date ranges: a value the registry reads as this unit
    before 1 July 2025 and as another (or none) after it counts here only in its own range.
    """
    dcol = quote_ident(source.date_column)
    parts = [f"{dcol} IS NOT NULL"]
    if start is not None and end is not None:
        parts = [f"{dcol} >= {literal(start)}", f"{dcol} < {literal(end + timedelta(days=1))}"]
    parts += [render_condition(c) for c in source.where]
    if org_values is not None and source.org_column:
        parts.append(_org_clause(quote_ident(source.org_column), org_values, windows or {}, dcol))
    return " AND ".join(parts)


def _org_clause(col: str, values: list[str | None], windows: Windows, dcol: str) -> str:
    named = sorted(v for v in values if v is not None and v not in windows)
    clauses = [f"{col} IN ({', '.join(literal(v) for v in named)})"] if named else []
    for raw in sorted(v for v in values if v is not None and v in windows):
        clauses += [
            f"({col} = {literal(raw)} AND {dcol} >= {literal(lo)} AND {dcol} < {literal(hi)})"
            for lo, hi in windows[raw]
        ]
    if None in values:
        clauses.append(f"{col} IS NULL")
    if not clauses:
        return "FALSE"
    return clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")"


def windows_from_lineage(stored: Any) -> dict[str, list[tuple[date, date]]]:
    """The ``org_windows`` kept in a value's lineage (ISO dates in JSON) back as date ranges."""
    if not isinstance(stored, dict):
        return {}
    return {
        str(raw): [(date.fromisoformat(lo), date.fromisoformat(hi)) for lo, hi in ranges]
        for raw, ranges in stored.items()
    }


def bucket(source: TableSource, period_type: str) -> str:
    """SQL giving the finest period id of each row (month ``202501`` or ISO week ``2025W05``)."""
    col = quote_ident(source.date_column)
    if period_type == "week":
        return f"strftime({col}, '%G') || 'W' || strftime({col}, '%V')"
    return f"strftime({col}, '%Y%m')"


def table_ref(name: str) -> str:
    return quote_ident(name)


def cells_sql(
    source: TableSource, table: str, period_type: str, additive: dict[str, ParsedMeasure]
) -> str:
    """One grouped query giving additive partial aggregates per raw unit value and finest period."""
    org = quote_ident(source.org_column) if source.org_column else "NULL"
    aggs = ", ".join(f"{render_measure(m)} AS {role}" for role, m in additive.items())
    last = f"CAST(max({quote_ident(source.date_column)}) AS DATE)"
    return (
        f"SELECT {org} AS org, {bucket(source, period_type)} AS period, count(*) AS n_rows, {last} AS last_day"
        + (f", {aggs}" if aggs else "")
        + f" FROM {table_ref(table)} WHERE {base_where(source)} GROUP BY ALL"
    )


def distinct_sql(source: TableSource, table: str, period_type: str, m: ParsedMeasure) -> str:
    """Distinct values per raw unit and finest period, so distinct counts roll up by set union."""
    org = quote_ident(source.org_column) if source.org_column else "NULL"
    col = quote_ident(m.column or "")
    where = base_where(source) + "".join(f" AND {render_condition(c)}" for c in m.conditions)
    return (
        f"SELECT DISTINCT {org} AS org, {bucket(source, period_type)} AS period, {col} AS v "
        f"FROM {table_ref(table)} WHERE {where} AND {col} IS NOT NULL"
    )


def fingerprint_sql(source: TableSource, table: str, period_type: str) -> str:
    """Per finest period: rows and a checksum over the columns the indicator reads."""
    used = sorted(_used_columns(source))
    cols = ", ".join(quote_ident(c) for c in used)
    return (
        f"SELECT {bucket(source, period_type)} AS period, count(*) AS n_rows, "
        f"CAST(sum(hash({cols})) AS VARCHAR) AS checksum FROM {table_ref(table)} "
        f"WHERE {base_where(source)} GROUP BY ALL"
    )


def _used_columns(source: TableSource) -> set[str]:
    names = {source.date_column, *([source.org_column] if source.org_column else [])}
    names |= {c.column for c in source.where}
    for m in measures(source).values():
        names |= {*([m.column] if m.column else []), *(c.column for c in m.conditions)}
    return names


def value_sql(
    source: TableSource,
    table: str,
    start: date,
    end: date,
    org_values: list[str | None] | None,
    windows: Windows | None = None,
) -> str:
    """A standalone query that recomputes exactly one stored value (runnable with `kho sql`)."""
    ms = measures(source)
    where = base_where(source, start, end, org_values, windows)
    if "value" in ms:
        select = f"{render_measure(ms['value'])} AS value"
    else:
        num, den = render_measure(ms["numerator"]), render_measure(ms["denominator"])
        select = (
            f"{literal(source.factor)} * ({num}) / NULLIF({den}, 0) AS value, "
            f"{num} AS numerator, {den} AS denominator"
        )
    return f"SELECT {select} FROM {table_ref(table)} WHERE {where}"


def trace_sql(
    source: TableSource,
    table: str,
    start: date,
    end: date,
    org_values: list[str | None] | None,
    limit: int,
    windows: Windows | None = None,
) -> tuple[str, str]:
    """The rows behind a value (flagged when they count in the numerator) and their total."""
    ms = measures(source)
    where = base_where(source, start, end, org_values, windows)
    flags = []
    for role, m in ms.items():
        cond = " AND ".join(render_condition(c) for c in m.conditions) or "TRUE"
        if m.column is not None and m.fn != "count_distinct":
            cond = f"({cond}) AND {quote_ident(m.column)} IS NOT NULL"
        flags.append(f"coalesce({cond}, FALSE) AS _in_{role}")
    order = quote_ident(source.date_column)
    rows = f"SELECT {', '.join(flags)}, * FROM {table_ref(table)} WHERE {where} ORDER BY {order} LIMIT {int(limit)}"
    return rows, f"SELECT count(*) AS n FROM {table_ref(table)} WHERE {where}"
