"""Queries over the tables an actor may read: free SQL (read-only, sandboxed) and table pages."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kho.access.actors import Actor
from kho.errors import InvalidInput, NotFound, QueryError
from kho.metadata import models as db
from kho.query.guard import ParsedQuery, inline_scans, parse_select
from kho.settings import Settings
from kho.warehouse.service import Warehouse

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from kho.access.models import ReadPolicy
    from kho.access.service import Access

_SANDBOX_LOCK = threading.Lock()
VERSIONED = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)@(?P<version>\d+)$")
OPERATORS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclass(frozen=True)
class _Readable:
    sql_name: str
    ident: str
    dataset: str
    access_level: str
    policy: ReadPolicy


@dataclass
class QueryResult:
    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool
    seconds: float

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


@dataclass
class RowsPage:
    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]
    total: int
    limit: int
    offset: int

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


class Query:
    """Runs read-only DuckDB over Iceberg snapshots, naming tables by their slugs."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        warehouse: Warehouse,
        settings: Settings,
        access: Access,
    ):
        self._sessions = sessions
        self._warehouse = warehouse
        self._settings = settings
        self._access = access
        self._con: duckdb.DuckDBPyConnection | None = None

    def sql(self, sql: str, *, actor: Actor, max_rows: int | None = None) -> QueryResult:
        """Run one SELECT; results are capped at ``max_rows`` with ``truncated`` set when cut."""
        cap = self._settings.sql_max_rows if max_rows is None else max_rows
        parsed = parse_select(sql)
        con, used = self._prepared(parsed, actor=actor)
        started = time.perf_counter()
        try:
            cur = self._run_prepared(con, parsed)
            columns = [d[0] for d in cur.description or []]
            types = [str(d[1]) for d in cur.description or []]
            rows = cur.fetchmany(cap + 1)
        finally:
            con.close()
        self._audit_read(actor, used, rows=min(len(rows), cap), what=parsed.sql)
        return QueryResult(
            columns=columns,
            types=types,
            rows=rows[:cap],
            truncated=len(rows) > cap,
            seconds=round(time.perf_counter() - started, 4),
        )

    def arrow(self, sql: str, *, actor: Actor) -> pa.Table:
        """The whole result as Arrow (for exports and benchmarks; no row cap)."""
        parsed = parse_select(sql)
        con, used = self._prepared(parsed, actor=actor)
        try:
            table = self._run_prepared(con, parsed).fetch_arrow_table()
        finally:
            con.close()
        self._audit_read(actor, used, rows=table.num_rows, what=parsed.sql)
        return table

    def rows(
        self,
        sql_name: str,
        *,
        actor: Actor,
        filters: Sequence[tuple[str, str, str]] = (),
        sort: Sequence[str] = (),
        columns: Sequence[str] | None = None,
        limit: int = 50,
        offset: int = 0,
        version: int | None = None,
    ) -> RowsPage:
        """A page of a table with filters (column, operator, value), sort (``-col`` descending) and total."""
        if not 0 <= limit <= 10_000 or offset < 0:
            raise InvalidInput("limit must be 0..10000 and offset ≥ 0.")
        name = f"{sql_name}@{version}" if version else sql_name
        con, used = self._session({name}, actor=actor)
        try:
            known = [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall()]
            where, params = _where(filters, known)
            chosen = list(columns) if columns else known
            _require(chosen, known)
            order = _order(sort, known)
            select_list = ", ".join(f'"{c}"' for c in chosen)
            base = f'FROM "{name}"{where}'
            total = self._run(con, f"SELECT count(*) {base}", params).fetchone()[0]  # type: ignore[index]
            cur = self._run(
                con, f"SELECT {select_list} {base}{order} LIMIT {limit} OFFSET {offset}", params
            )
            types = [str(d[1]) for d in cur.description or []]
            page = RowsPage(
                columns=chosen,
                types=types,
                rows=cur.fetchall(),
                total=int(total),
                limit=limit,
                offset=offset,
            )
        finally:
            con.close()
        self._audit_read(actor, used, rows=len(page.rows), what=f"rows of {name}")
        return page

    def stream(
        self,
        sql_name: str,
        *,
        actor: Actor,
        filters: Sequence[tuple[str, str, str]] = (),
        sort: Sequence[str] = (),
        columns: Sequence[str] | None = None,
        version: int | None = None,
        batch_rows: int = 50_000,
    ) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
        """The whole filtered table as Arrow batches for exports (bounded memory); audited when done."""
        name = f"{sql_name}@{version}" if version else sql_name
        con, used = self._session({name}, actor=actor)
        try:
            known = [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall()]
            where, params = _where(filters, known)
            chosen = list(columns) if columns else known
            _require(chosen, known)
            select_list = ", ".join(f'"{c}"' for c in chosen)
            sql = f'SELECT {select_list} FROM "{name}"{where}{_order(sort, known)}'
            reader = self._run(con, sql, params).to_arrow_reader(batch_rows)
        except BaseException:
            con.close()
            raise

        def batches() -> Iterator[pa.RecordBatch]:
            count = 0
            try:
                for batch in reader:
                    count += batch.num_rows
                    yield batch
            finally:
                con.close()
                self._audit_read(actor, used, rows=count, what=f"export of {name}")

        return reader.schema, batches()

    def readable_tables(self, *, actor: Actor) -> dict[str, db.Resource]:
        """Every table the actor may read, by SQL name."""
        with self._sessions() as s:
            rows = s.execute(select(db.Resource, db.Dataset).join(db.Dataset)).all()
        return {r.sql_name: r for r, d in rows if self._policy(actor, d) is not None}

    # internals -------------------------------------------------------------------------------
    def _policy(self, actor: Actor, ds: db.Dataset) -> ReadPolicy | None:
        return self._access.read_policy(
            actor, dataset_slug=ds.slug, org_code=ds.org_code, access_level=ds.access_level
        )

    def _tables(self, names: set[str] | frozenset[str], *, actor: Actor) -> dict[str, _Readable]:
        """The named tables (``slug`` or ``slug@N``) the actor may read, with their limits."""
        bases = {(m.group("name") if (m := VERSIONED.match(n)) else n) for n in names}
        with self._sessions() as s:
            rows = s.execute(
                select(db.Resource, db.Dataset)
                .join(db.Dataset)
                .where(db.Resource.sql_name.in_(bases))
            ).all()
        found = {}
        for res, ds in rows:
            policy = self._policy(actor, ds)
            if policy is not None:
                found[res.sql_name] = _Readable(
                    res.sql_name, res.iceberg_ident, ds.slug, ds.access_level, policy
                )
        return found

    def _prepared(self, parsed: ParsedQuery, *, actor: Actor) -> tuple[_Prepared, list[_Readable]]:
        """A cursor and the query with each table's scan inlined (no views to create); or, when
        the query cannot be rewritten plainly, a cursor with one temporary view per table."""
        readable = self._tables(parsed.tables, actor=actor)
        scans = {name: self._scan(name, readable, actor=actor) for name in parsed.tables}
        inlined = inline_scans(parsed, scans)
        if inlined is None:
            con, used = self._session(parsed.tables, actor=actor, readable=readable, scans=scans)
            return _Prepared(con, parsed.sql, scans, views=True), used
        return _Prepared(self._sandbox().cursor(), inlined, scans), list(readable.values())

    def _run_prepared(self, prepared: _Prepared, parsed: ParsedQuery) -> duckdb.DuckDBPyConnection:
        """Run the inlined query; if DuckDB refuses it, run the query as written over views, so
        the error the person reads names their tables and columns, not the scans behind them."""
        if prepared.views:
            return self._run(prepared.con, prepared.sql, [])
        try:
            return self._run(prepared.con, prepared.sql, [], stop_on_error=False)
        except _Refused:
            for name, scan in prepared.scans.items():
                prepared.con.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS {scan}')
            return self._run(prepared.con, parsed.sql, [])

    def _session(
        self,
        names: set[str] | frozenset[str],
        *,
        actor: Actor,
        readable: dict[str, _Readable] | None = None,
        scans: dict[str, str] | None = None,
    ) -> tuple[duckdb.DuckDBPyConnection, list[_Readable]]:
        """A cursor on the shared sandboxed database with one temporary view per named table."""
        if readable is None:
            readable = self._tables(names, actor=actor)
        views = scans or {name: self._scan(name, readable, actor=actor) for name in names}
        cur = self._sandbox().cursor()
        for name, scan in views.items():
            cur.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS {scan}')
        return cur, list(readable.values())

    def _audit_read(self, actor: Actor, used: list[_Readable], *, rows: int, what: str) -> None:
        """Reads of non-public data are recorded: who, which dataset, how many rows."""
        for t in used:
            if t.access_level != "public":
                self._access.audit(
                    actor,
                    action="read",
                    resource=f"dataset:{t.dataset}/{t.sql_name}",
                    rows=rows,
                    details={"query": what[:1000]},
                )

    def _sandbox(self) -> duckdb.DuckDBPyConnection:
        """One DuckDB per process (opening one with extensions costs ~0.3 s), locked down once.

        External access is limited to the warehouse directory and the configuration is locked,
        so no query can read other files, attach databases, load extensions or change settings.
        """
        with _SANDBOX_LOCK:
            if self._con is None:
                from kho.query.duck import connect

                con = connect(memory_limit=f"{max(self._settings.sql_memory_mb, 64)}MB")
                root = self._settings.warehouse_uri.removeprefix("file://").rstrip("/")
                con.execute(f"SET allowed_directories=['{root}/']")
                con.execute("SET enable_external_access=false")
                con.execute("SET lock_configuration=true")
                self._con = con
            return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def _scan(self, name: str, readable: dict[str, _Readable], *, actor: Actor) -> str:
        """SELECT over the table's snapshot with the caller's column and row limits applied."""
        match = VERSIONED.match(name)
        base = match.group("name") if match else name
        t = readable.get(base)
        if t is None:
            names = sorted(self.readable_tables(actor=actor))
            raise NotFound(
                f"No table {base!r} that you may read.",
                hint="Tables are named by dataset slug; run `kho datasets list`. You may read: "
                + (", ".join(names[:30]) or "none")
                + ".",
            )
        no_data = NotFound(
            f"Table {base!r} has no data yet.",
            hint=f"Load a file with `kho ingest FILE --dataset {base}`.",
        )
        snapshot = None
        if match:
            if not self._warehouse.exists(t.ident):
                raise no_data
            snaps = self._warehouse.snapshots(t.ident)
            version = int(match.group("version"))
            if not 1 <= version <= len(snaps):
                raise NotFound(
                    f"{base!r} has versions 1..{len(snaps)}; there is no version {version}.",
                    hint=f"Run `kho datasets history {base}`.",
                )
            snapshot = snaps[version - 1].snapshot_id
        try:
            scan = self._warehouse.scan_sql(t.ident, snapshot_id=snapshot)
        except NotFound as exc:
            if snapshot is None:  # the table was never written (one catalog look-up, not two)
                raise no_data from exc
            raise
        policy = t.policy
        columns = "*" if policy.columns is None else ", ".join(f'"{c}"' for c in policy.columns)
        where = f" WHERE {policy.row_filter}" if policy.row_filter else ""
        return f"SELECT {columns} FROM {scan}{where}"

    def _run(
        self,
        con: duckdb.DuckDBPyConnection,
        sql: str,
        params: list[Any],
        *,
        stop_on_error: bool = True,
    ) -> duckdb.DuckDBPyConnection:
        """Execute under the time limit; DuckDB's errors become a QueryError (or, with
        ``stop_on_error=False``, a :class:`_Refused` the caller answers by other means)."""
        import duckdb

        timer = threading.Timer(self._settings.sql_timeout_s, con.interrupt)
        timer.start()
        try:
            return con.execute(sql, params)
        except duckdb.InterruptException as exc:
            raise QueryError(
                f"The query took longer than {self._settings.sql_timeout_s:g} s and was stopped.",
                hint="Add filters or LIMIT, or aggregate first.",
            ) from exc
        except duckdb.OutOfMemoryException as exc:
            raise QueryError(
                f"The query needed more than the {self._settings.sql_memory_mb:,} MB memory limit and was stopped.",
                hint="Add filters, aggregate first, or avoid joins that multiply rows.",
            ) from exc
        except duckdb.Error as exc:
            if not stop_on_error:
                raise _Refused from exc
            raise QueryError(_clean_error(exc)) from exc
        finally:
            timer.cancel()


class _Refused(Exception):
    """DuckDB refused the rewritten query; the caller retries it as written."""


@dataclass
class _Prepared:
    """A cursor and the SQL to run on it: the query with its scans inlined, or as written over
    temporary views (``views``)."""

    con: duckdb.DuckDBPyConnection
    sql: str
    scans: dict[str, str]
    views: bool = False

    def close(self) -> None:
        self.con.close()


def _clean_error(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:500] if text else type(exc).__name__


def _require(names: Sequence[str], known: Sequence[str]) -> None:
    for n in names:
        if n not in known:
            raise InvalidInput(f"No column {n!r}; columns: {', '.join(known)}.")


def _where(filters: Sequence[tuple[str, str, str]], known: Sequence[str]) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for column, op, value in filters:
        _require([column], known)
        if op == "contains":
            clauses.append(
                f'strip_accents(lower(CAST("{column}" AS VARCHAR))) LIKE strip_accents(lower(?))'
            )
            params.append(f"%{value}%")
        elif op == "isnull":
            clauses.append(
                f'"{column}" IS {"" if value.lower() in ("1", "true", "yes") else "NOT "}NULL'
            )
        elif op in OPERATORS:
            clauses.append(f'"{column}" {OPERATORS[op]} ?')
            params.append(value)
        else:
            raise InvalidInput(
                f"Unknown filter operator {op!r}; use {', '.join([*OPERATORS, 'contains', 'isnull'])}."
            )
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _order(sort: Sequence[str], known: Sequence[str]) -> str:
    parts = []
    for s in sort:
        desc = s.startswith("-")
        name = s.lstrip("-")
        _require([name], known)
        parts.append(f'"{name}" {"DESC" if desc else "ASC"} NULLS LAST')
    return " ORDER BY " + ", ".join(parts) if parts else ""
