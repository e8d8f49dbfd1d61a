"""The type-mapping table on SQLAlchemy type objects built from each dialect, as reflection gives them.

No server is needed: SQL Server and Oracle types are constructed from `sqlalchemy.dialects.mssql`
and `.oracle`, and the source query is compiled with those dialects.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql, mysql, oracle, postgresql, sqlite

from kho.errors import InvalidInput
from kho.migrate.generic import declared_type, normal_name
from kho.migrate.sources import SourceColumn, SourceTable
from kho.migrate.sqltypes import TypeMapping, arrow_type, map_type, read_expression
from kho.migrate.transfer import plan_columns

DIALECTS = {
    "mssql": mssql.dialect(),
    "oracle": oracle.dialect(),
    "mysql": mysql.dialect(),
    "postgresql": postgresql.dialect(),
    "sqlite": sqlite.dialect(),
}


def mapped(sa_type: Any, dialect: str) -> TypeMapping:
    return map_type(sa_type, dialect, declared_type(sa_type, DIALECTS[dialect]))


def source_sql(sa_type: Any, dialect: str) -> str:
    """The SELECT the generic path sends for one column of this type."""
    table = sa.table("ho_so", sa.column("cot"), schema="ktxh")
    mapping = mapped(sa_type, dialect)
    expr = read_expression(table.c.cot, sa_type, mapping, dialect).label("c0")
    return str(sa.select(expr).compile(dialect=DIALECTS[dialect]))


# -- SQL Server ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sa_type", "duck", "read"),
    [
        (mssql.BIT(), "BOOLEAN", "typed"),
        (mssql.TINYINT(), "INTEGER", "typed"),
        (sa.SMALLINT(), "SMALLINT", "typed"),
        (sa.BIGINT(), "BIGINT", "typed"),
        (sa.DECIMAL(18, 2), "DECIMAL(18,2)", "typed"),
        (sa.NUMERIC(38, 0), "DECIMAL(38,0)", "typed"),
        (mssql.MONEY(), "DECIMAL(19,4)", "raw"),
        (mssql.SMALLMONEY(), "DECIMAL(10,4)", "raw"),
        (mssql.REAL(), "FLOAT", "typed"),
        (sa.FLOAT(53), "DOUBLE", "typed"),
        (mssql.DATETIME2(), "TIMESTAMP", "typed"),
        (mssql.SMALLDATETIME(), "TIMESTAMP", "typed"),
        (sa.DATETIME(), "TIMESTAMP", "typed"),
        (mssql.DATETIMEOFFSET(), "TIMESTAMP WITH TIME ZONE", "utc"),
        (sa.DATE(), "DATE", "typed"),
        (mssql.TIME(), "TIME", "typed"),
        (mssql.NVARCHAR(), "VARCHAR", "typed"),  # nvarchar(max)
        (mssql.NTEXT(), "VARCHAR", "typed"),
        (mssql.XML(), "VARCHAR", "typed"),
        (mssql.VARBINARY(), "BLOB", "typed"),  # varbinary(max)
        (mssql.IMAGE(), "BLOB", "typed"),
        (mssql.TIMESTAMP(), "BLOB", "raw"),  # rowversion
        (mssql.UNIQUEIDENTIFIER(), "VARCHAR", "raw"),
        (mssql.SQL_VARIANT(), "VARCHAR", "text"),
    ],
)
def test_sql_server_types(sa_type: Any, duck: str, read: str) -> None:
    got = mapped(sa_type, "mssql")
    assert (got.duck_type, got.read) == (duck, read)


def test_sql_server_reads_datetimeoffset_as_utc_and_casts_text_to_nvarchar_max() -> None:
    assert "CAST(switchoffset(ktxh.ho_so.cot, " in source_sql(mssql.DATETIMEOFFSET(), "mssql")
    assert "AS DATETIME2)" in source_sql(mssql.DATETIMEOFFSET(), "mssql")
    assert "CAST(ktxh.ho_so.cot AS NVARCHAR(max))" in source_sql(mssql.SQL_VARIANT(), "mssql")
    assert mapped(mssql.SQL_VARIANT(), "mssql").note == "SQL_VARIANT kept as text"
    assert mapped(mssql.TIMESTAMP(), "mssql").note == "rowversion kept as binary"


def test_fixed_length_char_is_trimmed_where_the_server_pads_it() -> None:
    assert mapped(mssql.NCHAR(10), "mssql").trim and mapped(sa.CHAR(5), "mssql").trim
    assert mapped(oracle.NCHAR(3), "oracle").trim and mapped(sa.CHAR(20), "postgresql").trim
    assert not mapped(sa.CHAR(5), "mysql").trim  # MySQL strips the padding itself
    assert not mapped(sa.CHAR(5), "sqlite").trim  # SQLite has no padding: spaces are data
    assert not mapped(mssql.NVARCHAR(50), "mssql").trim


# -- Oracle --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sa_type", "duck", "read"),
    [
        (oracle.NUMBER(), "DOUBLE", "raw"),  # NUMBER without precision
        (oracle.NUMBER(10, 2), "DECIMAL(10,2)", "typed"),
        (oracle.NUMBER(10, 0), "DECIMAL(10,0)", "typed"),
        (oracle.NUMBER(None, 2), "DECIMAL(38,2)", "typed"),  # NUMBER(*,2)
        (oracle.NUMBER(5, -2), "DECIMAL(7,0)", "typed"),  # rounded to hundreds
        (sa.INTEGER(), "DECIMAL(38,0)", "typed"),  # how Oracle reflects NUMBER(*,0) / INTEGER
        (oracle.DATE(), "TIMESTAMP", "typed"),
        (oracle.TIMESTAMP(), "TIMESTAMP", "typed"),
        (oracle.TIMESTAMP(timezone=True), "TIMESTAMP WITH TIME ZONE", "utc"),
        (oracle.TIMESTAMP(local_timezone=True), "TIMESTAMP WITH TIME ZONE", "utc"),
        (oracle.VARCHAR2(100), "VARCHAR", "typed"),
        (oracle.NVARCHAR2(100), "VARCHAR", "typed"),
        (sa.CLOB(), "VARCHAR", "typed"),
        (oracle.NCLOB(), "VARCHAR", "typed"),
        (oracle.LONG(), "VARCHAR", "typed"),
        (oracle.RAW(16), "BLOB", "typed"),
        (sa.BLOB(), "BLOB", "typed"),
        (oracle.BINARY_DOUBLE(), "DOUBLE", "typed"),
        (oracle.BINARY_FLOAT(), "FLOAT", "typed"),
        (sa.DOUBLE_PRECISION(), "DOUBLE", "typed"),  # FLOAT(126)
        (sa.REAL(), "DOUBLE", "typed"),  # Oracle REAL is FLOAT(63): more than 4 bytes
        (oracle.FLOAT(binary_precision=20), "FLOAT", "typed"),
        (oracle.ROWID(), "VARCHAR", "raw"),
        (oracle.INTERVAL(), "VARCHAR", "text"),
        (sa.BOOLEAN(), "BOOLEAN", "typed"),
    ],
)
def test_oracle_types(sa_type: Any, duck: str, read: str) -> None:
    got = mapped(sa_type, "oracle")
    assert (got.duck_type, got.read) == (duck, read)


def test_oracle_notes_and_source_query() -> None:
    assert (
        mapped(oracle.DATE(), "oracle").note == "Oracle DATE (has a time of day) kept as timestamp"
    )
    assert "without precision kept as double" in (mapped(oracle.NUMBER(), "oracle").note or "")
    assert "sys_extract_utc(ktxh.ho_so.cot)" in source_sql(
        oracle.TIMESTAMP(timezone=True), "oracle"
    )
    assert "CAST(ktxh.ho_so.cot AS VARCHAR2(2000 CHAR))" in source_sql(oracle.INTERVAL(), "oracle")


def test_oracle_bfile_is_refused_with_the_column_named() -> None:
    got = mapped(oracle.BFILE(), "oracle")
    table = SourceTable("hr", "ho_so", columns=[SourceColumn("tep", got.duck_type)])
    with pytest.raises(InvalidInput, match="'tep' has type BFILE"):
        plan_columns(table)


def test_oracle_upper_case_names_are_normalised_like_the_inspector() -> None:
    dialect = DIALECTS["oracle"]
    assert normal_name(dialect, "HR") == "hr" == normal_name(dialect, "hr")
    assert normal_name(dialect, "NHAN_VIEN") == "nhan_vien"
    assert normal_name(dialect, "MixedCase") == "MixedCase"  # quoted, case-sensitive
    assert normal_name(DIALECTS["postgresql"], "HR") == "HR"  # no normalisation elsewhere


# -- PostgreSQL, MySQL, SQLite -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sa_type", "dialect", "duck", "read"),
    [
        (postgresql.NUMERIC(), "postgresql", "DOUBLE", "raw"),
        (postgresql.NUMERIC(50, 2), "postgresql", "DOUBLE", "raw"),
        (postgresql.REAL(), "postgresql", "FLOAT", "typed"),
        (postgresql.JSONB(), "postgresql", "JSON", "text"),
        (postgresql.JSON(), "postgresql", "JSON", "text"),
        (postgresql.UUID(), "postgresql", "VARCHAR", "raw"),
        (postgresql.INTERVAL(), "postgresql", "VARCHAR", "text"),
        (postgresql.TSVECTOR(), "postgresql", "VARCHAR", "text"),
        (postgresql.MONEY(), "postgresql", "VARCHAR", "text"),
        (postgresql.ENUM("G", "PG", name="mpaa_rating"), "postgresql", "VARCHAR", "typed"),
        (postgresql.DOMAIN("year", sa.INTEGER()), "postgresql", "INTEGER", "typed"),
        (postgresql.ARRAY(sa.TEXT()), "postgresql", "VARCHAR[]", "raw"),
        (postgresql.ARRAY(sa.INTEGER(), dimensions=2), "postgresql", "INTEGER[][]", "raw"),
        (postgresql.ARRAY(postgresql.INTERVAL()), "postgresql", "VARCHAR", "text"),
        (postgresql.TIME(timezone=True), "postgresql", "VARCHAR", "text"),
        (postgresql.TIMESTAMP(timezone=True), "postgresql", "TIMESTAMP WITH TIME ZONE", "typed"),
        (postgresql.BYTEA(), "postgresql", "BLOB", "typed"),
        (mysql.INTEGER(unsigned=True), "mysql", "UINTEGER", "raw"),
        (mysql.BIGINT(unsigned=True), "mysql", "UBIGINT", "raw"),
        (mysql.TINYINT(unsigned=True), "mysql", "UTINYINT", "raw"),
        (mysql.INTEGER(display_width=11), "mysql", "INTEGER", "typed"),
        (mysql.FLOAT(), "mysql", "FLOAT", "typed"),
        (mysql.DOUBLE(), "mysql", "DOUBLE", "typed"),
        (mysql.REAL(), "mysql", "DOUBLE", "typed"),
        (mysql.YEAR(), "mysql", "INTEGER", "typed"),
        (mysql.SET("a", "b"), "mysql", "VARCHAR", "raw"),
        (mysql.TIME(), "mysql", "TIME", "raw"),
        (mysql.DATETIME(), "mysql", "TIMESTAMP", "typed"),
        (mysql.JSON(), "mysql", "JSON", "text"),
        (sqlite.INTEGER(), "sqlite", "BIGINT", "typed"),
        (sa.REAL(), "sqlite", "DOUBLE", "typed"),
        (sa.NUMERIC(10, 2), "sqlite", "DECIMAL(10,2)", "raw"),
        (sqlite.DATETIME(), "sqlite", "TIMESTAMP", "raw"),  # text read by Kho, not SQLAlchemy
        (sqlite.DATE(), "sqlite", "DATE", "raw"),
        (sa.BOOLEAN(), "sqlite", "BIGINT", "raw"),  # as DuckDB's scanner reads it
        (mysql.TINYINT(display_width=1), "mysql", "BOOLEAN", "typed"),  # BOOL, as the scanner
        (mysql.BIT(1), "mysql", "BOOLEAN", "typed"),
        (mysql.TINYINT(display_width=4), "mysql", "INTEGER", "typed"),
        (mysql.TINYINT(display_width=1, unsigned=True), "mysql", "UTINYINT", "raw"),
        (sa.types.NullType(), "sqlite", "VARCHAR", "text"),
    ],
)
def test_other_dialect_types(sa_type: Any, dialect: str, duck: str, read: str) -> None:
    got = map_type(sa_type, dialect, "declared")
    assert (got.duck_type, got.read) == (duck, read)


def test_unknown_types_are_read_as_text_and_reported() -> None:
    got = map_type(sa.types.NullType(), "postgresql", "geometry(Point,4326)")
    assert got == TypeMapping("VARCHAR", "text", "geometry(Point,4326) kept as text")


# -- Arrow ↔ DuckDB ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "duck",
    [
        "BOOLEAN",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "FLOAT",
        "DOUBLE",
        "DECIMAL(19,4)",
        "DATE",
        "TIME",
        "TIMESTAMP",
        "TIMESTAMP WITH TIME ZONE",
        "VARCHAR",
        "BLOB",
        "VARCHAR[]",
        "INTEGER[][]",
    ],
)
def test_received_arrow_reads_back_in_duckdb_as_the_planned_type(duck: str) -> None:
    """DuckDB sees the received column as the scanner would, so plans and checksums agree."""
    received = pa.table({"cot": pa.array([], arrow_type(duck))})
    con = duckdb.connect()
    con.register("received", received)
    described = con.execute("DESCRIBE received").fetchall()
    assert str(described[0][1]) == duck
