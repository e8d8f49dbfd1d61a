"""How Kho's catalog looks in CKAN's vocabulary: datasets as packages, tables as resources, sectors as groups."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.platform import Platform

# Stable CKAN ids: uuid5(KHO_NAMESPACE, "<kind>:<kho key>"), e.g. "dataset:ho_so_mot_cua".
KHO_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/kho-data/kho#ckan")
LICENCES: dict[str, tuple[str, str, bool]] = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        True,
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution Share-Alike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        True,
    ),
    "CC0-1.0": (
        "Creative Commons CCZero",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        True,
    ),
    "ODbL-1.0": (
        "Open Data Commons Open Database License (ODbL)",
        "https://opendatacommons.org/licenses/odbl/1-0/",
        True,
    ),
    "ODC-BY-1.0": (
        "Open Data Commons Attribution License",
        "https://opendatacommons.org/licenses/by/1-0/",
        True,
    ),
}
MIMETYPES = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "XLS": "application/vnd.ms-excel",
    "PARQUET": "application/vnd.apache.parquet",
}
CKAN_TYPES = {
    "text": "text",
    "integer": "int",
    "decimal": "numeric",
    "float": "numeric",
    "date": "date",
    "timestamp": "timestamp",
    "boolean": "bool",
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def stable_id(kind: str, key: str) -> str:
    """The uuid5 a CKAN client sees as ``id`` for a Kho object of this kind and key."""
    return str(uuid.uuid5(KHO_NAMESPACE, f"{kind}:{key}"))


def org_name(code: str) -> str:
    """CKAN names are lower-case ``[a-z0-9_-]``; org codes like ``VP-UBND-KH`` become ``vp-ubnd-kh``."""
    return re.sub(r"[^a-z0-9_-]", "-", code.lower())


def group_name(sector: str) -> str:
    """Sectors become groups with slugged names: ``Cải cách hành chính`` → ``cai-cach-hanh-chinh``."""
    from kho.ingest.vn.text import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(sector)).strip("-") or "khac"


def iso(value: datetime | None) -> str | None:
    """CKAN's timestamps: naive UTC ISO 8601 with microseconds."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def modified(d: m.DatasetSummary) -> datetime:
    """A dataset changes when its metadata is edited or new data is loaded."""
    stamps = [
        s.replace(tzinfo=None) if s.tzinfo is None else s.astimezone(UTC).replace(tzinfo=None)
        for s in (d.updated_at, d.last_loaded_at)
        if s is not None
    ]
    return max(stamps)


@dataclass
class Site:
    """What every mapping needs: the public base URL and the organisations by code."""

    base: str
    orgs: dict[str, m.Organisation]

    @classmethod
    def load(cls, platform: Platform, base: str) -> Site:
        return cls(
            base=base.rstrip("/"), orgs={o.code: o for o in platform.catalog.list_organisations()}
        )

    def org(self, code: str) -> m.Organisation:
        return self.orgs.get(code) or m.Organisation(code=code, name_vi=code)

    def download_url(self, sql_name: str, fmt: str = "csv") -> str:
        suffix = "" if fmt == "csv" else f"?format={fmt}"
        return f"{self.base}/datastore/dump/{sql_name}{suffix}"

    def dataset_page(self, slug: str) -> str:
        return f"{self.base}/datasets/{slug}"


def organization_dict(
    site: Site, org: m.Organisation, *, package_count: int | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": stable_id("organization", org.code),
        "name": org_name(org.code),
        "title": org.name_vi,
        "display_name": org.name_vi,
        "description": org.name_en or "",
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "type": "organization",
        "state": "active",
        "approval_status": "approved",
        "is_organization": True,
        "kho_code": org.code,
        "parent_code": org.parent_code,
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def group_dict(sector: str, *, package_count: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": stable_id("group", group_name(sector)),
        "name": group_name(sector),
        "title": sector,
        "display_name": sector,
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "type": "group",
        "state": "active",
        "approval_status": "approved",
        "is_organization": False,
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def tag_dict(tag: str) -> dict[str, Any]:
    return {
        "id": stable_id("tag", tag),
        "name": tag,
        "display_name": tag,
        "state": "active",
        "vocabulary_id": None,
    }


def licence_fields(licence: str | None) -> dict[str, Any]:
    title, url, is_open = LICENCES.get(
        licence or "", (licence or "License not specified", "", False)
    )
    return {
        "license_id": licence or "notspecified",
        "license_title": title,
        "license_url": url,
        "isopen": is_open,
    }


def resource_dict(site: Site, ds: m.Dataset, table: m.TableInfo, position: int) -> dict[str, Any]:
    # ``url`` serves CSV whatever was uploaded, so ``format`` says CSV; the original is kept too.
    fmt = "CSV"
    name = ds.title_vi if table.name == "main" else f"{ds.title_vi} — {table.name}"
    return {
        "id": table.sql_name,
        "package_id": stable_id("dataset", ds.slug),
        "url": site.download_url(table.sql_name),
        "name": name,
        "description": f"{table.row_count} dòng / rows; SQL: {table.sql_name}",
        "format": fmt,
        "mimetype": MIMETYPES.get(fmt),
        "size": None,
        "hash": "",
        "created": iso(ds.created_at),
        "last_modified": iso(ds.last_loaded_at),
        "metadata_modified": iso(modified(ds)),
        "position": position,
        "url_type": "datastore",
        "state": "active",
        "cache_url": None,
        "resource_type": None,
        "datastore_active": True,
        "mimetype_inner": None,
        "cache_last_updated": None,
        "source_format": (table.source_format or "").upper() or None,
        "kho_table": table.name,
        "row_count": table.row_count,
        "versions": table.versions,
    }


def package_dict(site: Site, ds: m.Dataset) -> dict[str, Any]:
    """``package_show``'s dict (CKAN ``package_dictize``) for one Kho dataset."""
    org = site.org(ds.org_code)
    contact = ds.contact or ""
    email = EMAIL.search(contact)
    extras = {
        "title_en": ds.title_en,
        "notes_en": ds.description_en,
        "access_level": ds.access_level,
        "update_frequency": ds.update_frequency,
        "source": ds.source,
        "freshness": ds.freshness,
    }
    return {
        "id": stable_id("dataset", ds.slug),
        "name": ds.slug,
        "title": ds.title_vi,
        "type": "dataset",
        "state": "active",
        "private": ds.access_level != "public",
        "owner_org": stable_id("organization", org.code),
        "organization": organization_dict(site, org),
        "author": org.name_vi,
        "author_email": None,
        "maintainer": contact or None,
        "maintainer_email": email.group(0) if email else None,
        **licence_fields(ds.licence),
        "notes": ds.description_vi or "",
        "url": site.dataset_page(ds.slug),
        "version": None,
        "metadata_created": iso(ds.created_at),
        "metadata_modified": iso(modified(ds)),
        "creator_user_id": None,
        "num_resources": len(ds.tables),
        "num_tags": len(ds.keywords),
        "tags": [tag_dict(t) for t in ds.keywords],
        "groups": [group_dict(ds.sector)] if ds.sector else [],
        "extras": [{"key": k, "value": str(v)} for k, v in extras.items() if v is not None],
        "resources": [resource_dict(site, ds, t, i) for i, t in enumerate(ds.tables)],
        "relationships_as_subject": [],
        "relationships_as_object": [],
    }


def find_dataset(platform: Platform, ident: str, *, actor: Actor) -> m.Dataset:
    """A dataset by CKAN name (the slug) or by its uuid5 id; NotFound as the catalog says it."""
    from kho.errors import NotFound

    if platform.catalog.exists(ident):
        return platform.catalog.get(ident, actor=actor)
    for summary in all_summaries(platform, actor=actor):
        if stable_id("dataset", summary.slug) == ident:
            return platform.catalog.get(summary.slug, actor=actor)
    raise NotFound(f"No dataset {ident!r}.", hint="Call package_list to see dataset names.")


def find_table(
    platform: Platform, resource_id: str, *, actor: Actor
) -> tuple[m.Dataset, m.TableInfo]:
    """The dataset and table behind a resource id (the table's SQL name, ``slug`` or ``slug__table``)."""
    from kho.errors import NotFound

    parts = resource_id.split("__")
    candidates = ["__".join(parts[:i]) for i in range(len(parts), 0, -1)]
    for slug in candidates:
        if slug and platform.catalog.exists(slug):
            ds = platform.catalog.get(slug, actor=actor)
            for table in ds.tables:
                if table.sql_name == resource_id:
                    return ds, table
    raise NotFound(
        f"No resource {resource_id!r}.",
        hint="Resource ids are table SQL names; see the resources of package_show.",
    )


def all_summaries(platform: Platform, *, actor: Actor, q: str = "") -> list[m.DatasetSummary]:
    """Every dataset the actor may see (matching ``q``), in the catalog's relevance order."""
    out: list[m.DatasetSummary] = []
    while True:
        page = platform.catalog.search(q, actor=actor, limit=1000, offset=len(out))
        out.extend(page.items)
        if not page.items or len(out) >= page.total:
            return out
