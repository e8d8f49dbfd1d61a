"""Catalog verbs: create, update, show, search datasets; edit the data dictionary; inventory."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.catalog.freshness import freshness
from kho.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kho.metadata import models as db
from kho.metadata.changes import not_null_skipped
from kho.warehouse.service import Warehouse

if TYPE_CHECKING:
    from kho.access.models import ReadPolicy
    from kho.access.service import Access

FACETS = ("org_code", "sector", "access_level", "formats", "freshness", "licence")


def _now() -> datetime:
    return datetime.now(UTC)


def _search_text(ds: db.Dataset, org_names: Sequence[str] = ()) -> str:
    from kho.ingest.vn.text import fold

    parts = [
        ds.slug,
        ds.title_vi,
        ds.title_en,
        ds.description_vi,
        ds.description_en,
        ds.sector,
        ds.org_code,
        *(ds.keywords or []),
        *org_names,
    ]
    return fold(" ".join(p for p in parts if p))


class Catalog:
    """The only place that knows how datasets are described, found and shown."""

    def __init__(self, sessions: Callable[[], Session], warehouse: Warehouse, access: Access):
        self._sessions = sessions
        self._warehouse = warehouse
        self._access = access

    # organisations ---------------------------------------------------------------------------
    def ensure_organisation(self, org: m.Organisation, *, actor: Actor) -> m.Organisation:
        """Create the organisation if its code is new; existing ones are left as they are."""
        with self._sessions() as s, s.begin():
            row = s.scalar(select(db.Organisation).where(db.Organisation.code == org.code))
            if row is None:
                if not actor.is_platform_admin:
                    raise PermissionDenied(f"{actor} may not create organisation {org.code!r}.")
                row = db.Organisation(**org.model_dump(), created_at=_now())
                s.add(row)
            return m.Organisation(
                code=row.code, name_vi=row.name_vi, name_en=row.name_en, parent_code=row.parent_code
            )

    def list_organisations(self) -> list[m.Organisation]:
        with self._sessions() as s:
            rows = s.scalars(select(db.Organisation).order_by(db.Organisation.code))
            return [
                m.Organisation(
                    code=r.code, name_vi=r.name_vi, name_en=r.name_en, parent_code=r.parent_code
                )
                for r in rows
            ]

    # datasets --------------------------------------------------------------------------------
    def create(self, data: m.DatasetCreate, *, actor: Actor) -> m.Dataset:
        self._check_write(actor, data.org_code)
        with self._sessions() as s, s.begin():
            if s.scalar(select(db.Dataset.id).where(db.Dataset.slug == data.slug)) is not None:
                raise Conflict(
                    f"Dataset {data.slug!r} already exists.",
                    hint=f"Run `kho datasets show {data.slug}` or choose another slug.",
                )
            self._require_org(s, data.org_code)
            now = _now()
            ds = db.Dataset(**data.model_dump(), created_at=now, updated_at=now)
            ds.search_text = _search_text(ds, self._org_names(s, ds.org_code))
            s.add(ds)
        self.audit(
            actor,
            action="dataset.create",
            resource=f"dataset:{data.slug}",
            details={"org_code": data.org_code, "access_level": data.access_level},
        )
        return self.get(data.slug, actor=actor)

    def update(self, slug: str, data: m.DatasetUpdate, *, actor: Actor) -> m.Dataset:
        with self._sessions() as s, s.begin():
            ds = self._load(s, slug)
            self._check_write(actor, ds.org_code)
            for key, value in not_null_skipped(ds, data.model_dump(exclude_unset=True)).items():
                setattr(ds, key, value)
            ds.updated_at = _now()
            ds.search_text = _search_text(ds, self._org_names(s, ds.org_code))
        self.audit(
            actor,
            action="dataset.update",
            resource=f"dataset:{slug}",
            details=data.model_dump(mode="json", exclude_unset=True),
        )
        return self.get(slug, actor=actor)

    def delete(self, slug: str, *, actor: Actor) -> None:
        """Remove a dataset, its tables and their files."""
        with self._sessions() as s, s.begin():
            ds = self._load(s, slug)
            self._check_write(actor, ds.org_code)
            for res in ds.resources:
                if self._warehouse.exists(res.iceberg_ident):
                    self._warehouse.drop(res.iceberg_ident)
            s.delete(ds)
        self.audit(actor, action="dataset.delete", resource=f"dataset:{slug}")

    def get(self, slug: str, *, actor: Actor) -> m.Dataset:
        with self._sessions() as s:
            ds = self._load(s, slug)
            policy = self._check_read(actor, ds)
            return self._detail(ds, columns=policy.columns if policy else None)

    def exists(self, slug: str) -> bool:
        with self._sessions() as s:
            return s.scalar(select(db.Dataset.id).where(db.Dataset.slug == slug)) is not None

    def search(
        self,
        q: str = "",
        *,
        actor: Actor,
        filters: dict[str, str] | None = None,
        limit: int = 20,
        offset: int = 0,
        sort: str = "relevance",
    ) -> m.SearchResult:
        """Diacritic- and case-insensitive search with facet counts over everything the actor may see."""
        from kho.ingest.vn.text import fold

        if limit < 0 or offset < 0 or limit > 1000:
            raise InvalidInput("limit must be 0..1000 and offset ≥ 0.")
        tokens = fold(q).split()
        with self._sessions() as s:
            stmt = select(db.Dataset)
            for tok in tokens:
                stmt = stmt.where(db.Dataset.search_text.contains(tok, autoescape=True))
            rows = [d for d in s.scalars(stmt) if self._policy(actor, d) is not None]
            summaries = [self._summary(d) for d in rows]
        matched = [d for d in summaries if _matches(d, filters or {})]
        facets = {f: _facet_counts(matched, f) for f in FACETS}
        matched.sort(key=_sort_key(sort, tokens), reverse=sort in ("updated", "relevance"))
        return m.SearchResult(
            total=len(matched), items=matched[offset : offset + limit], facets=facets
        )

    def versions(self, slug: str, *, actor: Actor, table: str | None = None) -> list[m.VersionInfo]:
        """Every version of the table, oldest first; each can be queried as ``"slug@N"``."""
        with self._sessions() as s:
            ds = self._load(s, slug)
            self._check_read(actor, ds)
            res = _pick_resource(ds, table)
            ident = res.iceberg_ident
        if not self._warehouse.exists(ident):
            return []
        return [
            m.VersionInfo(
                version=i + 1,
                snapshot_id=v.snapshot_id,
                committed_at=v.committed_at,
                operation=v.operation,
                added_rows=v.added_rows,
                deleted_rows=v.deleted_rows,
                total_rows=v.total_rows,
            )
            for i, v in enumerate(self._warehouse.snapshots(ident))
        ]

    # data dictionary -------------------------------------------------------------------------
    def update_column(
        self,
        slug: str,
        column: str,
        data: m.ColumnUpdate,
        *,
        actor: Actor,
        table: str | None = None,
    ) -> m.ColumnInfo:
        with self._sessions() as s, s.begin():
            ds = self._load(s, slug)
            self._check_write(actor, ds.org_code)
            res = _pick_resource(ds, table)
            col = next((c for c in res.columns if c.name == column), None)
            if col is None:
                names = ", ".join(c.name for c in res.columns)
                raise NotFound(f"No column {column!r} in {res.sql_name}; columns: {names}.")
            for key, value in not_null_skipped(col, data.model_dump(exclude_unset=True)).items():
                setattr(col, key, value)
            col.is_edited = True
            info = _column_info(col)
        self.audit(
            actor,
            action="dataset.column.update",
            resource=f"dataset:{slug}/{column}",
            details=data.model_dump(mode="json", exclude_unset=True),
        )
        return info

    # inventory -------------------------------------------------------------------------------
    def add_inventory(self, data: m.InventoryCreate, *, actor: Actor) -> m.InventoryItem:
        self._check_write(actor, data.org_code)
        with self._sessions() as s, s.begin():
            self._require_org(s, data.org_code)
            row = db.InventoryEntry(**data.model_dump(), created_at=_now())
            s.add(row)
            s.flush()
            item = m.InventoryItem(id=row.id, created_at=row.created_at, **data.model_dump())
        self.audit(
            actor,
            action="inventory.add",
            resource=f"inventory:{item.id}",
            details={"org_code": data.org_code, "title": data.title},
        )
        return item

    def list_inventory(self, *, actor: Actor, org_code: str | None = None) -> list[m.InventoryItem]:
        if actor.is_anonymous:
            raise PermissionDenied(
                "The inventory is for signed-in government users.", hint="Sign in or use a token."
            )
        with self._sessions() as s:
            stmt = select(db.InventoryEntry).order_by(db.InventoryEntry.id)
            if org_code:
                stmt = stmt.where(db.InventoryEntry.org_code == org_code)
            return [
                m.InventoryItem(
                    id=r.id,
                    org_code=r.org_code,
                    title=r.title,
                    description=r.description,
                    format=r.format,
                    volume=r.volume,
                    plan=r.plan,
                    status=r.status,  # type: ignore[arg-type]
                    created_at=r.created_at,
                )
                for r in s.scalars(stmt)
            ]

    # internals -------------------------------------------------------------------------------
    def _load(self, s: Session, slug: str) -> db.Dataset:
        ds = s.scalar(select(db.Dataset).where(db.Dataset.slug == slug))
        if ds is None:
            raise NotFound(f"No dataset {slug!r}.", hint="Run `kho datasets list` to see datasets.")
        return ds

    def audit(
        self,
        actor: Actor,
        *,
        action: str,
        resource: str,
        details: dict[str, Any] | None = None,
        rows: int | None = None,
    ) -> None:
        """Record a change in the hash-chained audit log (every change is recorded)."""
        self._access.audit(actor, action=action, resource=resource, details=details, rows=rows)

    def _require_org(self, s: Session, code: str) -> None:
        if s.scalar(select(db.Organisation.id).where(db.Organisation.code == code)) is None:
            raise NotFound(
                f"No organisation {code!r}.",
                hint="Create it with `kho orgs create CODE NAME` or pass an existing --org.",
            )

    def _org_names(self, s: Session, code: str) -> list[str]:
        """Current, predecessor and successor names, so a merged organisation is found by any of them."""
        return self._access.org_names_for_search(code)

    def _policy(self, actor: Actor, ds: db.Dataset) -> ReadPolicy | None:
        return self._access.read_policy(
            actor, dataset_slug=ds.slug, org_code=ds.org_code, access_level=ds.access_level
        )

    def _check_read(self, actor: Actor, ds: db.Dataset) -> ReadPolicy:
        policy = self._policy(actor, ds)
        if policy is None:
            # Same message as a missing dataset: existence of restricted data is not disclosed.
            raise NotFound(
                f"No dataset {ds.slug!r}.", hint="Run `kho datasets list` to see datasets."
            )
        return policy

    def _check_write(self, actor: Actor, org_code: str) -> None:
        if not self._access.can_write(actor, org_code=org_code):
            raise PermissionDenied(
                f"{actor} may not change datasets of organisation {org_code!r}.",
                hint="Editors and admins of the owning organisation may; ask its admin for a role.",
            )

    def check_write(self, slug: str, *, actor: Actor) -> None:
        """Raise unless the actor may load into or change the dataset."""
        with self._sessions() as s:
            ds = self._load(s, slug)
            self._check_read(actor, ds)
            self._check_write(actor, ds.org_code)

    def _summary(self, ds: db.Dataset) -> m.DatasetSummary:
        return m.DatasetSummary(
            slug=ds.slug,
            org_code=ds.org_code,
            title_vi=ds.title_vi,
            title_en=ds.title_en,
            sector=ds.sector,
            access_level=ds.access_level,  # type: ignore[arg-type]
            update_frequency=ds.update_frequency,
            keywords=list(ds.keywords or []),
            licence=ds.licence,
            formats=sorted({r.source_format for r in ds.resources if r.source_format}),
            freshness=freshness(ds.last_loaded_at, ds.update_frequency),
            last_loaded_at=ds.last_loaded_at,
            updated_at=ds.updated_at,
        )

    def _detail(self, ds: db.Dataset, *, columns: list[str] | None = None) -> m.Dataset:
        tables = []
        for r in ds.resources:
            exists = self._warehouse.exists(r.iceberg_ident)
            tables.append(
                m.TableInfo(
                    name=r.name,
                    sql_name=r.sql_name,
                    source_format=r.source_format,
                    key_columns=list(r.key_columns or []),
                    row_count=self._warehouse.row_count(r.iceberg_ident) if exists else 0,
                    versions=len(self._warehouse.snapshots(r.iceberg_ident)) if exists else 0,
                    columns=[
                        _column_info(c) for c in r.columns if columns is None or c.name in columns
                    ],
                )
            )
        return m.Dataset(
            **self._summary(ds).model_dump(),
            description_vi=ds.description_vi,
            description_en=ds.description_en,
            source=ds.source,
            contact=ds.contact,
            created_at=ds.created_at,
            tables=tables,
        )


def _column_info(c: db.Column) -> m.ColumnInfo:
    return m.ColumnInfo(
        name=c.name,
        label=c.label,
        type=c.type,
        type_detail=c.type_detail or {},
        unit=c.unit,
        description_vi=c.description_vi,
        description_en=c.description_en,
    )


def _pick_resource(ds: db.Dataset, table: str | None) -> db.Resource:
    if not ds.resources:
        raise NotFound(
            f"Dataset {ds.slug!r} has no table yet.",
            hint=f"Load one with `kho ingest FILE --dataset {ds.slug}`.",
        )
    if table is None:
        return ds.resources[0]
    for r in ds.resources:
        if table in (r.name, r.sql_name):
            return r
    raise NotFound(
        f"No table {table!r} in dataset {ds.slug!r}; tables: "
        + ", ".join(r.name for r in ds.resources)
        + "."
    )


def _facet_value(d: m.DatasetSummary, facet: str) -> list[str]:
    value: Any = getattr(d, facet)
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


def _facet_counts(items: Sequence[m.DatasetSummary], facet: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for d in items:
        counts.update(_facet_value(d, facet))
    return dict(counts.most_common())


def _matches(d: m.DatasetSummary, filters: dict[str, str]) -> bool:
    for facet, wanted in filters.items():
        if facet not in FACETS:
            raise InvalidInput(f"Unknown filter {facet!r}; filters: {', '.join(FACETS)}.")
        if wanted and wanted not in _facet_value(d, facet):
            return False
    return True


def _sort_key(sort: str, tokens: list[str]) -> Callable[[m.DatasetSummary], Any]:
    from kho.ingest.vn.text import fold

    if sort == "title":
        return lambda d: fold(d.title_vi)
    if sort == "updated":
        return lambda d: d.last_loaded_at or d.updated_at
    if sort == "relevance":
        return lambda d: (sum(t in fold(d.title_vi) for t in tokens), d.updated_at)
    raise InvalidInput(f"Unknown sort {sort!r}; use relevance, title or updated.")


__all__ = ["Catalog"]
