"""Source databases: which path reads a URL, and the DuckDB-scanner path (PostgreSQL, MySQL, SQLite).

`open_source` picks the path: DuckDB's scanners for PostgreSQL, MySQL/MariaDB and SQLite (measured
fastest, see bench/RESULTS.md), SQLAlchemy (`generic.GenericSource`) for SQL Server and Oracle, or
for any of them with ``via="sqlalchemy"``. Both give the service the same `MigrationSource` face.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

from kho.errors import InvalidInput, NotFound, SourceUnreadable

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import duckdb
    import pyarrow as pa

    from kho.migrate.received import RejectLog, RunningChecksums
    from kho.migrate.transfer import Checksums, ColumnPlan

SourceKind = Literal["postgresql", "mysql", "sqlite", "mssql", "oracle"]
SCANNER_KINDS = ("postgresql", "mysql", "sqlite")
VIAS = ("auto", "duckdb", "sqlalchemy")
# SQL Server and Oracle need the driver named: SQLAlchemy's defaults (pyodbc, cx_Oracle) need
# system libraries that do not install from PyPI.
_DRIVERS = {"mssql": ("pymssql", "pytds"), "oracle": ("oracledb",)}
DEFAULT_SCHEMAS = {"postgresql": "public", "sqlite": "main"}
_SCANNERS = {"postgresql": "postgres_scanner", "sqlite": "sqlite_scanner"}
_TIME_NOTE = "read as SQLite stores the values, since DuckDB's scanner cannot read TIME columns"
T = TypeVar("T")


@dataclass
class SourceColumn:
    """One column as the source declares it, with DuckDB's view of its type."""

    name: str
    duck_type: str
    comment: str | None = None
    declared: str | None = None
    source_type: str | None = None
    note: str | None = None


@dataclass
class SourceTable:
    """One base table of the source (views and partitions are left out)."""

    schema: str
    name: str
    comment: str | None = None
    columns: list[SourceColumn] = field(default_factory=list)
    key: list[str] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        """``schema.table`` as the user names it."""
        return f"{self.schema}.{self.name}"


def safe_url(url: str) -> str:
    """The URL with any password hidden, for reports and logs."""
    from sqlalchemy.engine import make_url

    if "://" not in url:
        return url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot parse is shown as given
        return url


def source_kind(url: str) -> SourceKind:
    """The source database from the URL scheme (or a plain path to a SQLite file)."""
    head = url.split("://", 1)[0].lower() if "://" in url else "file"
    scheme, _, driver = head.partition("+")
    if scheme in ("postgresql", "postgres"):
        return "postgresql"
    if scheme in ("mysql", "mariadb"):
        return "mysql"
    if scheme in ("sqlite", "file"):
        return "sqlite"
    if scheme == "mssql" and driver in _DRIVERS["mssql"]:
        return "mssql"
    if scheme == "oracle" and driver in _DRIVERS["oracle"]:
        return "oracle"
    raise InvalidInput(
        f"Unsupported source database {head!r} in {safe_url(url)!r}.",
        hint="Use postgresql://…, mysql://… (MariaDB too), sqlite:///path/to/file.db, "
        "mssql+pymssql://… or mssql+pytds://… (SQL Server), oracle+oracledb://… (Oracle).",
    )


class MigrationSource(Protocol):
    """What the migration service needs from a source, whichever path reads it."""

    display: str
    kind: SourceKind
    via: str
    checksum_basis: str
    con: duckdb.DuckDBPyConnection  # also reads the warehouse side of the checksums

    @property
    def default_schema(self) -> str: ...
    def tables(
        self, *, schemas: list[str] | None = None, names: list[str] | None = None
    ) -> list[SourceTable]: ...
    def count_rows(self, table: SourceTable) -> int: ...
    def read(
        self,
        table: SourceTable,
        plans: list[ColumnPlan],
        *,
        rejects: RejectLog,
        on_rows: Callable[[int], None] | None = None,
        where: str = "",
    ) -> Iterator[pa.Table]: ...
    def reread_as_stored(
        self, table: SourceTable, exc: BaseException, rejects: RejectLog
    ) -> bool: ...
    def source_checksums(self, table: SourceTable, plans: list[ColumnPlan]) -> Checksums: ...
    def close(self) -> None: ...


def open_source(url: str, *, via: str = "auto") -> MigrationSource:
    """The source read by DuckDB's scanner where one exists, else (or on request) by SQLAlchemy."""
    if via not in VIAS:
        raise InvalidInput(f"Unknown reading path {via!r}.", hint=f"Use one of: {', '.join(VIAS)}.")
    kind = source_kind(os.path.expandvars(url))
    if via == "duckdb" and kind not in SCANNER_KINDS:
        raise InvalidInput(
            f"DuckDB has no scanner for {kind} sources.",
            hint="Leave out --via (or use --via sqlalchemy): they are read through SQLAlchemy.",
        )
    if via == "sqlalchemy" or kind not in SCANNER_KINDS:
        from kho.migrate.generic import GenericSource

        return GenericSource(url)
    return Source(url)


def read_into(
    source: MigrationSource,
    table: SourceTable,
    plans: list[ColumnPlan],
    rejects: RejectLog,
    use: Callable[[Iterator[pa.Table]], T],
    *,
    on_rows: Callable[[int], None] | None = None,
    where: str = "",
) -> T:
    """``use`` (a write) fed with the table's batches; a table the scanner refused, read again."""
    try:
        return use(source.read(table, plans, rejects=rejects, on_rows=on_rows, where=where))
    except Exception as exc:
        if not source.reread_as_stored(table, exc, rejects):
            raise
    return use(source.read(table, plans, rejects=rejects, on_rows=on_rows, where=where))


def choose_tables(
    found: list[SourceTable], *, schemas: list[str] | None, names: list[str] | None, display: str
) -> list[SourceTable]:
    """Tables filtered by schema and by ``table`` or ``schema.table`` names; unknown names refused."""
    chosen = [t for t in found if t.schema in schemas] if schemas else found
    if names:
        wanted = set(names)
        chosen = [t for t in chosen if t.name in wanted or t.qualified in wanted]
        missing = wanted - {t.name for t in chosen} - {t.qualified for t in chosen}
        if missing:
            raise NotFound(
                f"No table {', '.join(sorted(missing))} in {display}.",
                hint="Tables there: " + ", ".join(t.qualified for t in found),
            )
    return chosen


class Source:
    """An attached source database (DuckDB alias ``src``) plus the warehouse reader."""

    via = "duckdb"
    checksum_basis = "source"

    def __init__(self, url: str) -> None:
        self.url = os.path.expandvars(url)
        self.display = safe_url(url)
        self.kind = source_kind(self.url)
        if self.kind not in SCANNER_KINDS:
            raise InvalidInput(  # only `kho sync` builds a scanner Source for any URL
                f"Syncing reads PostgreSQL, MySQL/MariaDB and SQLite sources; {self.display} is "
                f"{self.kind}.",
                hint="Migrate it with `kho migrate`, and run `kho migrate --force` again to "
                "refresh the copy.",
            )
        self.con = _connect(self.kind)
        self._database = ""
        self._sums: dict[str, RunningChecksums] = {}
        self._as_stored: set[str] = set()  # SQLite tables read as stored, not by the scanner
        self._attach()

    def close(self) -> None:
        """Detach and close the DuckDB session."""
        self.con.close()

    @property
    def default_schema(self) -> str:
        """The schema whose name is left out of dataset slugs."""
        return DEFAULT_SCHEMAS.get(self.kind, self._database)

    def relation(self, table: SourceTable) -> str:
        """A DuckDB expression naming the source table."""
        return f"src.{_quote(table.schema)}.{_quote(table.name)}"

    def count_rows(self, table: SourceTable) -> int:
        """Rows in the source table now."""
        row = self.con.execute(f"SELECT count(*) FROM {self.relation(table)}").fetchone()
        return int(row[0]) if row else 0

    def read(
        self,
        table: SourceTable,
        plans: list[ColumnPlan],
        *,
        rejects: RejectLog,
        on_rows: Callable[[int], None] | None = None,
        where: str = "",
    ) -> Iterator[pa.Table]:
        """The table's rows as planned (and filtered by ``where``), in Arrow batches.

        A SQLite table the scanner refused (`reread_as_stored`), or one with a TIME column, is
        read as SQLite stores it (`affinity`): values fitted by Kho's rules, misfit rows into
        ``rejects``.
        """
        from kho.migrate import affinity
        from kho.migrate.transfer import read_batches, select_sql

        timed = self.kind == "sqlite" and affinity.has_time_column(table)
        if timed and table.qualified not in self._as_stored:
            rejects.notes.append(_TIME_NOTE)
        if timed or table.qualified in self._as_stored:
            rows = affinity.new_rows(self.con, table, plans, rejects, where)
            self._sums[table.qualified] = rows.sums
            return affinity.read_as_stored(self.sqlite_path, table, plans, rows, on_rows=on_rows)
        sql = select_sql(self.relation(table), plans, where)
        return read_batches(self.con, sql, plans, on_rows=on_rows)

    def reread_as_stored(self, table: SourceTable, exc: BaseException, rejects: RejectLog) -> bool:
        """Whether to read the table again as SQLite stores it, the scanner having refused a value."""
        from kho.migrate import affinity

        if self.kind != "sqlite" or table.qualified in self._as_stored:
            return False
        if not affinity.scanner_refused(exc):
            return False
        self._as_stored.add(table.qualified)
        rejects.notes.append(affinity.refusal_note(exc))
        return True

    def source_checksums(self, table: SourceTable, plans: list[ColumnPlan]) -> Checksums:
        """Counts and checksums computed by a query on the source, through the scanner.

        For a table read as stored, the sums taken over the rows kept as they passed.
        """
        from kho.migrate.transfer import checksums

        sums = self._sums.pop(table.qualified, None)
        if sums is not None:
            assert sums.complete, "source_checksums before the rows were read"
            return sums.result()
        return checksums(self.con, self.relation(table), [p.expr for p in plans])

    def _attach(self) -> None:
        target, kind = self._attach_target()
        try:
            self.con.execute(f"ATTACH '{_sql_str(target)}' AS src (TYPE {kind}, READ_ONLY)")
        except Exception as exc:  # noqa: BLE001 - the driver's message is the useful part
            raise SourceUnreadable(
                f"Cannot open the source database {self.display}: {_first_line(exc)}",
                hint="Check the URL, that the server runs and that the user may read it.",
            ) from exc
        if self.kind != "sqlite":
            self._database = _current_database(self.con, self.kind)

    def _attach_target(self) -> tuple[str, str]:
        from sqlalchemy.engine import make_url

        if self.kind == "sqlite":
            path = self.url.split(":///", 1)[1] if "://" in self.url else self.url
            if not Path(path).is_file():
                raise NotFound(f"No SQLite database at {path!r}.", hint="Check the path.")
            self.sqlite_path = path
            return path, "sqlite"
        url = make_url(self.url)
        if self.kind == "postgresql":
            return url.set(drivername="postgresql").render_as_string(
                hide_password=False
            ), "postgres"
        parts = {
            "host": url.host or "localhost",
            "port": url.port,
            "user": url.username,
            "passwd": url.password,
            "database": url.database,
            "socket": url.query.get("unix_socket"),
        }
        return " ".join(f"{k}={v}" for k, v in parts.items() if v), "mysql"

    def tables(
        self, *, schemas: list[str] | None = None, names: list[str] | None = None
    ) -> list[SourceTable]:
        """Base tables, filtered by schema and by ``table`` or ``schema.table`` names."""
        found = choose_tables(
            self._list_tables(), schemas=schemas, names=names, display=self.display
        )
        for table in found:
            table.columns = self._columns(table)
        self._add_comments_and_keys(found)
        return found

    def split_names(self, names: list[str]) -> tuple[list[str], list[str]]:
        """The ``table`` or ``schema.table`` names the source has, and those it no longer has."""
        found = self._list_tables()
        known = {t.name for t in found} | {t.qualified for t in found}
        return [n for n in names if n in known], [n for n in names if n not in known]

    def _list_tables(self) -> list[SourceTable]:
        rows = self._meta_query(_TABLES_SQL[self.kind])
        return [SourceTable(schema=r[0], name=r[1], comment=r[2] or None) for r in rows]

    def _columns(self, table: SourceTable) -> list[SourceColumn]:
        rows = self.con.execute(f"DESCRIBE {self.relation(table)}").fetchall()
        return [SourceColumn(name=r[0], duck_type=str(r[1])) for r in rows]

    def _add_comments_and_keys(self, tables: list[SourceTable]) -> None:
        by_name = {(t.schema, t.name): t for t in tables}
        if self.kind == "sqlite":
            for t in tables:
                t.key, declared = _sqlite_key(self.sqlite_path, t.name)
                for col in t.columns:
                    col.declared = declared.get(col.name)
                    if re.match(r"\s*TIME\b", col.declared or "", re.I):
                        col.duck_type = "TIME"  # the scanner says TIMESTAMP, then refuses 08:30
            return
        for schema, name, column, comment in self._meta_query(_COMMENTS_SQL[self.kind]):
            table = by_name.get((schema, name))
            found = [c for c in table.columns if c.name == column] if table else []
            for col in found:
                col.comment = comment or None
        for schema, name, column in self._meta_query(_KEYS_SQL[self.kind]):
            if (schema, name) in by_name:
                by_name[(schema, name)].key.append(column)

    def _meta_query(self, sql: str) -> list[tuple[str, ...]]:
        if self.kind == "sqlite":
            with sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True) as conn:
                return [tuple(r) for r in conn.execute(sql).fetchall()]
        func = "postgres_query" if self.kind == "postgresql" else "mysql_query"
        sql = sql.replace("{db}", self._database.replace("'", "''"))
        return self.con.execute(f"SELECT * FROM {func}('src', '{_sql_str(sql)}')").fetchall()


def _connect(kind: SourceKind) -> duckdb.DuckDBPyConnection:
    from kho.query.duck import connect

    if kind == "mysql":
        con = connect(extensions=("iceberg",))
        con.load_extension(str(_mysql_extension()))
        return con
    return connect(extensions=("iceberg", _SCANNERS[kind]))


def _mysql_extension() -> Path:
    spec = importlib.util.find_spec("duckdb_extension_mysql_scanner")
    for location in (spec.submodule_search_locations or []) if spec else []:
        found = sorted(Path(location).glob("extensions/*/*.duckdb_extension"))
        if found:
            return found[-1]
    raise NotFound(
        "The DuckDB extension 'mysql_scanner' is not installed.",
        hint="pip install duckdb-extension-mysql-scanner==1.5.5 (see constraints.txt).",
    )


def _current_database(con: duckdb.DuckDBPyConnection, kind: SourceKind) -> str:
    sql = {"postgresql": "postgres_query('src', 'SELECT current_database()')"}.get(
        kind, "mysql_query('src', 'SELECT database()')"
    )
    row = con.execute(f"SELECT * FROM {sql}").fetchone()
    return str(row[0]) if row else ""


def _sqlite_key(path: str, table: str) -> tuple[list[str], dict[str, str]]:
    """The primary key columns in order, and each column's declared type."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        sql = "SELECT name, pk, type FROM pragma_table_info(?)"
        rows = conn.execute(sql, (table,)).fetchall()
    key = [name for name, pk, _ in sorted(rows, key=lambda r: r[1]) if pk]
    return key, {name: kind for name, _, kind in rows}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


_TABLES_SQL = {
    "postgresql": """
        SELECT n.nspname, c.relname, obj_description(c.oid, 'pg_class')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY 1, 2""",
    "mysql": """
        SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_COMMENT FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = '{db}' AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1, 2""",
    "sqlite": """
        SELECT 'main', name, NULL FROM sqlite_master
        WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name""",
}
_COMMENTS_SQL = {
    "postgresql": """
        SELECT n.nspname, c.relname, a.attname, col_description(c.oid, a.attnum)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NOT NULL""",
    "mysql": """
        SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = '{db}' AND COLUMN_COMMENT <> ''""",
}
_KEYS_SQL = {
    "postgresql": """
        SELECT k.table_schema, k.table_name, k.column_name
        FROM information_schema.table_constraints t
        JOIN information_schema.key_column_usage k
          ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema
         AND k.table_name = t.table_name
        WHERE t.constraint_type = 'PRIMARY KEY' ORDER BY 1, 2, k.ordinal_position""",
    "mysql": """
        SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA = '{db}' AND CONSTRAINT_NAME = 'PRIMARY'
        ORDER BY 1, 2, ORDINAL_POSITION""",
}
