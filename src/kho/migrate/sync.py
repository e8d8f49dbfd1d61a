"""Stored syncs of a source database: incremental by watermark or by key diff, with run history."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import func, or_, select

from kho.clock import aware
from kho.errors import Conflict, InvalidInput, NotFound
from kho.migrate import _register as reg
from kho.migrate import _tables as t
from kho.migrate import schedule as sched
from kho.migrate.sync_table import TableSync

if TYPE_CHECKING:
    from kho.access.actors import Actor
    from kho.migrate.sources import Source, SourceTable
    from kho.platform import Platform

SyncMode = Literal["watermark", "keys"]
log = logging.getLogger("kho.sync")
_NAME = r"[a-z][a-z0-9_-]{0,62}"


class Syncer:
    """Adds, runs and lists syncs; every run is recorded, failed ones with their error."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.sessions = platform.sessions

    def add(
        self,
        name: str,
        url: str,
        *,
        tables: list[str],
        mode: SyncMode,
        schedule: str,
        actor: Actor,
        watermark_column: str | None = None,
        org_code: str | None = None,
        prefix: str | None = None,
    ) -> dict[str, Any]:
        """Store a sync definition after checking the source, tables and columns exist."""
        from kho.migrate.service import Migrator
        from kho.migrate.sources import Source

        _check_definition(name, mode, watermark_column, tables)
        org = Migrator(self.platform)._org(org_code)
        self.platform.catalog._check_write(actor, org)
        source = Source(url)
        try:
            for table in source.tables(names=tables):
                _check_table(table, mode, watermark_column)
        finally:
            source.close()
        with self.sessions() as s, s.begin():
            if s.scalar(select(t.SyncDefinition.id).where(t.SyncDefinition.name == name)):
                raise Conflict(f"A sync named {name!r} exists.", hint="Choose another name.")
            s.add(
                t.SyncDefinition(
                    name=name,
                    source=url,
                    org_code=org,
                    prefix=prefix,
                    tables=tables,
                    mode=mode,
                    watermark_column=watermark_column,
                    schedule=sched.parse(schedule),
                    watermarks={},
                    is_enabled=True,
                    created_at=reg.now(),
                    next_run_at=reg.now(),
                )
            )
        return self.get(name)

    def get(self, name: str) -> dict[str, Any]:
        """One sync definition (the source URL with its password hidden)."""
        with self.sessions() as s:
            return _public(self._load(s, name))

    def list_syncs(self) -> list[dict[str, Any]]:
        """All sync definitions by name."""
        with self.sessions() as s:
            rows = s.scalars(select(t.SyncDefinition).order_by(t.SyncDefinition.name))
            return [_public(r) for r in rows]

    def history(
        self, name: str | None = None, *, limit: int = 50, actor: Actor | None = None
    ) -> list[dict[str, Any]]:
        """Recent runs, newest first, with per-table changes or the error.

        With an ``actor`` (the web pages), only syncs that actor may watch: others are not found.
        """
        with self.sessions() as s:
            stmt = select(t.SyncRun).order_by(t.SyncRun.id.desc()).limit(limit)
            if name:
                d = self._load(s, name)
                if actor is not None and d.org_code not in self._watched_orgs(s, actor):
                    raise _not_found(name)
                stmt = stmt.where(t.SyncRun.sync_name == name)
            elif actor is not None:
                orgs = self._watched_orgs(s, actor)
                names = select(t.SyncDefinition.name).where(t.SyncDefinition.org_code.in_(orgs))
                stmt = stmt.where(t.SyncRun.sync_name.in_(names))
            return [_run_public(r) for r in s.scalars(stmt)]

    def board(self, *, actor: Actor) -> list[dict[str, Any]]:
        """The syncs an actor may watch, each with its latest run and how long it has been failing.

        Platform admins watch every sync; a member (any role) of the owning organisation, or of
        the organisation it merged into, watches that organisation's syncs; nobody else any.
        """
        with self.sessions() as s:
            orgs = self._watched_orgs(s, actor)
            rows = s.scalars(select(t.SyncDefinition).order_by(t.SyncDefinition.name))
            syncs = [_public(d) for d in rows if d.org_code in orgs]
            latest = _latest_runs(s)
            streaks = _failing_streaks(s)
        for sync in syncs:
            sync["latest"] = latest.get(sync["name"])
            sync["failed_runs"], sync["failing_since"] = streaks.get(sync["name"], (0, None))
        return syncs

    def alerts(self, *, actor: Actor) -> list[dict[str, Any]]:
        """Syncs whose last run failed, for the people who must act: their organisation's admins."""
        admin_of = {code for code, role in actor.roles.items() if role == "admin"}
        if not (actor.is_platform_admin or admin_of):
            return []
        with self.sessions() as s:
            mine = _effective(s, admin_of)
        return [
            sync
            for sync in self.board(actor=actor)
            if sync["last_status"] == "failed"
            and (actor.is_platform_admin or sync["org_code"] in mine)
        ]

    def _watched_orgs(self, s: Any, actor: Actor) -> set[str]:
        if actor.is_platform_admin:
            return {d.org_code for d in s.scalars(select(t.SyncDefinition))}
        return _effective(s, set(actor.org_codes) | set(actor.roles))

    def due(self, now: datetime) -> list[str]:
        """Names of enabled syncs whose next run time has come."""
        with self.sessions() as s:
            rows = s.scalars(select(t.SyncDefinition).where(t.SyncDefinition.is_enabled))
            return [r.name for r in rows if r.next_run_at is None or aware(r.next_run_at) <= now]

    # -- running -----------------------------------------------------------------------------

    def run_with_retries(
        self,
        name: str,
        *,
        actor: Actor,
        retries: int = 0,
        backoff: float = 60.0,
        sleep: Callable[[float], object] = time.sleep,
    ) -> dict[str, Any]:
        """Run; after a failure wait backoff·2ⁿ and try again, up to ``retries`` more times."""
        result = self.run(name, actor=actor)
        for attempt in range(2, retries + 2):
            if result["status"] == "ok":
                break
            wait = backoff * 2 ** (attempt - 2)
            log.warning(
                "sync %s: attempt %d of %d failed; retrying in %.0f s",
                name,
                attempt - 1,
                retries + 1,
                wait,
            )
            if sleep(wait) is True:  # an Event.wait saying "stop"
                log.warning("sync %s: stopped before retry %d", name, attempt - 1)
                break
            result = self.run(name, actor=actor, attempt=attempt)
        return result

    def run(self, name: str, *, actor: Actor, attempt: int = 1) -> dict[str, Any]:
        """One run of every table of the sync; a failure is recorded, logged and returned."""
        from kho.migrate.sources import Source

        with self.sessions() as s:
            d = self._load(s, name)
            spec = _public(d) | {"url": d.source, "watermarks": dict(d.watermarks or {})}
        run_id = self._start(name, attempt)
        results: list[dict[str, Any]] = []
        errors: list[str] = []
        try:
            source = Source(spec["url"])
        except Exception as exc:  # noqa: BLE001 - recorded as the run's error
            errors.append(_message(exc))
        else:
            try:
                present, missing = source.split_names(spec["tables"])
                for table in source.tables(names=present) if present else []:
                    results.append(self._table(source, table, spec, actor, errors))
                for gone in missing:
                    results.append(self._missing(source, gone, spec, actor, errors))
            except Exception as exc:  # noqa: BLE001
                errors.append(_message(exc))
            finally:
                source.close()
        return self._finish(run_id, spec, results, errors)

    def _table(
        self,
        source: Source,
        table: SourceTable,
        spec: dict[str, Any],
        actor: Actor,
        errors: list[str],
    ) -> dict[str, Any]:
        from kho.migrate.service import dataset_slug

        slug = dataset_slug(table, source.default_schema, spec["prefix"])
        out: dict[str, Any] = {"table": table.qualified, "dataset": slug}
        res_id: int | None = None
        try:
            res_id, ident = reg.ensure_dataset(
                self.platform.catalog,
                self.sessions,
                slug=slug,
                org_code=spec["org_code"],
                title=table.comment or table.qualified,
                description=table.comment,
                source=_safe(spec["url"]),
                actor=actor,
            )
            synced = TableSync(self.platform, source, table, spec, ident)
            out |= synced.run()
            load_id = reg.record_load(
                self.sessions,
                res_id,
                mode="sync",
                source=f"{_safe(spec['url'])}#{table.qualified}",
                actor=actor,
                rows=out["inserted"] + out["updated"],
                snapshot_id=out.get("snapshot_id"),
                frequency=sched.frequency(spec["schedule"]),
                rejected=synced.rejects.rows,
            )
            out |= {"status": "ok"} | self._rejected(synced, slug, load_id)
        except Exception as exc:  # noqa: BLE001 - the other tables still sync
            message = _message(exc)
            errors.append(f"{table.qualified}: {message}")
            out |= {"status": "failed", "error": message}
            if res_id is not None:
                self._failed_load(res_id, f"{_safe(spec['url'])}#{table.qualified}", actor, message)
        return out

    def _rejected(self, synced: TableSync, slug: str, load_id: int) -> dict[str, Any]:
        """Rows the run could not load: kept under the load, counted, and a warning for the run."""
        rejects = synced.rejects
        if not rejects.rows:
            return {}
        self.platform.ingest.rejects.save(load_id, rejects.frame())
        names = {p.source: p.name for p in synced.plans}
        kept = f"; {synced.kept:,} kept their previous version" if synced.kept else ""
        warning = (
            f"{rejects.rows:,} rows rejected{kept}: {rejects.top_reasons(names)}; "
            f"list them: kho datasets rejects {slug}"
        )
        return {"rejected": rejects.rows, "load_id": load_id, "warning": warning}

    def _missing(
        self, source: Source, name: str, spec: dict[str, Any], actor: Actor, errors: list[str]
    ) -> dict[str, Any]:
        """A synced table no longer in the source: that table fails, the others still sync."""
        from kho.migrate.service import dataset_slug
        from kho.migrate.sources import SourceTable

        schema, _, table = name.rpartition(".")
        slug = dataset_slug(
            SourceTable(schema=schema or source.default_schema, name=table),
            source.default_schema,
            spec["prefix"],
        )
        message = _message(NotFound(f"No table {name} in {source.display}."))
        errors.append(f"{name}: {message}")
        res_id = reg.resource_of(self.sessions, slug)
        if res_id is not None:
            self._failed_load(res_id, f"{_safe(spec['url'])}#{name}", actor, message)
        return {"table": name, "dataset": slug, "status": "failed", "error": message}

    def _failed_load(self, res_id: int, source: str, actor: Actor, message: str) -> None:
        reg.record_load(
            self.sessions,
            res_id,
            mode="sync",
            source=source,
            actor=actor,
            rows=0,
            snapshot_id=None,
            error=message,
        )

    # -- bookkeeping -------------------------------------------------------------------------

    def _load(self, s: Any, name: str) -> t.SyncDefinition:
        import re

        row = None
        if re.fullmatch(_NAME, name):
            row = s.scalar(select(t.SyncDefinition).where(t.SyncDefinition.name == name))
        if row is None:
            raise _not_found(name)
        return row  # type: ignore[no-any-return]

    def _start(self, name: str, attempt: int) -> int:
        with self.sessions() as s, s.begin():
            row = t.SyncRun(
                sync_name=name, status="running", attempt=attempt, tables=[], started_at=reg.now()
            )
            s.add(row)
            s.flush()
            return row.id

    def _finish(
        self, run_id: int, spec: dict[str, Any], results: list[dict[str, Any]], errors: list[str]
    ) -> dict[str, Any]:
        status = "failed" if errors else "ok"
        now = reg.now()
        with self.sessions() as s, s.begin():
            row = s.get(t.SyncRun, run_id)
            assert row is not None
            row.status, row.tables, row.finished_at = status, results, now
            row.error = "\n".join(errors)[:4000] or None
            d = self._load(s, spec["name"])
            marks = dict(d.watermarks or {})
            marks |= {r["table"]: r["watermark"] for r in results if r.get("watermark")}
            d.watermarks, d.last_run_at, d.last_status = marks, now, status
            d.next_run_at = sched.next_after(d.schedule, now)
            result = _run_public(row)
        if errors:
            log.error("sync %s failed: %s", spec["name"], "; ".join(errors))
        for warning in result["warnings"]:
            log.warning("sync %s: %s", spec["name"], warning)
        return result


def _check_definition(
    name: str, mode: str, watermark_column: str | None, tables: list[str]
) -> None:
    import re

    if not re.fullmatch(_NAME, name):
        raise InvalidInput(f"Bad sync name {name!r}.", hint="Use lower-case letters, digits, _ -.")
    if mode not in ("watermark", "keys"):
        raise InvalidInput(f"Unknown sync mode {mode!r}.", hint="Use watermark or keys.")
    if mode == "watermark" and not watermark_column:
        raise InvalidInput("Mode watermark needs --watermark COLUMN (e.g. updated_at).")
    if not tables:
        raise InvalidInput("A sync needs at least one --table.")


def _check_table(table: SourceTable, mode: str, watermark_column: str | None) -> None:
    names = [c.name for c in table.columns]
    if mode == "keys" and not table.key:
        raise InvalidInput(
            f"Table {table.qualified} has no primary key, which mode keys needs.",
            hint="Use --mode watermark --watermark COLUMN instead.",
        )
    if mode == "watermark" and watermark_column not in names:
        raise InvalidInput(
            f"Table {table.qualified} has no column {watermark_column!r}.",
            hint=f"Columns: {', '.join(names)}.",
        )


def _not_found(name: str) -> NotFound:
    shown = name if len(name) <= 80 else name[:80] + "…"
    return NotFound(f"No sync {shown!r}.", hint="Run `kho sync list` to see the syncs.")


def _effective(s: Any, codes: set[str]) -> set[str]:
    """Organisations plus those merged into them (a successor inherits its predecessors' syncs)."""
    from kho.access.grants import effective_orgs

    return effective_orgs(s, codes) if codes else set()


def _latest_runs(s: Any) -> dict[str, dict[str, Any]]:
    """The newest run of every sync, by sync name."""
    newest = select(func.max(t.SyncRun.id)).group_by(t.SyncRun.sync_name)
    rows = s.scalars(select(t.SyncRun).where(t.SyncRun.id.in_(newest)))
    return {r.sync_name: _run_public(r) for r in rows}


def _failing_streaks(s: Any) -> dict[str, tuple[int, datetime]]:
    """Per sync: failed runs since its last successful one, and when the first of them started."""
    last_ok = (
        select(t.SyncRun.sync_name.label("name"), func.max(t.SyncRun.id).label("ok_id"))
        .where(t.SyncRun.status == "ok")
        .group_by(t.SyncRun.sync_name)
        .subquery()
    )
    stmt = (
        select(t.SyncRun.sync_name, func.count(), func.min(t.SyncRun.started_at))
        .outerjoin(last_ok, last_ok.c.name == t.SyncRun.sync_name)
        .where(
            t.SyncRun.status == "failed",
            or_(last_ok.c.ok_id.is_(None), t.SyncRun.id > last_ok.c.ok_id),
        )
        .group_by(t.SyncRun.sync_name)
    )
    return {name: (int(n), aware(since)) for name, n, since in s.execute(stmt)}


def _safe(url: str) -> str:
    from kho.migrate.sources import safe_url

    return safe_url(url)


def _message(exc: BaseException) -> str:
    from kho.migrate.service import _message as message

    return message(exc)


def _public(d: t.SyncDefinition) -> dict[str, Any]:
    return {
        "name": d.name,
        "source": _safe(d.source),
        "org_code": d.org_code,
        "prefix": d.prefix,
        "tables": list(d.tables or []),
        "mode": d.mode,
        "watermark_column": d.watermark_column,
        "schedule": d.schedule,
        "watermarks": dict(d.watermarks or {}),
        "is_enabled": d.is_enabled,
        "last_run_at": aware(d.last_run_at),
        "last_status": d.last_status,
        "next_run_at": aware(d.next_run_at),
    }


def _run_public(r: t.SyncRun) -> dict[str, Any]:
    tables = list(r.tables or [])
    return {
        "id": r.id,
        "sync": r.sync_name,
        "status": r.status,
        "attempt": r.attempt,
        "tables": tables,
        "warnings": [f"{t['table']}: {t['warning']}" for t in tables if t.get("warning")],
        "error": r.error,
        "started_at": aware(r.started_at),
        "finished_at": aware(r.finished_at),
    }
