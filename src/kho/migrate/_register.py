"""The catalog side of a migrated table: dataset, resource with keys, data dictionary, load rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from kho.errors import Conflict
from kho.metadata import models as db

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kho.access.actors import Actor
    from kho.catalog.service import Catalog
    from kho.migrate.transfer import ColumnPlan


def now() -> datetime:
    return datetime.now(UTC)


def namespace(org_code: str) -> str:
    """The Iceberg namespace of an organisation's tables (the same rule as ingest)."""
    from kho.ingest.vn.slugs import slugify

    return slugify(org_code)


def ensure_dataset(
    catalog: Catalog,
    sessions: Callable[[], Session],
    *,
    slug: str,
    org_code: str,
    title: str,
    description: str | None,
    source: str,
    actor: Actor,
) -> tuple[int, str]:
    """The dataset's main resource (created when new): its id and Iceberg identifier."""
    from kho.catalog import models as cm

    if not catalog.exists(slug):
        data: dict[str, str | None] = {"slug": slug, "org_code": org_code, "title_vi": title[:500]}
        data |= {"description_vi": description, "source": source, "access_level": "internal"}
        catalog.create(cm.DatasetCreate.model_validate(data), actor=actor)
    catalog.check_write(slug, actor=actor)
    with sessions() as s, s.begin():
        ds = s.scalar(select(db.Dataset).where(db.Dataset.slug == slug))
        assert ds is not None
        if ds.source != source:
            raise Conflict(
                f"Dataset {slug!r} already exists and does not come from {source}.",
                hint="Add --prefix NAME to give this source's datasets their own names.",
            )
        res = next((r for r in ds.resources if r.name == "main"), None)
        if res is None:
            res = db.Resource(
                dataset_id=ds.id,
                name="main",
                sql_name=slug,
                iceberg_ident=f"{namespace(ds.org_code)}.{slug}",
                key_columns=[],
                created_at=now(),
            )
            s.add(res)
            s.flush()
        return res.id, res.iceberg_ident


def resource_of(sessions: Callable[[], Session], slug: str) -> int | None:
    """The id of a dataset's main resource, if the dataset exists."""
    with sessions() as s:
        found = s.scalar(
            select(db.Resource.id)
            .join(db.Dataset, db.Dataset.id == db.Resource.dataset_id)
            .where(db.Dataset.slug == slug, db.Resource.name == "main")
        )
        return int(found) if found is not None else None


def record_load(
    sessions: Callable[[], Session],
    resource_id: int,
    *,
    mode: str,
    source: str,
    actor: Actor,
    rows: int,
    snapshot_id: int | None,
    error: str | None = None,
    frequency: str | None = None,
    rejected: int = 0,
) -> int:
    """A row in the ingest history (its id, under which rejects are kept); a success also marks
    the dataset freshly loaded. ``rows`` were loaded, ``rejected`` more were read and kept out."""
    with sessions() as s, s.begin():
        res = s.get(db.Resource, resource_id)
        assert res is not None
        ds = res.dataset
        load = db.Load(
            resource_id=res.id,
            dataset_slug=ds.slug,
            status="failed" if error else "succeeded",
            mode=mode,
            source_name=source[:1000],
            source_format=source.split(":", 1)[0][:20],
            rows_read=rows + rejected,
            rows_loaded=0 if error else rows,
            rows_rejected=rejected,
            snapshot_id=snapshot_id,
            report={},
            error=error[:4000] if error else None,
            actor=str(actor),
            started_at=now(),
            finished_at=now(),
        )
        s.add(load)
        if not error:
            ds.last_loaded_at = ds.updated_at = now()
            ds.update_frequency = ds.update_frequency or frequency
        s.flush()
        return load.id


def write_dictionary(
    sessions: Callable[[], Session],
    resource_id: int,
    plans: list[ColumnPlan],
    *,
    key: list[str],
) -> None:
    """Columns with their source names as labels and source comments as descriptions."""
    with sessions() as s, s.begin():
        res = s.get(db.Resource, resource_id)
        assert res is not None
        res.key_columns = key
        res.source_format = "database"
        existing = {c.name: c for c in res.columns}
        for col in list(res.columns):
            if col.name not in {p.name for p in plans}:
                res.columns.remove(col)
        for position, plan in enumerate(plans):
            col = existing.get(plan.name) or db.Column(
                name=plan.name, label=plan.source, position=position
            )
            if col.id is None:
                res.columns.append(col)
            col.type, col.type_detail, col.position = plan.kind, _detail(plan), position
            if not col.is_edited:
                col.label, col.description_vi = plan.source, plan.comment


def same_columns(
    sessions: Callable[[], Session], resource_id: int, plans: list[ColumnPlan]
) -> bool:
    """Whether the dictionary holds exactly the planned columns with their planned types
    (legacy-text conversion aside: it is only found while reading)."""
    with sessions() as s:
        res = s.get(db.Resource, resource_id)
        assert res is not None
        stored = sorted(res.columns, key=lambda c: c.position)
        found = [(c.name, c.type, dict(c.type_detail or {})) for c in stored]
    for _, _, detail in found:
        detail.pop("converted_from", None)
    return found == [(p.name, p.kind, _detail(p)) for p in plans]


def _detail(plan: ColumnPlan) -> dict[str, object]:
    detail: dict[str, object] = {"source_type": plan.declared_type, **plan.detail}
    if plan.legacy:
        detail["converted_from"] = plan.legacy
    return detail
