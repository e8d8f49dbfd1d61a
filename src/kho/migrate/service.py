"""`kho migrate`: copy a legacy database's tables into datasets, verify them, report, resume."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select

from kho.errors import InvalidInput, NotFound
from kho.migrate import _register as reg
from kho.migrate import _tables as t
from kho.migrate.report import Loads, MigrationReport, run_report

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kho.access.actors import Actor
    from kho.migrate.received import RejectLog
    from kho.migrate.sources import MigrationSource, SourceTable
    from kho.migrate.transfer import ColumnPlan
    from kho.platform import Platform


class Progress(Protocol):
    """What a front-end is told while tables move."""

    def table_started(self, name: str, rows: int | None) -> None: ...
    def rows_done(self, n: int) -> None: ...
    def table_finished(self, name: str, status: str) -> None: ...


class Migrator:
    """Copies tables from a source database into the warehouse and keeps per-run reports."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.sessions = platform.sessions

    def migrate(
        self,
        url: str,
        *,
        actor: Actor,
        schemas: list[str] | None = None,
        tables: list[str] | None = None,
        org_code: str | None = None,
        prefix: str | None = None,
        force: bool = False,
        progress: Progress | None = None,
        via: str = "auto",
    ) -> MigrationReport:
        """Migrate every chosen table; one failing table is reported and the rest go on.

        ``via``: ``auto`` (DuckDB's scanner where there is one, else SQLAlchemy), ``duckdb`` or
        ``sqlalchemy`` (the generic path, e.g. to check it against a scanner-read database).
        """
        from kho.migrate.sources import open_source

        org = self._org(org_code)
        source = open_source(url, via=via)
        try:
            found = source.tables(schemas=schemas, names=tables)
            if not found:
                raise NotFound(f"No tables to migrate in {source.display}.")
            run_id = self._start_run(source, org, actor, schemas, tables, prefix)
            try:
                for table in found:
                    self._one(run_id, source, table, org, prefix, actor, force, progress)
            except BaseException:
                self._finish_run(run_id, "interrupted")
                raise
            self._finish_run(run_id, None)
        finally:
            source.close()
        return self.report(run_id)

    def report(self, run_id: int | None = None) -> MigrationReport:
        """A stored migration report (the latest when no id is given)."""
        with self.sessions() as s:
            stmt = select(t.MigrationRun).order_by(t.MigrationRun.id.desc())
            run = s.get(t.MigrationRun, run_id) if run_id else s.scalars(stmt).first()
            if run is None:
                raise NotFound(
                    f"No migration run {run_id}." if run_id else "No migration has run yet.",
                    hint="Run `kho migrate runs` to list them.",
                )
            rows = s.scalars(
                select(t.MigrationTable)
                .where(t.MigrationTable.run_id == run.id)
                .order_by(t.MigrationTable.id)
            ).all()
            return run_report(run, list(rows), _loads(s, list(rows)))

    def runs(self) -> list[dict[str, Any]]:
        """Every migration run, newest first, with table counts per status."""
        return [
            {k: v for k, v in self.report(rid).model_dump().items() if k != "tables"}
            | {"tables": self.report(rid).counts()}
            for rid in self._run_ids()
        ]

    def _run_ids(self) -> list[int]:
        with self.sessions() as s:
            return list(s.scalars(select(t.MigrationRun.id).order_by(t.MigrationRun.id.desc())))

    # -- one table ---------------------------------------------------------------------------

    def _one(
        self,
        run_id: int,
        source: MigrationSource,
        table: SourceTable,
        org: str,
        prefix: str | None,
        actor: Actor,
        force: bool,
        progress: Progress | None,
    ) -> None:
        slug = dataset_slug(table, source.default_schema, prefix)
        row_id = self._start_table(run_id, source, table, slug)
        started = time.monotonic()
        if progress:
            progress.table_started(table.qualified, None)
        try:
            result = self._copy(source, table, slug, org, actor, force, progress)
        except Exception as exc:  # noqa: BLE001 - one table's failure must not stop the run
            result = {"status": "failed", "error": _message(exc)}
        result["seconds"] = round(time.monotonic() - started, 3)
        self._finish_table(row_id, result)
        if progress:
            progress.table_finished(table.qualified, str(result["status"]))

    def _copy(
        self,
        source: MigrationSource,
        table: SourceTable,
        slug: str,
        org: str,
        actor: Actor,
        force: bool,
        progress: Progress | None,
    ) -> dict[str, Any]:
        from kho.migrate.received import RejectLog
        from kho.migrate.sources import read_into
        from kho.migrate.transfer import checksums, compare_columns, plan_columns

        plans = plan_columns(table)
        key = [p.name for p in plans if p.source in table.key]
        res_id, ident = reg.ensure_dataset(
            self.platform.catalog,
            self.sessions,
            slug=slug,
            org_code=org,
            title=table.comment or table.qualified,
            description=table.comment,
            source=source.display,
            actor=actor,
        )
        if not force and self._already_done(source, table, ident, res_id, plans):
            return {"status": "skipped", "notes": ["already migrated with matching rows"]}
        on_rows = progress.rows_done if progress else None
        rejects = RejectLog([c.name for c in table.columns], table.key)
        written = read_into(
            source,
            table,
            plans,
            rejects,
            lambda batches: self.platform.warehouse.write(
                ident, batches, mode="replace", exact_schema=True
            ),
            on_rows=on_rows,
        )
        src_rows, src = source.source_checksums(table, plans)
        scan = self.platform.warehouse.scan_sql(ident)
        wh_rows, wh = checksums(source.con, scan, ['"' + p.name + '"' for p in plans])
        basis = rejects.checksum_basis or source.checksum_basis
        columns = compare_columns(plans, (src_rows, src), (wh_rows, wh), basis=basis)
        reg.write_dictionary(self.sessions, res_id, plans, key=key)
        load_id = reg.record_load(
            self.sessions,
            res_id,
            mode="migrate",
            source=f"{source.display}#{table.qualified}",
            actor=actor,
            rows=written.rows_written,
            snapshot_id=written.snapshot_id,
            rejected=rejects.rows,
        )
        if rejects.rows:
            self.platform.ingest.rejects.save(load_id, rejects.frame())
        ok = src_rows == wh_rows and all(c["status"] == "ok" for c in columns)
        notes = [f"{p.name}: {p.note}" for p in plans if p.note]
        notes += _read_notes(rejects, plans, slug, rows=src_rows) + written.schema_changes
        return {
            "status": "ok" if ok else "mismatch",
            "source_rows": src_rows + rejects.rows,
            "warehouse_rows": wh_rows,
            "key_columns": key,
            "columns": columns,
            "notes": notes,
            "snapshot_id": written.snapshot_id,
        }

    def _already_done(
        self,
        source: MigrationSource,
        table: SourceTable,
        ident: str,
        res_id: int,
        plans: list[ColumnPlan],
    ) -> bool:
        """The last good copy's source rows are the source's now, its loaded rows the table's,
        and its columns and types those the source has now."""
        with self.sessions() as s:
            done = s.execute(
                select(t.MigrationTable.source_rows, t.MigrationTable.warehouse_rows)
                .where(
                    t.MigrationTable.source == source.display,
                    t.MigrationTable.source_schema == table.schema,
                    t.MigrationTable.source_table == table.name,
                    t.MigrationTable.status == "ok",
                )
                .order_by(t.MigrationTable.id.desc())
                .limit(1)
            ).first()
        if done is None or not self.platform.warehouse.exists(ident):
            return False
        if not reg.same_columns(self.sessions, res_id, plans):
            return False
        source_rows, loaded = done
        return bool(
            source.count_rows(table) == source_rows
            and self.platform.warehouse.row_count(ident) == loaded
        )

    # -- bookkeeping -------------------------------------------------------------------------

    def _org(self, org_code: str | None) -> str:
        orgs = [o.code for o in self.platform.catalog.list_organisations()]
        if org_code:
            if org_code not in orgs:
                raise NotFound(
                    f"No organisation {org_code!r}.",
                    hint="Organisations: " + (", ".join(orgs) or "none (kho orgs create)") + ".",
                )
            return org_code
        if len(orgs) == 1:
            return orgs[0]
        raise InvalidInput(
            "Migrated datasets need an owning organisation.",
            hint="Add --org CODE; organisations: " + (", ".join(orgs) or "none yet") + ".",
        )

    def _start_run(
        self,
        source: MigrationSource,
        org: str,
        actor: Actor,
        schemas: list[str] | None,
        tables: list[str] | None,
        prefix: str | None,
    ) -> int:
        with self.sessions() as s, s.begin():
            run = t.MigrationRun(
                source=source.display,
                kind=source.kind,
                org_code=org,
                options={
                    "schemas": schemas or [],
                    "tables": tables or [],
                    "prefix": prefix,
                    "via": source.via,
                },
                status="running",
                actor=str(actor),
                started_at=reg.now(),
            )
            s.add(run)
            s.flush()
            return run.id

    def _finish_run(self, run_id: int, status: str | None) -> None:
        with self.sessions() as s, s.begin():
            run = s.get(t.MigrationRun, run_id)
            assert run is not None
            if status is None:
                states = set(
                    s.scalars(
                        select(t.MigrationTable.status).where(t.MigrationTable.run_id == run_id)
                    )
                )
                status = "ok" if states <= {"ok", "skipped"} else "with_errors"
            run.status, run.finished_at = status, reg.now()

    def _start_table(
        self, run_id: int, source: MigrationSource, table: SourceTable, slug: str
    ) -> int:
        with self.sessions() as s, s.begin():
            row = t.MigrationTable(
                run_id=run_id,
                source=source.display,
                source_schema=table.schema,
                source_table=table.name,
                dataset_slug=slug,
                status="running",
                key_columns=[],
                columns=[],
                notes=[],
            )
            s.add(row)
            s.flush()
            return row.id

    def _finish_table(self, row_id: int, result: dict[str, Any]) -> None:
        with self.sessions() as s, s.begin():
            row = s.get(t.MigrationTable, row_id)
            assert row is not None
            for key, value in result.items():
                setattr(row, key, value)
            row.finished_at = reg.now()


def dataset_slug(table: SourceTable, default_schema: str, prefix: str | None) -> str:
    """``[prefix_][schema_]table`` as a dataset slug; the source's default schema is left out."""
    from kho.ingest.vn.slugs import slugify

    parts = [prefix or "", "" if table.schema == default_schema else table.schema, table.name]
    slug = slugify("_".join(p for p in parts if p))[:63].rstrip("_")
    return slug if slug[:1].isalpha() else f"t_{slug}"[:63]


def migrator(platform: Platform) -> Migrator:
    """The migration service of a platform."""
    return Migrator(platform)


def _loads(s: Session, rows: list[t.MigrationTable]) -> Loads:
    """The history row each copy recorded, found by its snapshot: id and rows rejected."""
    from kho.metadata import models as db

    snapshots = [r.snapshot_id for r in rows if r.snapshot_id]
    if not snapshots:
        return {}
    found = s.execute(
        select(db.Load.dataset_slug, db.Load.snapshot_id, db.Load.id, db.Load.rows_rejected).where(
            db.Load.snapshot_id.in_(snapshots), db.Load.mode == "migrate"
        )
    )
    return {(slug, snap or 0): (load_id, rejected or 0) for slug, snap, load_id, rejected in found}


def _read_notes(rejects: RejectLog, plans: list[ColumnPlan], slug: str, *, rows: int) -> list[str]:
    """What reading found: values cast, rows rejected (where to list them), what was compared."""
    notes = rejects.summary({p.source: p.name for p in plans})
    if rejects.rows:
        notes.append(f"list them: kho datasets rejects {slug}")
    if rejects.checksum_basis == "loaded rows":
        notes.append(f"checksums compare the {rows:,} rows loaded, as read")
    return notes


def _message(exc: BaseException) -> str:
    from kho.errors import KhoError

    if isinstance(exc, KhoError):
        return exc.message + (f" {exc.hint}" if exc.hint else "")
    return f"{type(exc).__name__}: {str(exc).strip()[:2000]}"
