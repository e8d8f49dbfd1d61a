"""Any database SQLAlchemy 2 reads, as a migration source: SQL Server, Oracle, and the rest on request.

Tables, columns, comments and primary keys come from SQLAlchemy's inspector; each column type goes
through the mapping table in `sqltypes`; rows stream through a server-side cursor in batches of
`transfer.BATCH_ROWS`, become Arrow, are planned by DuckDB with the same expressions as the
scanner path, and have their checksums summed as they pass (`received`); a value the planned type
cannot take is cast by ingest's rules or its row kept as a reject (`misfits`). This is the path tested
against the real PostgreSQL, MariaDB and SQLite of the test run with ``--via sqlalchemy``; SQL
Server and Oracle go through exactly this code with their own driver and mapping rules.
"""

from __future__ import annotations

import importlib.util
import os
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kho.errors import InvalidInput, NotFound, SourceUnreadable
from kho.migrate.received import ReceivedRows, RejectLog, RunningChecksums
from kho.migrate.sources import (
    SourceColumn,
    SourceKind,
    SourceTable,
    choose_tables,
    safe_url,
    source_kind,
)
from kho.migrate.sqltypes import TypeMapping, map_type, read_expression

if TYPE_CHECKING:
    import pyarrow as pa
    import sqlalchemy as sa
    from sqlalchemy.engine import URL, Engine

    from kho.migrate.transfer import Checksums, ColumnPlan

# driver name in the URL → (module that must import, what to pip install)
_DRIVERS = {
    "psycopg": ("psycopg", "psycopg[binary]"),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "pymysql": ("pymysql", "pymysql"),
    "mysqldb": ("MySQLdb", "mysqlclient"),
    "pymssql": ("pymssql", "pymssql"),
    "pytds": ("sqlalchemy_pytds", "sqlalchemy-pytds"),
    "oracledb": ("oracledb", "oracledb"),
}
_DEFAULT_DRIVERS = {"postgresql": "psycopg", "mysql": "pymysql"}
# Where no --schema is given: every user schema (PostgreSQL, SQL Server), else the default one
# (the MySQL database, SQLite's main, the Oracle user's schema).
_SYSTEM_SCHEMAS = {
    "postgresql": r"information_schema|pg_catalog|pg_toast.*|pg_temp_\d+",
    "mssql": r"information_schema|sys|guest|db_(owner|accessadmin|securityadmin|ddladmin"
    r"|backupoperator|datareader|datawriter|denydatareader|denydatawriter)",
}
_PARTITIONS_SQL = """SELECT n.nspname, c.relname FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relispartition"""
_UNRECOGNISED = re.compile(r"Did not recognize type '(.+?)' of column '(.+?)'")


@dataclass(frozen=True)
class ColumnRead:
    """One column of the source query: its reflected type and the mapping chosen for it."""

    name: str
    sa_type: Any
    mapping: TypeMapping


class GenericSource:
    """A source database read through SQLAlchemy Core, plus a DuckDB session for the checksums."""

    via = "sqlalchemy"
    checksum_basis = "received rows"

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        from kho.query.duck import connect

        self.url = os.path.expandvars(url)
        self.display = safe_url(url)
        self.kind: SourceKind = source_kind(self.url)
        self.engine = open_engine(engine_url(self.url, self.kind), self.display)
        self._inspector = sa.inspect(self.engine)
        self._default = self._inspector.default_schema_name
        self._reads: dict[str, list[ColumnRead]] = {}
        self._sums: dict[str, RunningChecksums] = {}
        self.con = connect(extensions=("iceberg",))

    def close(self) -> None:
        """Close the DuckDB session and the database connections."""
        self.con.close()
        self.engine.dispose()

    @property
    def default_schema(self) -> str:
        """The schema whose name is left out of dataset slugs."""
        if not self._default:
            raise InvalidInput(
                f"{self.display} names no database.", hint="Add it to the URL: …/DATABASE."
            )
        return str(self._default)

    # -- tables ------------------------------------------------------------------------------

    def tables(
        self, *, schemas: list[str] | None = None, names: list[str] | None = None
    ) -> list[SourceTable]:
        """Base tables, filtered by schema and by ``table`` or ``schema.table`` names."""
        dialect = self.engine.dialect
        schemas = [normal_name(dialect, s) for s in schemas] if schemas else None
        if names:
            names = [".".join(normal_name(dialect, p) for p in n.split(".")) for n in names]
        listed = self._list_tables(schemas or self._default_schemas(names or []))
        chosen = choose_tables(listed, schemas=schemas, names=names, display=self.display)
        for schema in dict.fromkeys(t.schema for t in chosen):
            self._describe(schema, [t for t in chosen if t.schema == schema])
        return chosen

    def _default_schemas(self, names: list[str]) -> list[str]:
        existing = self._inspector.get_schema_names()
        pattern = _SYSTEM_SCHEMAS.get(self.kind)
        if pattern:
            chosen = [s for s in existing if not re.fullmatch(pattern, s, re.I)]
        else:
            chosen = [self.default_schema]
        named = [n.split(".", 1)[0] for n in names if "." in n]
        return list(dict.fromkeys(chosen + [s for s in named if s in existing]))

    def _list_tables(self, schemas: list[str]) -> list[SourceTable]:
        hidden = self._partitions()
        return [
            SourceTable(schema=schema, name=name)
            for schema in schemas
            for name in sorted(self._inspector.get_table_names(schema=schema))
            if (schema, name) not in hidden
        ]

    def _partitions(self) -> set[tuple[str, str]]:
        """PostgreSQL partitions, left out like the scanner path does: the parent has their rows."""
        import sqlalchemy as sa

        if self.kind != "postgresql":
            return set()
        with self.engine.connect() as conn:
            return {(str(s), str(n)) for s, n in conn.execute(sa.text(_PARTITIONS_SQL))}

    def _describe(self, schema: str, tables: list[SourceTable]) -> None:
        """Columns with mapped types, comments and primary keys, one inspector call per kind."""
        import sqlalchemy as sa

        insp, names = self._inspector, [t.name for t in tables]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", sa.exc.SAWarning)
            columns = insp.get_multi_columns(schema=schema, filter_names=names)
        unknown = _unrecognised([str(w.message) for w in caught])
        keys = insp.get_multi_pk_constraint(schema=schema, filter_names=names)
        comments: dict[Any, Any] = {}
        if self.engine.dialect.supports_comments:
            comments = insp.get_multi_table_comment(schema=schema, filter_names=names)
        for table in tables:
            table.comment = (_entry(comments, schema, table.name) or {}).get("text") or None
            key = (_entry(keys, schema, table.name) or {}).get("constrained_columns")
            table.key = list(key or [])
            self._add_columns(table, _entry(columns, schema, table.name) or [], unknown)

    def _add_columns(
        self, table: SourceTable, reflected: list[Any], unknown: dict[str, str]
    ) -> None:
        reads = []
        for col in reflected:
            declared = unknown.get(col["name"]) or declared_type(col["type"], self.engine.dialect)
            mapping = map_type(col["type"], self.kind, declared)
            table.columns.append(
                SourceColumn(
                    name=col["name"],
                    duck_type=mapping.duck_type,
                    comment=col.get("comment") or None,
                    source_type=declared,
                    note=mapping.note,
                )
            )
            reads.append(ColumnRead(col["name"], col["type"], mapping))
        self._reads[table.qualified] = reads

    # -- rows --------------------------------------------------------------------------------

    def count_rows(self, table: SourceTable) -> int:
        """Rows in the source table now."""
        import sqlalchemy as sa

        stmt = sa.select(sa.func.count()).select_from(sa.table(table.name, schema=table.schema))
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def read(
        self,
        table: SourceTable,
        plans: list[ColumnPlan],
        *,
        rejects: RejectLog,
        on_rows: Callable[[int], None] | None = None,
        where: str = "",
    ) -> Iterator[pa.Table]:
        """The table's rows as planned (and filtered by ``where``), in Arrow batches; their
        checksums are summed meanwhile. A row holding a value its column's type cannot take is
        left out and logged in ``rejects``."""
        from kho.migrate.transfer import repair_batches

        reads = self._reads[table.qualified]
        rows = ReceivedRows(
            self.con,
            [r.mapping.duck_type for r in reads],
            plans,
            rejects,
            where=where,
            trim=[r.mapping.trim for r in reads],
            key=[p.name for p in plans if p.source in table.key],
        )
        self._sums[table.qualified] = rows.sums
        return repair_batches(self._received(table, reads, rows), plans, on_rows=on_rows)

    def reread_as_stored(self, table: SourceTable, exc: BaseException, rejects: RejectLog) -> bool:
        """Never: values already arrive as the driver delivers them, misfits fitted one by one."""
        return False

    def source_checksums(self, table: SourceTable, plans: list[ColumnPlan]) -> Checksums:
        """Counts and checksums of the rows as received by `read` (which must have finished)."""
        sums = self._sums.get(table.qualified)
        assert sums is not None and sums.complete, "source_checksums before the rows were read"
        return sums.result()

    def _received(
        self, table: SourceTable, reads: list[ColumnRead], rows: ReceivedRows
    ) -> Iterator[pa.Table]:
        import sqlalchemy as sa

        from kho.migrate.transfer import BATCH_ROWS

        done = 0
        with self.engine.connect() as conn:
            conn = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS)
            try:
                for batch in conn.execute(_select(table, reads, self.kind)).partitions():
                    yield rows.batch(batch)
                    done += len(batch)
            except (sa.exc.SQLAlchemyError, ValueError, ArithmeticError) as exc:
                raise SourceUnreadable(
                    f"Reading {table.qualified} from {self.display} failed after {done:,} rows: "
                    f"{reason(exc)}",
                    hint="Fix the value or the connection, then run the same command again: the "
                    "tables already copied are skipped.",
                ) from exc
            if done == 0:
                yield rows.batch([])
        if rows.log.rows:
            rows.log.checksum_basis = "loaded rows"
        rows.sums.complete = True


def engine_url(url: str, kind: SourceKind) -> URL:
    """The SQLAlchemy URL: a driver that installs from PyPI, SQLite opened read-only."""
    from sqlalchemy.engine import URL, make_url

    if kind == "sqlite":
        path = url.split(":///", 1)[1] if "://" in url else url
        if not Path(path).is_file():
            raise NotFound(f"No SQLite database at {path!r}.", hint="Check the path.")
        return URL.create("sqlite", database=f"file:{quote(path)}?mode=ro", query={"uri": "true"})
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - SQLAlchemy's parse error names no part of the URL
        raise InvalidInput(
            f"Cannot read the database URL {safe_url(url)!r}.",
            hint="Write it as dialect+driver://user:password@host:port/database.",
        ) from exc
    if "+" not in parsed.drivername:
        backend = "postgresql" if kind == "postgresql" else parsed.drivername
        parsed = parsed.set(drivername=f"{backend}+{_DEFAULT_DRIVERS[kind]}")
    return parsed


def open_engine(url: URL, display: str) -> Engine:
    """An engine whose first connection worked; a missing driver says what to install."""
    import sqlalchemy as sa

    module, package = _DRIVERS.get(url.get_driver_name(), ("", url.get_driver_name()))
    missing = bool(module) and importlib.util.find_spec(module) is None
    try:
        if missing:
            raise ImportError(module)
        engine = sa.create_engine(url)
        with engine.connect():
            pass
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        raise NotFound(
            f"The {url.get_driver_name()} driver for {url.get_backend_name()} is not installed.",
            hint=f"Run: pip install -c constraints.txt {package}",
        ) from exc
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        raise SourceUnreadable(
            f"Cannot open the source database {display}: {reason(exc)}",
            hint="Check the URL, that the server runs and that the user may read it.",
        ) from exc
    return engine


def declared_type(sa_type: Any, dialect: sa.Dialect) -> str:
    """The type as the source would write it, without MySQL's character set and collation."""
    try:
        text = str(sa_type.compile(dialect=dialect))
    except Exception:  # noqa: BLE001 - a type SQLAlchemy cannot render is named by its class
        text = type(sa_type).__name__
    return re.sub(r"\s+(CHARACTER SET|COLLATE)\s+\S+", "", text)


def normal_name(dialect: sa.Dialect, name: str) -> str:
    """A name as the inspector reports it (Oracle: case-insensitive names in lower case)."""
    return dialect.normalize_name(name) if dialect.requires_name_normalize else name


def reason(exc: BaseException) -> str:
    """The driver's own message on one line (pymssql's comes as bytes with newlines)."""
    orig = getattr(exc, "orig", None) or exc
    lines = (line.strip() for text in _texts(orig.args) for line in text.splitlines())
    text = " ".join(dict.fromkeys(line for line in lines if line)) or type(orig).__name__
    return text[:400]


def _texts(value: object) -> Iterator[str]:
    """The strings inside an exception's arguments (nested tuples, bytes), in order."""
    if isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, bytes):
        yield value.decode(errors="replace")
    else:
        yield str(value)


def _select(table: SourceTable, reads: list[ColumnRead], dialect: str) -> sa.Select[Any]:
    """SELECT of every column, each read as its mapping says, in column order."""
    import sqlalchemy as sa

    source = sa.table(table.name, *[sa.column(r.name) for r in reads], schema=table.schema)
    return sa.select(
        *[
            read_expression(source.c[r.name], r.sa_type, r.mapping, dialect).label(f"c{i}")
            for i, r in enumerate(reads)
        ]
    )


def _entry(found: dict[Any, Any], schema: str, name: str) -> Any:
    """An inspector ``get_multi_*`` entry (keyed by schema, or by None for the default one)."""
    return found.get((schema, name), found.get((None, name)))


def _unrecognised(messages: list[str]) -> dict[str, str]:
    """Column → declared type, from SQLAlchemy's warnings about types it does not know."""
    seen: dict[str, set[str]] = {}
    for message in messages:
        if m := _UNRECOGNISED.search(message):
            seen.setdefault(m[2], set()).add(m[1])
    return {col: next(iter(types)) for col, types in seen.items() if len(types) == 1}
