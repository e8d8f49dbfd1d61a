"""The type-mapping table of the SQLAlchemy path: a reflected column type → DuckDB type + how to read it.

Each reflected column gets the DuckDB type name the scanner path would have seen, so
`transfer.plan_columns` applies one set of rules (decimals, timestamps, JSON, arrays…) to both
paths, and the received values are checked with the same checksum expressions. Dialect rules come
first (first match wins), then the generic ones; a type nothing matches is read as text.

| dialect    | source type                                | DuckDB type              | read  |
|------------|--------------------------------------------|--------------------------|-------|
| oracle     | DATE (holds a time of day)                 | TIMESTAMP                | typed |
| oracle     | TIMESTAMP WITH [LOCAL] TIME ZONE           | TIMESTAMP WITH TIME ZONE | utc   |
| oracle     | NUMBER(p,s) / NUMBER(p) / INTEGER          | DECIMAL(p,s) / (p,0) / (38,0) | typed |
| oracle     | NUMBER without precision                   | DOUBLE                   | raw   |
| oracle     | FLOAT, REAL, BINARY_DOUBLE / BINARY_FLOAT  | DOUBLE / FLOAT           | typed |
| oracle     | ROWID; INTERVAL; JSON                      | VARCHAR; VARCHAR; JSON   | raw; text; raw |
| oracle     | BFILE (a file outside the database)        | refused                  |       |
| mssql      | datetimeoffset                             | TIMESTAMP WITH TIME ZONE | utc   |
| mssql      | money / smallmoney                         | DECIMAL(19,4) / (10,4)   | raw   |
| mssql      | timestamp (rowversion); sql_variant        | BLOB; VARCHAR            | raw; text |
| mysql      | tinyint(1) (BOOL), bit(1): 0 false, else true | BOOLEAN (as the scanner) | typed |
| mysql      | unsigned integers; YEAR; BIT; SET; TIME    | U…INT; INTEGER; BIGINT; VARCHAR; TIME | raw/typed |
| mysql      | FLOAT; REAL, DOUBLE                        | FLOAT; DOUBLE            | typed |
| sqlite     | INTEGER; REAL (both 8 bytes)               | BIGINT; DOUBLE           | typed |
| sqlite     | NUMERIC(p,s) (stored as REAL)              | DECIMAL(p,s), rounded to s | raw |
| sqlite     | BOOLEAN (as DuckDB's scanner)              | BIGINT                   | raw   |
| sqlite     | DATETIME, TIMESTAMP; DATE; TIME (as text)  | TIMESTAMP; DATE; TIME    | raw   |
| any        | boolean (SQL Server bit)                   | BOOLEAN                  | typed |
| any        | numeric(p,s), p ≤ 38                       | DECIMAL(p,s)             | typed |
| any        | numeric without precision or p > 38        | DOUBLE                   | raw   |
| any        | smallint / integer / bigint; real / double | SMALLINT…BIGINT; FLOAT / DOUBLE | typed |
| any        | timestamp [with time zone], date, time     | TIMESTAMP [WITH TIME ZONE], DATE, TIME | typed |
| any        | JSON / JSONB                               | JSON                     | text  |
| any        | uuid / uniqueidentifier                    | VARCHAR                  | raw   |
| any        | ARRAY of a type above                      | that type + ``[]``       | raw   |
| any        | char/varchar/text/nvarchar(max)/CLOB, enums | VARCHAR (CHAR padding trimmed on PG, SQL Server, Oracle) | typed |
| any        | binary / varbinary(max) / bytea / BLOB / RAW | BLOB                   | typed |
| any        | anything else (interval, money, tsvector, xml…) | VARCHAR              | text  |

Read modes: ``typed`` lets SQLAlchemy's dialect convert the value (e.g. Oracle numbers),
``raw`` takes the driver's value as it is (SQLite's date text is read by Kho, as DuckDB does, so
a value that is no date is a reject, not a failed table), ``text`` casts to text in the source
query, ``utc`` converts to UTC in the source query (drivers differ in how they return offsets).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import types as sqltypes

if TYPE_CHECKING:
    import pyarrow as pa
    from sqlalchemy.sql.elements import ColumnElement

ReadMode = Literal["typed", "raw", "text", "utc"]
_ORACLE_DATE = "Oracle DATE (has a time of day) kept as timestamp"
PADDED_CHAR = ("postgresql", "mssql", "oracle")  # dialects whose CHAR(n) pads with spaces


@dataclass(frozen=True)
class TypeMapping:
    """How one source column is read: the DuckDB type it plans as, the read mode, what changed."""

    duck_type: str
    read: ReadMode = "typed"
    note: str | None = None
    trim: bool = False


Rule = Callable[[Any, str], "TypeMapping | None"]


def map_type(sa_type: Any, dialect: str, source_type: str) -> TypeMapping:
    """The mapping of a reflected SQLAlchemy type; ``source_type`` is the declared name for notes."""
    sa_type = _unwrap_domain(sa_type)
    for rule_dialect, cls, rule in _RULES:
        if rule_dialect in (dialect, "*") and isinstance(sa_type, cls):
            found = rule(sa_type, source_type)
            if found is not None:
                return _with_trim(found, sa_type, dialect)
    return TypeMapping("VARCHAR", "text", f"{source_type} kept as text")


def _unwrap_domain(sa_type: Any) -> Any:
    """A PostgreSQL domain is read as its base type."""
    from sqlalchemy.dialects.postgresql import DOMAIN

    while isinstance(sa_type, DOMAIN):
        sa_type = sa_type.data_type
    return sa_type


def _with_trim(found: TypeMapping, sa_type: Any, dialect: str) -> TypeMapping:
    padded = isinstance(sa_type, sqltypes.CHAR | sqltypes.NCHAR) and dialect in PADDED_CHAR
    if not padded:
        return found
    return TypeMapping(found.duck_type, found.read, found.note, trim=True)


def _fixed(duck: str, read: ReadMode = "typed", note: str | None = None) -> Rule:
    return lambda _t, _s: TypeMapping(duck, read, note)


def _as_text(read: ReadMode) -> Rule:
    return lambda _t, s: TypeMapping("VARCHAR", read, f"{s} kept as text")


# -- dialect rules -------------------------------------------------------------------------------


def _oracle_timestamp(t: Any, _source: str) -> TypeMapping:
    if getattr(t, "timezone", False) or getattr(t, "local_timezone", False):
        return TypeMapping("TIMESTAMP WITH TIME ZONE", "utc")
    return TypeMapping("TIMESTAMP")


def _oracle_number(t: Any, source: str) -> TypeMapping:
    precision, scale = t.precision, t.scale
    if precision is None and not scale:
        note = f"{source} without precision kept as double (15–17 significant digits)"
        return TypeMapping("DOUBLE", "raw", note)
    precision = precision or 38
    if scale is not None and scale < 0:  # NUMBER(p,-s) rounds to 10^s: whole numbers
        precision, scale = min(precision - scale, 38), 0
    return _decimal(precision, scale or 0, source)


def _oracle_float(t: Any, _source: str) -> TypeMapping:
    binary = getattr(t, "binary_precision", None)
    small = type(t).__name__ == "BINARY_FLOAT" or (binary is not None and binary <= 24)
    return TypeMapping("FLOAT" if small else "DOUBLE")


def _sqlite_numeric(t: Any, source: str) -> TypeMapping:
    """SQLite keeps NUMERIC(p,s) as REAL: the float is rounded to the scale here, as DuckDB does."""
    found = _numeric(t, source)
    return TypeMapping(found.duck_type, "raw", found.note)


def _mysql_float(t: Any, _source: str) -> TypeMapping:
    """MySQL FLOAT is 4 bytes (FLOAT(p) with p > 24 is a DOUBLE); REAL and DOUBLE are 8."""
    return TypeMapping("DOUBLE" if t.precision is not None and t.precision > 24 else "FLOAT")


def _mysql_flag(t: Any, _source: str) -> TypeMapping | None:
    """tinyint(1) (BOOL) and bit(1) are booleans, any value but 0 true, as DuckDB's scanner reads."""
    width = getattr(t, "display_width", None) or getattr(t, "length", None)
    return TypeMapping("BOOLEAN") if width == 1 and not getattr(t, "unsigned", False) else None


def _mysql_integer(t: Any, _source: str) -> TypeMapping | None:
    if not getattr(t, "unsigned", False):
        return None
    name = type(t).__name__
    if name == "BIGINT":
        return TypeMapping("UBIGINT", "raw")
    return TypeMapping(
        {"TINYINT": "UTINYINT", "SMALLINT": "USMALLINT"}.get(name, "UINTEGER"), "raw"
    )


# -- generic rules -------------------------------------------------------------------------------


def _decimal(precision: int, scale: int, source: str) -> TypeMapping:
    if precision > 38:
        return TypeMapping("DOUBLE", "raw", f"{source} wider than 38 digits kept as double")
    return TypeMapping(f"DECIMAL({precision},{scale})")


def _numeric(t: Any, source: str) -> TypeMapping:
    if t.precision is None:
        return TypeMapping("DOUBLE", "raw", f"{source} without precision kept as double")
    return _decimal(t.precision, t.scale or 0, source)


def _float(t: Any, _source: str) -> TypeMapping:
    small = isinstance(t, sqltypes.REAL) or (t.precision is not None and t.precision <= 24)
    return TypeMapping("FLOAT" if small else "DOUBLE")


def _integer(t: Any, _source: str) -> TypeMapping:
    if isinstance(t, sqltypes.BigInteger):
        return TypeMapping("BIGINT")
    return TypeMapping("SMALLINT" if isinstance(t, sqltypes.SmallInteger) else "INTEGER")


def _datetime(t: Any, _source: str) -> TypeMapping:
    return TypeMapping("TIMESTAMP WITH TIME ZONE" if t.timezone else "TIMESTAMP")


def _time(t: Any, source: str) -> TypeMapping:
    if t.timezone:
        return TypeMapping("VARCHAR", "text", f"{source} kept as text")
    return TypeMapping("TIME")


def _array(t: Any, source: str) -> TypeMapping:
    item = map_type(t.item_type, "*", source)
    if item.read not in ("typed", "raw") or item.duck_type.endswith("]"):
        return TypeMapping("VARCHAR", "text", f"{source} kept as text")
    return TypeMapping(item.duck_type + "[]" * (t.dimensions or 1), "raw")


def _rules() -> list[tuple[str, type[Any], Rule]]:
    from sqlalchemy.dialects import mssql, mysql, oracle

    return [
        ("oracle", oracle.DATE, _fixed("TIMESTAMP", note=_ORACLE_DATE)),
        ("oracle", oracle.TIMESTAMP, _oracle_timestamp),
        ("oracle", oracle.NUMBER, _oracle_number),
        ("oracle", sqltypes.INTEGER, lambda _t, s: _decimal(38, 0, s)),
        ("oracle", sqltypes.Float, _oracle_float),
        ("oracle", oracle.ROWID, _as_text("raw")),
        ("oracle", oracle.INTERVAL, _as_text("text")),
        ("oracle", oracle.BFILE, lambda _t, s: TypeMapping(s, "raw")),  # plan_columns refuses it
        ("oracle", sqltypes.JSON, _fixed("JSON", "raw")),
        ("mssql", mssql.DATETIMEOFFSET, _fixed("TIMESTAMP WITH TIME ZONE", "utc")),
        ("mssql", mssql.MONEY, _fixed("DECIMAL(19,4)", "raw")),
        ("mssql", mssql.SMALLMONEY, _fixed("DECIMAL(10,4)", "raw")),
        ("mssql", mssql.TIMESTAMP, _fixed("BLOB", "raw", "rowversion kept as binary")),
        ("mssql", mssql.SQL_VARIANT, _as_text("text")),
        ("sqlite", sqltypes.Integer, _fixed("BIGINT")),  # SQLite integers are 8 bytes
        ("sqlite", sqltypes.Boolean, _fixed("BIGINT", "raw")),  # as DuckDB's scanner reads it
        ("sqlite", sqltypes.DateTime, _fixed("TIMESTAMP", "raw")),  # text: Kho reads it
        ("sqlite", sqltypes.Date, _fixed("DATE", "raw")),
        ("sqlite", sqltypes.Time, _fixed("TIME", "raw")),
        ("sqlite", sqltypes.Float, _fixed("DOUBLE")),  # REAL is 8 bytes; before Numeric
        ("sqlite", sqltypes.Numeric, _sqlite_numeric),
        ("mysql", mysql.TINYINT, _mysql_flag),
        ("mysql", mysql.BIT, _mysql_flag),
        ("mysql", sqltypes.Integer, _mysql_integer),
        ("mysql", mysql.FLOAT, _mysql_float),
        ("mysql", sqltypes.Float, _fixed("DOUBLE")),
        ("mysql", mysql.YEAR, _fixed("INTEGER")),
        ("mysql", mysql.BIT, _fixed("BIGINT")),
        ("mysql", mysql.SET, _fixed("VARCHAR", "raw")),
        ("mysql", mysql.TIME, _fixed("TIME", "raw")),  # timedelta: out-of-day values are refused
        ("*", sqltypes.Boolean, _fixed("BOOLEAN")),
        ("*", sqltypes.Float, _float),
        ("*", sqltypes.Integer, _integer),
        ("*", sqltypes.Numeric, _numeric),
        ("*", sqltypes.DateTime, _datetime),
        ("*", sqltypes.Date, _fixed("DATE")),
        ("*", sqltypes.Time, _time),
        ("*", sqltypes.JSON, _fixed("JSON", "text")),
        ("*", sqltypes.Uuid, _fixed("VARCHAR", "raw")),
        ("*", sqltypes.ARRAY, _array),
        ("*", sqltypes.String, _fixed("VARCHAR")),
        ("*", sqltypes._Binary, _fixed("BLOB")),
    ]


_RULES = _rules()

# -- the source query and the Arrow side ------------------------------------------------------------


def read_expression(
    column: Any, sa_type: Any, mapping: TypeMapping, dialect: str
) -> ColumnElement[Any]:
    """The select-list expression reading one column as its mapping says."""
    import sqlalchemy as sa

    if mapping.read == "typed":
        return sa.type_coerce(column, _unwrap_domain(sa_type))
    if mapping.read == "text":
        return sa.cast(column, text_type(dialect))
    if mapping.read == "utc":
        return utc_expression(column, dialect)
    return column  # type: ignore[no-any-return]


def text_type(dialect: str) -> sqltypes.TypeEngine[Any]:
    """The type a value is cast to when read as text (NTEXT and CLOB refuse most casts)."""
    from sqlalchemy.dialects import mssql

    if dialect == "mssql":
        return mssql.NVARCHAR()
    if dialect == "oracle":
        return sqltypes.Unicode(2000)
    return sqltypes.UnicodeText()


def utc_expression(column: Any, dialect: str) -> ColumnElement[Any]:
    """A timestamp with offset converted to UTC on the server, returned without offset."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import mssql

    if dialect == "mssql":
        datetime2 = mssql.DATETIME2()  # type: ignore[no-untyped-call]
        return sa.cast(sa.func.switchoffset(column, "+00:00"), datetime2)
    return sa.func.sys_extract_utc(column)  # oracle, the only other dialect with a utc rule


_ARROW_NAMES = {
    "BOOLEAN": "bool_",
    "SMALLINT": "int16",
    "INTEGER": "int32",
    "BIGINT": "int64",
    "UTINYINT": "uint8",
    "USMALLINT": "uint16",
    "UINTEGER": "uint32",
    "UBIGINT": "uint64",
    "FLOAT": "float32",
    "DOUBLE": "float64",
    "DATE": "date32",
    "VARCHAR": "string",
    "JSON": "string",
    "BLOB": "binary",
}


def arrow_type(duck_type: str) -> pa.DataType:
    """The Arrow type received values are built with; DuckDB reads it back as ``duck_type``."""
    import pyarrow as pa

    if duck_type.endswith("[]"):
        return pa.list_(arrow_type(duck_type[:-2]))
    if m := re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", duck_type):
        return pa.decimal128(int(m[1]), int(m[2]))
    if duck_type == "TIME":
        return pa.time64("us")
    if duck_type.startswith("TIMESTAMP"):
        return pa.timestamp("us", tz="UTC" if duck_type.endswith("TIME ZONE") else None)
    if duck_type in _ARROW_NAMES:
        return getattr(pa, _ARROW_NAMES[duck_type])()
    return pa.string()  # a refused type: plan_columns stops the table before any value is read
