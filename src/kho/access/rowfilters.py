"""Grant row filters: simple conditions stored as JSON, checked against real columns, rendered to safe SQL."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from kho.access.models import RowCondition
from kho.errors import InvalidInput
from kho.query.sqltext import literal
from kho.query.sqltext import quote_ident as sql_ident

COLUMN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
CONDITION_TEXT = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|<=|>=|=|<|>|\s+in\s+)\s*(.*?)\s*$",
    re.IGNORECASE | re.DOTALL,
)


def quote_ident(name: str) -> str:
    """A column name as a double-quoted SQL identifier (names are validated before this)."""
    if not COLUMN_NAME.match(name):
        raise InvalidInput(
            f"{name!r} is not a column name.", hint="Use the physical column name, e.g. ma_tinh."
        )
    return sql_ident(name)


def quote_value(value: Any) -> str:
    """A literal as SQL text: strings single-quoted with quotes doubled, numbers checked finite."""
    if value is None or isinstance(value, date):
        raise InvalidInput(f"Value {value!r} must be text, a number or true/false.")
    return literal(value)


def validate(conditions: Sequence[RowCondition], columns: Collection[str]) -> list[RowCondition]:
    """Check every condition names an existing column and carries a value fitting its operator."""
    for c in conditions:
        if c.column not in columns:
            raise InvalidInput(
                f"Row filter column {c.column!r} is not in the dataset.",
                hint=f"Columns: {', '.join(sorted(columns)) or '(none loaded yet)'}.",
            )
        quote_ident(c.column)
        if c.op == "in":
            if not isinstance(c.value, list) or not c.value:
                raise InvalidInput(
                    f"Condition on {c.column!r}: 'in' needs a non-empty list of values."
                )
            for v in c.value:
                quote_value(v)
        elif isinstance(c.value, list):
            raise InvalidInput(f"Condition on {c.column!r}: only 'in' takes a list of values.")
        elif c.value is None and c.op not in ("=", "!="):
            raise InvalidInput(f"Condition on {c.column!r}: {c.op} needs a value.")
        elif c.value is not None:
            quote_value(c.value)
    return list(conditions)


def render(conditions: Sequence[RowCondition]) -> str | None:
    """The conditions of one grant joined with AND, as a SQL boolean expression (None when empty)."""
    parts = [_render_one(c) for c in conditions]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def _render_one(c: RowCondition) -> str:
    col = quote_ident(c.column)
    if c.op == "in":
        values = c.value if isinstance(c.value, list) else [c.value]
        return f"{col} IN ({', '.join(quote_value(v) for v in values)})"
    if c.value is None:
        return f"{col} IS NULL" if c.op == "=" else f"{col} IS NOT NULL"
    return f"{col} {c.op} {quote_value(c.value)}"


def combine(filters: Sequence[str | None]) -> str | None:
    """Several grants apply together like PostgreSQL permissive policies: a row is readable if any allows it."""
    if not filters or any(f is None for f in filters):
        return None
    unique = list(dict.fromkeys(f for f in filters if f))
    return unique[0] if len(unique) == 1 else "(" + " OR ".join(unique) + ")"


def parse(text: str) -> RowCondition:
    """`col=value`, `col!=value`, `col>=5`, `col in a,b,c` from the command line."""
    m = CONDITION_TEXT.match(text)
    if not m:
        raise InvalidInput(
            f"Cannot read row condition {text!r}.",
            hint="Write column=value, column!=value, column>=5 or 'column in a,b'.",
        )
    column, op, value = m.group(1), m.group(2).strip().lower(), m.group(3)
    if op == "in":
        return RowCondition(
            column=column, op="in", value=[v.strip() for v in value.split(",") if v.strip()]
        )
    return RowCondition(column=column, op=op, value=value)  # type: ignore[arg-type]
