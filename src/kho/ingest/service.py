"""Ingest: one call turns a messy file into a new version of a typed table, with a load report."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kho.access.actors import Actor
from kho.catalog import models as cm
from kho.catalog.service import Catalog
from kho.errors import Conflict, IngestError, InvalidInput, KhoError, NotFound
from kho.ingest import pipeline as pl_
from kho.ingest.models import (
    MODES,
    ColumnReport,
    LoadReport,
    LoadSummary,
    Mode,
    Reject,
    SkippedRowReport,
    SourceReport,
)
from kho.ingest.rejects import RejectStore
from kho.metadata import models as db
from kho.settings import Settings
from kho.warehouse.service import Warehouse

if TYPE_CHECKING:
    import polars as pl

    from kho.ingest.coltypes import ColumnType
    from kho.ingest.readers.base import Source

Progress = Callable[[str, int, int], None]  # (phase, done, total) — rows or bytes


def _now() -> datetime:
    return datetime.now(UTC)


class Ingest:
    """Reads a file, types it by the Vietnamese rules, writes one atomic snapshot, records the report."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        warehouse: Warehouse,
        catalog: Catalog,
        settings: Settings,
    ):
        self._sessions = sessions
        self._warehouse = warehouse
        self._catalog = catalog
        self._settings = settings
        self.rejects = RejectStore(settings.rejects_dir)

    # public verbs ----------------------------------------------------------------------------
    def load(
        self,
        path: Path,
        *,
        dataset: str,
        actor: Actor,
        org: str | None = None,
        title: str | None = None,
        sheet: str | int | None = None,
        mode: Mode = "create",
        key: Sequence[str] = (),
        table: str | None = None,
        source_name: str | None = None,
        access_level: str | None = None,
        header_row: int | None = None,
        unit_columns: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> LoadReport:
        """Load ``path`` into the dataset's table; a failure leaves the table exactly as it was."""
        from kho.ingest.readers import open_source

        if mode not in MODES:
            raise InvalidInput(f"Unknown mode {mode!r}; use one of {', '.join(MODES)}.")
        if mode == "upsert" and not key:
            raise InvalidInput(
                "Upsert needs a key.", hint="Add --key COLUMN (repeat for a composite key)."
            )
        path = Path(path)
        if not path.is_file():
            raise NotFound(
                f"No file {str(path)!r}.", hint="Check the path; directories are not loaded."
            )
        res = self._ensure_resource(
            dataset, actor=actor, org=org, title=title, table=table, access_level=access_level
        )
        load_id = self._start_load(res, mode=mode, source=source_name or path.name, actor=actor)
        started = time.perf_counter()
        try:
            source = open_source(path, sheet=sheet, header_row=header_row)
            if header_row is None and not source.info.has_header:
                source = self._reopen_with_known_header(source, res, path, sheet=sheet)
            report = self._run(
                source,
                res,
                load_id=load_id,
                mode=mode,
                key=key,
                source_name=source_name or path.name,
                progress=progress,
                unit_columns=unit_columns,
            )
        except KhoError as exc:
            self._fail_load(load_id, str(exc))
            self._catalog.audit(
                actor,
                action="dataset.load.failed",
                resource=f"dataset:{dataset}",
                details={"load_id": load_id, "mode": mode, "error": str(exc)[:500]},
            )
            raise
        except Exception as exc:
            self._fail_load(load_id, f"{type(exc).__name__}: {exc}")
            self._catalog.audit(
                actor,
                action="dataset.load.failed",
                resource=f"dataset:{dataset}",
                details={"load_id": load_id, "mode": mode, "error": type(exc).__name__},
            )
            raise IngestError(
                f"Loading {source_name or path.name} failed: {exc}",
                hint="The table was left unchanged. Report this file to the Kho team.",
            ) from exc
        report.seconds = round(time.perf_counter() - started, 3)
        self._finish_load(report)
        self._catalog.audit(
            actor,
            action="dataset.load",
            resource=f"dataset:{dataset}",
            rows=report.rows_loaded,
            details={
                "load_id": load_id,
                "mode": mode,
                "source": report.source.name,
                "version": report.version,
                "rejected": report.rows_rejected,
            },
        )
        return report

    def loads(self, dataset: str, *, actor: Actor) -> list[LoadSummary]:
        self._catalog.get(dataset, actor=actor)
        with self._sessions() as s:
            rows = s.scalars(
                select(db.Load).where(db.Load.dataset_slug == dataset).order_by(db.Load.id)
            )
            return [_summary(r) for r in rows]

    def report(self, load_id: int, *, actor: Actor) -> LoadReport:
        with self._sessions() as s:
            row = s.get(db.Load, load_id)
            if row is None or not row.report:
                raise NotFound(
                    f"No load report {load_id}.", hint="Run `kho datasets history SLUG`."
                )
            self._catalog.check_write(row.dataset_slug, actor=actor)  # reports hold raw values
            return LoadReport.model_validate(row.report)

    def list_rejects(
        self,
        dataset: str,
        *,
        actor: Actor,
        load_id: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[int, list[Reject]]:
        load = self._pick_load(dataset, actor=actor, load_id=load_id)
        frame = self.rejects.read(load.id)
        page = frame.slice(offset, limit)
        items = [
            Reject(
                load_id=load.id,
                line=r["line"],
                column=r["column"],
                value=r["value"],
                reason=r["reason"],
            )
            for r in page.iter_rows(named=True)
        ]
        return frame.height, items

    def export_rejects(
        self, dataset: str, dest: Path, *, actor: Actor, load_id: int | None = None
    ) -> int:
        load = self._pick_load(dataset, actor=actor, load_id=load_id)
        return self.rejects.export_rows(load.id, dest)

    def _reopen_with_known_header(
        self, source: Source, res: db.Resource, path: Path, *, sheet: str | int | None
    ) -> Source:
        """A file loaded into an existing table whose first row repeats the table's headers has a header."""
        from kho.ingest.readers import open_source
        from kho.ingest.vn.slugs import slugify

        known = {c.name for c in res.columns} | {slugify(c.label) for c in res.columns}
        first = next(source.batches(1), None)
        if not known or first is None or first.height == 0:
            return open_source(path, sheet=sheet)
        cells = [
            v for v in first.row(0)[: len(source.info.headers)] if isinstance(v, str) and v.strip()
        ]
        if cells and all(slugify(v) in known for v in cells):
            return open_source(path, sheet=sheet, header_row=int(first[pl_.LINE][0]))
        return open_source(path, sheet=sheet)

    # pipeline --------------------------------------------------------------------------------
    def _run(
        self,
        source: Source,
        res: db.Resource,
        *,
        load_id: int,
        mode: Mode,
        key: Sequence[str],
        source_name: str,
        progress: Progress | None,
        unit_columns: Sequence[str] = (),
    ) -> LoadReport:
        from kho.ingest.unitcols import UnitColumn

        info = source.info
        plans = self._plans(info.headers)
        fixed = self._existing_types(res) if mode in ("append", "upsert") else {}
        batch_rows = self._settings.batch_rows
        in_memory = info.size_bytes <= self._settings.in_memory_limit_mb * 1024 * 1024
        batches = source.batches(batch_rows)
        first = _concat(batches) if in_memory else next(batches, None)
        if first is None or first.height == 0:
            first = _empty_frame(plans)
        legacy = pl_.detect_file_legacy(first, plans)
        if legacy:
            plans = self._plans(info.headers, legacy=legacy)
        clean_first = pl_.clean_frame(first, plans, legacy)
        pl_.infer_plans(clean_first, plans, fixed)
        key_names = self._key_names(key, plans)
        by_name = {p.name: p for p in plans}
        units = [
            UnitColumn(name=n, header=by_name[n].header)
            for n in self._key_names(unit_columns, plans, what="Unit column")
        ]
        schema = pl_.arrow_schema(plans, units)
        stats = _Stats(size=info.size_bytes)
        all_rejects: list[pl.DataFrame] = []

        def typed_batches() -> Iterator[Any]:
            for raw, clean in _with_clean(first, clean_first, batches, plans, legacy):
                result = pl_.cast_batch(raw, clean, plans, schema, units)
                stats.read += result.rows_read
                stats.loaded += result.table.num_rows
                if result.rejects.height:
                    all_rejects.append(result.rejects)
                    pl_.count_reasons(result.rejects, stats.reasons)
                if progress:
                    progress("rows", stats.read, 0)
                yield result.table
            if stats.read and not stats.loaded:
                raise IngestError(
                    f"Every one of the {stats.read:,} rows of {source_name} was rejected; nothing was loaded.",
                    hint=f"Top reasons: {_top(stats.reasons)}. Check the file, or the --sheet chosen.",
                )

        written = self._warehouse.write(
            res.iceberg_ident, typed_batches(), mode=mode, key=key_names
        )
        rejects = _concat(iter(all_rejects))
        if rejects is None:
            rejects = pl_.empty_rejects()
        self.rejects.save(load_id, rejects)
        return self._report(
            load_id,
            res,
            mode,
            source,
            source_name,
            legacy,
            plans,
            stats,
            written,
            key_names,
            rows_rejected=int(rejects["line"].n_unique()) if rejects.height else 0,
            units=units,
        )

    def _plans(self, headers: Sequence[str], *, legacy: str | None = None) -> list[pl_.ColumnPlan]:
        from kho.ingest.vn.legacy import convert_legacy
        from kho.ingest.vn.slugs import unique_slugs
        from kho.ingest.vn.text import nfc

        if legacy:
            headers = [nfc(convert_legacy(h, legacy)) if h else h for h in headers]  # type: ignore[arg-type]
        keep = [
            (i, h) for i, h in enumerate(headers) if not str(h).startswith(pl_.REJECT_EXPORT_PREFIX)
        ]
        if not keep:
            raise IngestError(
                "The file has no columns.", hint="Check that the first sheet or lines hold a table."
            )
        slugs = unique_slugs([h for _, h in keep])
        return [
            pl_.ColumnPlan(source=f"c{i}", header=h, name=s)
            for (i, h), s in zip(keep, slugs, strict=True)
        ]

    def _key_names(
        self, key: Sequence[str], plans: list[pl_.ColumnPlan], *, what: str = "Key column"
    ) -> list[str]:
        from kho.ingest.vn.slugs import slugify
        from kho.ingest.vn.text import nfc

        names = []
        for k in key:
            match = next(
                (
                    p.name
                    for p in plans
                    if k in (p.name, p.header) or nfc(k) == p.header or slugify(k) == p.name
                ),
                None,
            )
            if match is None:
                raise InvalidInput(
                    f"{what} {k!r} is not in the file; columns: "
                    + ", ".join(p.header for p in plans)
                    + "."
                )
            names.append(match)
        return names

    def _existing_types(self, res: db.Resource) -> dict[str, ColumnType]:
        from kho.ingest.coltypes import ColumnType

        out: dict[str, ColumnType] = {}
        for c in res.columns:
            detail = dict(c.type_detail or {})
            out[c.name] = ColumnType(
                kind=c.type,  # type: ignore[arg-type]
                reason=f"type of the existing column {c.name}",
                **{
                    k: v for k, v in detail.items() if k in ("number_style", "date_format", "scale")
                },
            )
        return out

    # metadata --------------------------------------------------------------------------------
    def _ensure_resource(
        self,
        dataset: str,
        *,
        actor: Actor,
        org: str | None,
        title: str | None,
        table: str | None,
        access_level: str | None,
    ) -> db.Resource:
        if not self._catalog.exists(dataset):
            self._catalog.create(
                cm.DatasetCreate.model_validate(
                    {
                        "slug": dataset,
                        "org_code": org or self._default_org(),
                        "title_vi": title or dataset,
                        "access_level": access_level or "internal",
                    }
                ),
                actor=actor,
            )
        else:
            self._catalog.get(dataset, actor=actor)
        self._catalog.check_write(dataset, actor=actor)
        with self._sessions() as s, s.begin():
            ds = s.scalar(select(db.Dataset).where(db.Dataset.slug == dataset))
            assert ds is not None
            name = table or "main"
            res = next((r for r in ds.resources if r.name == name), None)
            if res is None:
                sql_name = dataset if name == "main" else f"{dataset}__{name}"
                res = db.Resource(
                    dataset_id=ds.id,
                    name=name,
                    sql_name=sql_name,
                    iceberg_ident=f"{_namespace(ds.org_code)}.{sql_name}",
                    key_columns=[],
                    created_at=_now(),
                )
                s.add(res)
                s.flush()
            s.refresh(res, ["columns"])
            return res

    def _default_org(self) -> str:
        orgs = self._catalog.list_organisations()
        if len(orgs) == 1:
            return orgs[0].code
        raise InvalidInput(
            "A new dataset needs an owning organisation.",
            hint="Add --org CODE; organisations: "
            + (", ".join(o.code for o in orgs) or "none yet (kho orgs create)")
            + ".",
        )

    def _start_load(self, res: db.Resource, *, mode: str, source: str, actor: Actor) -> int:
        with self._sessions() as s, s.begin():
            slug = s.get(db.Dataset, res.dataset_id).slug  # type: ignore[union-attr]
            if mode == "create" and self._warehouse.exists(res.iceberg_ident):
                raise Conflict(
                    f"Table {res.sql_name!r} already has data.",
                    hint="Use --mode append, replace or upsert --key COL.",
                )
            row = db.Load(
                resource_id=res.id,
                dataset_slug=slug,
                status="running",
                mode=mode,
                source_name=source[:1000],
                actor=str(actor),
                started_at=_now(),
                report={},
            )
            s.add(row)
            s.flush()
            return row.id

    def _fail_load(self, load_id: int, error: str) -> None:
        with self._sessions() as s, s.begin():
            row = s.get(db.Load, load_id)
            if row is not None:
                row.status, row.error, row.finished_at = "failed", error[:4000], _now()

    def _finish_load(self, report: LoadReport) -> None:
        with self._sessions() as s, s.begin():
            row = s.get(db.Load, report.load_id)
            assert row is not None
            res = s.get(db.Resource, row.resource_id)
            assert res is not None
            row.status, row.finished_at = "succeeded", _now()
            row.source_format = report.source.format
            row.rows_read, row.rows_loaded, row.rows_rejected = (
                report.rows_read,
                report.rows_loaded,
                report.rows_rejected,
            )
            row.snapshot_id = report.snapshot_id
            row.report = report.model_dump(mode="json")
            res.source_format = report.source.format
            _sync_columns(res, report.columns, replace=report.mode in ("create", "replace"))
            ds = s.get(db.Dataset, res.dataset_id)
            assert ds is not None
            ds.last_loaded_at = ds.updated_at = _now()

    def _report(
        self,
        load_id: int,
        res: db.Resource,
        mode: Mode,
        source: Source,
        source_name: str,
        legacy: str | None,
        plans: list[pl_.ColumnPlan],
        stats: _Stats,
        written: Any,
        key_names: list[str],
        *,
        rows_rejected: int,
        units: Sequence[Any] = (),
    ) -> LoadReport:
        info = source.info
        warnings = list(info.warnings) + [w for u in units for w in u.warnings()]
        if legacy:
            warnings.append(
                f"text was in the legacy {legacy.upper()} font encoding and was converted to Unicode"
            )
        versions = self._warehouse.snapshots(res.iceberg_ident)
        version = next(
            (i + 1 for i, s in enumerate(versions) if s.snapshot_id == written.snapshot_id), None
        )
        with self._sessions() as s:
            slug = s.get(db.Dataset, res.dataset_id).slug  # type: ignore[union-attr]
        if key_names:
            with self._sessions() as s, s.begin():
                r = s.get(db.Resource, res.id)
                if r is not None:
                    r.key_columns = key_names
        return LoadReport(
            load_id=load_id,
            dataset=slug,
            table=res.name,
            sql_name=res.sql_name,
            mode=mode,
            status="succeeded",
            source=SourceReport(
                name=source_name,
                format=info.format,
                size_bytes=info.size_bytes,
                encoding=info.encoding,
                legacy_encoding=legacy,
                delimiter=info.delimiter,
                sheet=info.sheet,
                sheets=list(info.sheets),
                header_lines=list(info.header_lines),
                skipped=[
                    SkippedRowReport(line=r.line, kind=r.kind, text=r.text)
                    for r in info.skipped[:200]
                ],
            ),
            rows_read=stats.read,
            rows_loaded=stats.loaded,
            rows_rejected=rows_rejected,
            snapshot_id=written.snapshot_id,
            version=version,
            columns=[
                ColumnReport(
                    header=p.header,
                    name=p.name,
                    type=p.ctype.kind if p.ctype else "text",
                    detail=pl_.type_detail(p.ctype) if p.ctype else {},
                    reason=p.ctype.reason if p.ctype else "",
                    null_count=p.null_count,
                    rejected=p.rejected,
                    examples=p.examples,
                    warnings=list(p.ctype.warnings) if p.ctype else [],
                )
                for p in plans
            ]
            + [_unit_report(u, suffix) for u in units for suffix in _UNIT_LABELS],
            reject_reasons=dict(stats.reasons.most_common(50)),
            warnings=warnings,
            schema_changes=list(getattr(written, "schema_changes", [])),
            started_at=_now(),
        )

    def _pick_load(self, dataset: str, *, actor: Actor, load_id: int | None) -> db.Load:
        self._catalog.check_write(dataset, actor=actor)  # rejects hold whole raw rows
        with self._sessions() as s:
            stmt = select(db.Load).where(
                db.Load.dataset_slug == dataset, db.Load.status == "succeeded"
            )
            if load_id is not None:
                stmt = stmt.where(db.Load.id == load_id)
            row = s.scalars(stmt.order_by(db.Load.id.desc())).first()
            if row is None:
                raise NotFound(
                    f"No successful load {load_id or ''} of {dataset!r}.".replace("  ", " "),
                    hint=f"Run `kho datasets history {dataset}`.",
                )
            return row


_UNIT_LABELS = {
    "ma": "mã đơn vị hành chính (như đã viết)",
    "phien_ban": "phiên bản danh mục của mã",
    "ma_moi": "mã đơn vị hiện nay (sau sắp xếp 2025)",
    "ten_moi": "tên đơn vị hiện nay",
    "trang_thai": "kết quả đối chiếu (ok / ambiguous / unknown)",
}


def _unit_report(unit: Any, suffix: str) -> ColumnReport:
    return ColumnReport(
        header=f"{unit.header} — {_UNIT_LABELS[suffix]}",
        name=f"{unit.name}_{suffix}",
        type="text",
        reason=f"derived from {unit.header!r} by the administrative-unit resolver",
    )


class _Stats:
    def __init__(self, size: int):
        self.size, self.read, self.loaded = size, 0, 0
        self.reasons: Counter[str] = Counter()


def _namespace(org_code: str) -> str:
    from kho.ingest.vn.slugs import slugify

    return slugify(org_code)


def _concat(batches: Iterator[pl.DataFrame]) -> pl.DataFrame | None:
    import polars as pl

    frames = list(batches)
    return pl.concat(frames, how="vertical_relaxed") if frames else None


def _empty_frame(plans: list[pl_.ColumnPlan]) -> pl.DataFrame:
    import polars as pl

    schema = {p.source: pl.String for p in plans} | {pl_.LINE: pl.Int64, pl_.PROBLEM: pl.String}
    return pl.DataFrame(schema=schema)


def _with_clean(
    first: pl.DataFrame,
    clean_first: pl.DataFrame,
    rest: Iterator[pl.DataFrame],
    plans: list[pl_.ColumnPlan],
    legacy: str | None,
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    yield first, clean_first
    for raw in rest:
        yield raw, pl_.clean_frame(raw, plans, legacy)


def _top(reasons: Counter[str]) -> str:
    return "; ".join(f"{r} ({n}×)" for r, n in reasons.most_common(3)) or "none recorded"


def _sync_columns(res: db.Resource, columns: list[ColumnReport], *, replace: bool) -> None:
    """Keep the data dictionary in step with the table; labels and notes a person edited survive."""
    existing = {c.name: c for c in res.columns}
    wanted = {c.name for c in columns}
    if replace:
        for name, col in list(existing.items()):
            if name not in wanted:
                res.columns.remove(col)
    position = max((c.position for c in res.columns), default=-1) + 1
    for c in columns:
        found = existing.get(c.name)
        if found is None:
            res.columns.append(
                db.Column(
                    name=c.name,
                    label=c.header or c.name,
                    type=c.type,
                    type_detail=c.detail,
                    position=position,
                )
            )
            position += 1
        else:
            found.type, found.type_detail = c.type, c.detail
            if not found.is_edited:
                found.label = c.header or c.name


def _summary(r: db.Load) -> LoadSummary:
    return LoadSummary(
        load_id=r.id,
        dataset=r.dataset_slug,
        status=r.status,
        mode=r.mode,
        source_name=r.source_name,
        rows_read=r.rows_read,
        rows_loaded=r.rows_loaded,
        rows_rejected=r.rows_rejected,
        snapshot_id=r.snapshot_id,
        error=r.error,
        actor=r.actor,
        started_at=r.started_at,
        finished_at=r.finished_at,
    )
