"""SQL text built by Kho itself: identifiers double-quoted, values as literals — never raw input."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from kho.errors import InvalidInput


def quote_ident(name: str) -> str:
    """A double-quoted SQL identifier (embedded quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """A SQL literal DuckDB casts to the compared column's type; text is quoted, never interpolated raw."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(f"Value {value!r} is not a finite number.")
        return repr(value)
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidInput("Values may not contain NUL characters.")
        return "'" + value.replace("'", "''") + "'"
    raise InvalidInput(f"Value {value!r} must be text, a number, a date or true/false.")
