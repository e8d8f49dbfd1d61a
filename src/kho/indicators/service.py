"""Indicator verbs: define and load packs, compute with lineage, read values, trace, analytics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kho.access.actors import SYSTEM, Actor, can_read
from kho.errors import InvalidInput, NotFound, PermissionDenied
from kho.indicators import _sql, periods
from kho.indicators import _tables as t
from kho.indicators import compute as calc
from kho.indicators.models import (
    ALL_ORGS,
    Analytics,
    CatalogSource,
    ComputeResult,
    IndicatorDef,
    IndicatorSummary,
    IndicatorValue,
    PackResult,
    Report,
    TableSource,
    TargetCreate,
    Trace,
    UnresolvedUnit,
)
from kho.indicators.orgtree import OrgTree, UnitResolver, unit_resolver
from kho.indicators.reporting import Reporting
from kho.indicators.targets import Targets

if TYPE_CHECKING:
    from kho.catalog.service import Catalog
    from kho.query.service import Query

PACKS = Path(__file__).parent / "packs"
ROW_CAP = 50_000


def _now() -> datetime:
    return datetime.now(UTC)


class Indicators:
    """The only place that knows how indicators are defined, computed, traced and reported."""

    def __init__(self, sessions: Callable[[], Session], catalog: Catalog, query: Query):
        self._sessions = sessions
        self._catalog = catalog
        self._query = query

    @cached_property
    def targets(self) -> Targets:
        return Targets(self._sessions, self.definition, self.tree)

    @cached_property
    def reporting(self) -> Reporting:
        return Reporting(self._sessions, self.definition, self.tree)

    # definitions ---------------------------------------------------------------------------
    def load_pack(self, name_or_path: str | Path, *, actor: Actor) -> PackResult:
        """Define (or update) every indicator of a YAML pack and add its default targets once."""
        from kho.indicators.packs import read_pack

        pack, defs = read_pack(name_or_path, PACKS)
        for d in defs:
            self.define(d, actor=actor)
        added = 0
        for d in defs:
            known = {
                (x.org, x.period, x.value, x.low, x.high) for x in self.targets.history(d.code)
            }
            for spec in d.targets:
                key = (spec.org, periods.parse(spec.period).id, spec.value, spec.low, spec.high)
                if key not in known:
                    self.targets.set(
                        TargetCreate(
                            indicator=d.code,
                            org=spec.org,
                            period=spec.period,
                            value=spec.value,
                            low=spec.low,
                            high=spec.high,
                            note=spec.note,
                        ),
                        actor=actor,
                    )
                    added += 1
        return PackResult(pack=pack, indicators=[d.code for d in defs], targets=added)

    def define(self, d: IndicatorDef, *, actor: Actor) -> IndicatorDef:
        """Create or replace one definition; a changed definition drops its stored values."""
        if not (actor.is_platform_admin or (d.owner_org and d.owner_org in actor.org_codes)):
            raise PermissionDenied(
                f"{actor} may not define indicator {d.code!r}.",
                hint="Platform admins, or members of the indicator's owner_org, may.",
            )
        body = d.model_dump(mode="json")
        with self._sessions() as s, s.begin():
            row = s.scalar(select(t.IndicatorRow).where(t.IndicatorRow.code == d.code))
            if row is None:
                row = t.IndicatorRow(code=d.code, created_at=_now())
                s.add(row)
            elif row.definition != body:
                self._drop_values(s, d.code)
            row.pack, row.name_vi, row.name_en, row.type = d.pack, d.name_vi, d.name_en, d.type
            row.access_level, row.owner_org, row.definition, row.updated_at = (
                d.access_level,
                d.owner_org,
                body,
                _now(),
            )
        return d

    def definition(self, code: str) -> IndicatorDef:
        """The definition without an access check (for internal use by the services)."""
        with self._sessions() as s:
            row = s.scalar(select(t.IndicatorRow).where(t.IndicatorRow.code == code))
            if row is None:
                raise NotFound(
                    f"No indicator {code!r}.",
                    hint="Run `kho indicators list`, or load a pack with `kho indicators load-pack NAME`.",
                )
            return IndicatorDef.model_validate(row.definition)

    def get(self, code: str, *, actor: Actor) -> IndicatorDef:
        d = self.definition(code)
        self._check_read(actor, d)
        return d

    def list_indicators(self, *, actor: Actor, pack: str | None = None) -> list[IndicatorSummary]:
        with self._sessions() as s:
            rows = list(s.scalars(select(t.IndicatorRow).order_by(t.IndicatorRow.code)))
        out = []
        for r in rows:
            if pack and r.pack != pack:
                continue
            if can_read(actor, access_level=r.access_level, org_code=r.owner_org or ""):
                d = IndicatorDef.model_validate(r.definition)
                out.append(
                    IndicatorSummary(
                        code=d.code,
                        name_vi=d.name_vi,
                        name_en=d.name_en,
                        unit=d.unit,
                        direction=d.direction,
                        type=d.type,
                        pack=d.pack,
                        access_level=d.access_level,
                    )
                )
        return out

    def tree(self, d: IndicatorDef) -> OrgTree:
        """Registered organisations' parents, overlaid by the definition's own ``org_parents``."""
        parents: dict[str, str | None] = {
            o.code: o.parent_code for o in self._catalog.list_organisations()
        }
        parents.update(d.org_parents)
        return OrgTree(parents)

    # computation ---------------------------------------------------------------------------
    def compute(
        self,
        code: str | None = None,
        *,
        actor: Actor,
        force: bool = False,
        org_map: dict[str, str] | None = None,
    ) -> list[ComputeResult]:
        """Compute one or all computed indicators; only periods whose source rows changed are redone."""
        codes = (
            [code]
            if code
            else [s.code for s in self.list_indicators(actor=actor) if s.type == "computed"]
        )
        results = []
        for c in codes:
            d = self.definition(c)
            self._check_compute(actor, d)
            if code and d.type == "reported":
                raise InvalidInput(
                    f"{c} is a reported indicator: units enter its values, nothing is computed.",
                    hint=f"Enter a value with `kho indicators enter {c} --period P --org UNIT --value N`.",
                )
            if org_map is not None and org_map != d.org_map:
                d = self.define(d.model_copy(update={"org_map": dict(org_map)}), actor=actor)
                force = True
            if isinstance(d.source, TableSource):
                results.append(self._compute_table(d, d.source, actor=actor, force=force))
            elif isinstance(d.source, CatalogSource):
                results.append(self._compute_catalog(d, d.source, actor=actor))
        return results

    def _compute_table(
        self, d: IndicatorDef, src: TableSource, *, actor: Actor, force: bool
    ) -> ComputeResult:
        name, snapshot_id = self._source_table(src, actor=actor)
        resolver = unit_resolver(d.org_aliases, d.org_map, d.units)
        unresolved: list[UnresolvedUnit] = []
        tree = self.tree(d)
        changed: set[str] = set()
        removed: set[str] = set()
        unchanged: set[str] = set()
        written = 0
        for base in calc.base_type(d.period_types):
            fresh = {
                r["period"]: (int(r["n_rows"]), str(r["checksum"]))
                for r in self._arrow(_sql.fingerprint_sql(src, name, base), actor)
            }
            stored = self._fingerprints(d.code, week=base == "week")
            ch = {p for p, fp in fresh.items() if force or stored.get(p) != fp}
            rm = set(stored) - set(fresh)
            wanted = calc.affected(ch | rm, d.period_types)
            unchanged |= calc.affected(set(fresh) - ch, d.period_types) - wanted
            changed |= wanted
            removed |= {
                p
                for p in calc.affected(rm, d.period_types)
                if p not in calc.affected(set(fresh), d.period_types)
            }
            if not wanted:
                continue
            rolled = self._node_values(d, src, name, base, wanted, resolver, tree, actor)
            unresolved = calc.merge_unresolved(unresolved, rolled.unresolved)
            written += self._store(d, src, name, snapshot_id, rolled.nodes, wanted, fresh, base)
        self._checked_against(d.code, name, snapshot_id)
        return ComputeResult(
            indicator=d.code,
            source_version=name,
            recomputed=sorted(changed - removed),
            unchanged=sorted(unchanged),
            removed=sorted(removed),
            values_written=written,
            unresolved=unresolved,
        )

    def _node_values(
        self,
        d: IndicatorDef,
        src: TableSource,
        name: str,
        base: str,
        wanted: set[str],
        resolver: UnitResolver,
        tree: OrgTree,
        actor: Actor,
    ) -> calc.Rollup:
        ms = _sql.measures(src)
        mergeable = {r: m for r, m in ms.items() if m.fn != "count_distinct"}
        rows = [
            tuple(r.values())
            for r in self._arrow(_sql.cells_sql(src, name, base, mergeable), actor)
        ]
        distinct = {
            r: [
                tuple(x.values()) for x in self._arrow(_sql.distinct_sql(src, name, base, m), actor)
            ]
            for r, m in ms.items()
            if m.fn == "count_distinct"
        }
        cells = calc.load_cells(rows, list(mergeable), distinct)
        counts: dict[str | None, int] = {}
        for c in cells:
            counts[c.org_raw] = counts.get(c.org_raw, 0) + c.n_rows
        resolver.learn(counts)
        return calc.roll_up(
            cells,
            source=src,
            resolver=resolver,
            tree=tree,
            wanted=wanted,
            period_types=list(d.period_types),
        )

    def _store(
        self,
        d: IndicatorDef,
        src: TableSource,
        name: str,
        snapshot_id: int,
        nodes: list[calc.NodeValue],
        wanted: set[str],
        fresh: dict[str, tuple[int, str]],
        base: str,
    ) -> int:
        now = _now()
        with self._sessions() as s, s.begin():
            s.execute(
                delete(t.ValueRow).where(
                    t.ValueRow.indicator_code == d.code, t.ValueRow.period_id.in_(wanted)
                )
            )
            for n in nodes:
                s.add(
                    t.ValueRow(
                        indicator_code=d.code,
                        period_id=n.period.id,
                        org_code=n.org,
                        parent_code=n.parent,
                        value=n.value,
                        numerator=n.numerator,
                        denominator=n.denominator,
                        n_rows=n.n_rows,
                        last_data=n.last_day.isoformat() if n.last_day else None,
                        source=name,
                        snapshot_id=snapshot_id,
                        computed_at=now,
                        sql=_sql.value_sql(
                            src, name, n.period.start, n.period.end, n.org_values, n.org_windows
                        ),
                        lineage={
                            "kind": "table",
                            "dataset": src.dataset,
                            "table": name,
                            "snapshot_id": snapshot_id,
                            "org_values": n.org_values,
                            "org_map": d.org_map or None,
                            "start": n.period.start.isoformat(),
                            "end": n.period.end.isoformat(),
                            **n.lineage_extra(),
                        },
                    )
                )
            is_week = base == "week"
            s.execute(
                delete(t.FingerprintRow).where(
                    t.FingerprintRow.indicator_code == d.code,
                    t.FingerprintRow.period_id.contains("W")
                    if is_week
                    else ~t.FingerprintRow.period_id.contains("W"),
                )
            )
            s.add_all(
                [
                    t.FingerprintRow(
                        indicator_code=d.code,
                        period_id=p,
                        n_rows=n,
                        checksum=c,
                        source=name,
                        snapshot_id=snapshot_id,
                    )
                    for p, (n, c) in fresh.items()
                ]
            )
        return len(nodes)

    def _compute_catalog(
        self, d: IndicatorDef, src: CatalogSource, *, actor: Actor
    ) -> ComputeResult:
        from kho.indicators import warehouse_metrics as wm

        hist = wm.histories(self._catalog, actor=actor)
        now = _now()
        first = min((h.created_at for h in hist), default=now).date()
        tree = self.tree(d)
        found = wm.periods_between(first, now.date(), list(d.period_types))
        with self._sessions() as s, s.begin():
            self._drop_values(s, d.code)
            written = 0
            for p in found:
                rolled = wm.roll(wm.metric_cells(src.metric, hist, p, now), tree, src.metric, 100.0)
                for org, (value, num, den, refs) in rolled.items():
                    s.add(
                        t.ValueRow(
                            indicator_code=d.code,
                            period_id=p.id,
                            org_code=org,
                            parent_code=tree.parent(org),
                            value=value,
                            numerator=num,
                            denominator=den,
                            n_rows=len(refs),
                            source="catalog",
                            computed_at=now,
                            lineage={
                                "kind": "catalog",
                                "metric": src.metric,
                                "datasets": refs,
                                "as_of": min(
                                    now, datetime.combine(p.end, datetime.max.time(), tzinfo=UTC)
                                ).isoformat(),
                            },
                        )
                    )
                    written += 1
        return ComputeResult(
            indicator=d.code,
            source_version="catalog",
            recomputed=[p.id for p in found],
            unchanged=[],
            removed=[],
            values_written=written,
        )

    def _source_table(self, src: TableSource, *, actor: Actor) -> tuple[str, int]:
        ds = self._catalog.get(src.dataset, actor=actor)
        table = next((x for x in ds.tables if src.table in (None, x.name, x.sql_name)), None)
        if table is None:
            raise NotFound(
                f"Dataset {src.dataset!r} has no table {src.table or ''!r}.",
                hint=f"Load one with `kho ingest FILE --dataset {src.dataset}`.",
            )
        _sql.validate_columns(src, {c.name: c.type for c in table.columns})
        versions = self._catalog.versions(src.dataset, actor=actor, table=table.name)
        if not versions:
            raise NotFound(
                f"Table {table.sql_name!r} has no data yet.",
                hint=f"Load a file with `kho ingest FILE --dataset {src.dataset}`.",
            )
        return f"{table.sql_name}@{versions[-1].version}", versions[-1].snapshot_id

    def _arrow(self, sql: str, actor: Actor) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._query.arrow(sql, actor=actor).to_pylist()
        return rows

    def _fingerprints(self, code: str, *, week: bool) -> dict[str, tuple[int, str]]:
        with self._sessions() as s:
            rows = s.scalars(
                select(t.FingerprintRow).where(t.FingerprintRow.indicator_code == code)
            )
            return {
                r.period_id: (r.n_rows, r.checksum) for r in rows if ("W" in r.period_id) == week
            }

    def _checked_against(self, code: str, source: str, snapshot_id: int | None) -> None:
        """Every fingerprint now stands for ``source``: unchanged periods were compared with it too,
        so a new version with the same rows is not fingerprinted again on every read."""
        with self._sessions() as s, s.begin():
            s.execute(
                update(t.FingerprintRow)
                .where(t.FingerprintRow.indicator_code == code, t.FingerprintRow.source != source)
                .values(source=source, snapshot_id=snapshot_id)
            )

    def _drop_values(self, s: Session, code: str) -> None:
        s.execute(delete(t.ValueRow).where(t.ValueRow.indicator_code == code))
        s.execute(delete(t.FingerprintRow).where(t.FingerprintRow.indicator_code == code))

    def refresh_if_stale(self, d: IndicatorDef) -> None:
        """Recompute (incrementally) when the source has a newer version than the stored values."""
        with self._sessions() as s:
            last = s.execute(
                select(t.ValueRow.source, t.ValueRow.computed_at)
                .where(t.ValueRow.indicator_code == d.code)
                .order_by(t.ValueRow.computed_at.desc())
                .limit(1)
            ).first()
        if isinstance(d.source, TableSource):
            try:
                current, _ = self._source_table(d.source, actor=SYSTEM)
            except NotFound:
                return
            with self._sessions() as s:
                seen = s.scalar(
                    select(t.FingerprintRow.source)
                    .where(t.FingerprintRow.indicator_code == d.code)
                    .limit(1)
                )
            if (
                seen != current
            ):  # fingerprints move to each checked version, values only when changed
                self._compute_table(d, d.source, actor=SYSTEM, force=False)
        elif isinstance(d.source, CatalogSource):
            stamp = last[1] if last else None
            if stamp is not None and stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
            if stamp is None or _now() - stamp > timedelta(minutes=10):
                self._compute_catalog(d, d.source, actor=SYSTEM)

    # reading -------------------------------------------------------------------------------
    def values(
        self,
        code: str,
        *,
        actor: Actor,
        periods_: Sequence[str] = (),
        orgs: Sequence[str] = (),
        refresh: bool = True,
    ) -> list[IndicatorValue]:
        """Stored values (computed) or entered ones rolled up (reported), filtered by period and unit."""
        d = self.get(code, actor=actor)
        pids = [periods.parse(p).id for p in periods_]
        if d.type == "reported":
            from kho.indicators.reports import reported_values

            vals = [v for p in pids for v in reported_values(self, d, p)] if pids else []
            return [v for v in vals if not orgs or v.org in orgs]
        if refresh:
            self.refresh_if_stale(d)
        with self._sessions() as s:
            stmt = select(t.ValueRow).where(t.ValueRow.indicator_code == code)
            if pids:
                stmt = stmt.where(t.ValueRow.period_id.in_(pids))
            if orgs:
                stmt = stmt.where(t.ValueRow.org_code.in_(list(orgs)))
            rows = s.scalars(
                stmt.order_by(t.ValueRow.period_id, t.ValueRow.org_code).limit(ROW_CAP + 1)
            ).all()
        if len(rows) > ROW_CAP:
            raise InvalidInput(f"More than {ROW_CAP:,} values match; name periods or units.")
        return [_value(r) for r in rows]

    def trace(
        self, code: str, *, period: str, org: str = ALL_ORGS, actor: Actor, limit: int = 20
    ) -> Trace:
        """The rows behind one value: the value's own WHERE, on the same table version."""
        if not 0 <= limit <= 1000:
            raise InvalidInput("limit must be 0..1000.")
        found = self.values(code, actor=actor, periods_=[period], orgs=[org])
        if not found:
            raise NotFound(
                f"{code} has no value for {org} in {periods.parse(period).id}.",
                hint=f"Run `kho indicators compute {code}` or check the unit with `kho indicators report`.",
            )
        v = found[0]
        d = self.definition(code)
        if not isinstance(d.source, TableSource) or v.lineage.get("kind") != "table":
            return Trace(
                value=v,
                sql=None,
                columns=["dataset"],
                total=len(v.lineage.get("datasets", [])),
                rows=[{"dataset": ref} for ref in v.lineage.get("datasets", [])][:limit],
                truncated=False,
            )
        p = periods.parse(v.period)
        rows_sql, count_sql = _sql.trace_sql(
            d.source,
            v.lineage["table"],
            p.start,
            p.end,
            v.lineage.get("org_values"),
            limit,
            _sql.windows_from_lineage(v.lineage.get("org_windows")),
        )
        result = self._query.sql(rows_sql, actor=actor, max_rows=limit)
        total = int(self._query.sql(count_sql, actor=actor).rows[0][0])
        return Trace(
            value=v,
            sql=rows_sql,
            columns=result.columns,
            rows=result.records(),
            total=total,
            truncated=total > len(result.rows),
        )

    def report(
        self,
        period: str,
        *,
        actor: Actor,
        org: str = ALL_ORGS,
        codes: Sequence[str] = (),
        as_of: datetime | None = None,
    ) -> Report:
        from kho.indicators.reports import build_report

        return build_report(self, period, actor=actor, org=org, codes=codes, as_of=as_of)

    def analytics(
        self,
        dx: Sequence[str],
        pe: Sequence[str],
        ou: Sequence[str] = (ALL_ORGS,),
        *,
        actor: Actor,
        include_num_den: bool = False,
    ) -> Analytics:
        from kho.indicators.reports import analytics

        return analytics(self, dx, pe, ou, actor=actor, include_num_den=include_num_den)

    # access --------------------------------------------------------------------------------
    def _check_read(self, actor: Actor, d: IndicatorDef) -> None:
        if not can_read(actor, access_level=d.access_level, org_code=d.owner_org or ""):
            raise NotFound(f"No indicator {d.code!r}.", hint="Run `kho indicators list`.")

    def may_compute(self, actor: Actor, d: IndicatorDef) -> bool:
        """Platform admins and members of the indicator's owner organisation recompute it."""
        return actor.is_platform_admin or bool(d.owner_org and d.owner_org in actor.org_codes)

    def _check_compute(self, actor: Actor, d: IndicatorDef) -> None:
        if not self.may_compute(actor, d):
            raise PermissionDenied(
                f"{actor} may not compute indicator {d.code!r}.",
                hint="Platform admins and members of its owner organisation may.",
            )


def _value(r: t.ValueRow) -> IndicatorValue:
    return IndicatorValue(
        indicator=r.indicator_code,
        period=r.period_id,
        org=r.org_code,
        parent=r.parent_code,
        value=r.value,
        last_data=r.last_data,
        numerator=r.numerator,
        denominator=r.denominator,
        rows=r.n_rows,
        source=r.source,
        snapshot_id=r.snapshot_id,
        sql=r.sql,
        lineage=dict(r.lineage or {}),
        computed_at=r.computed_at,
    )
