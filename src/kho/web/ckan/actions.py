"""The CKAN actions Kho answers, each a thin translation onto catalog and query service calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kho import __version__
from kho.access.actors import Actor
from kho.catalog import models as m
from kho.platform import Platform
from kho.web.ckan import datastore, search
from kho.web.ckan.envelope import CkanNotFound, CkanValidation, Flat
from kho.web.ckan.packages import (
    LICENCES,
    Site,
    all_summaries,
    find_dataset,
    find_table,
    group_dict,
    org_name,
    organization_dict,
    package_dict,
    resource_dict,
    stable_id,
    tag_dict,
)

ROWS_MAX = 1000  # CKAN's ckan.search.rows_max


@dataclass
class Ctx:
    """Everything an action needs: the services, who is asking, and where the site lives."""

    platform: Platform
    actor: Actor
    base: str
    path: str

    def site(self) -> Site:
        return Site.load(self.platform, self.base)

    def public(self, q: str = "", *, include_private: bool = False) -> list[m.DatasetSummary]:
        """What CKAN lists: public datasets, or everything the actor may read with include_private."""
        items = all_summaries(self.platform, actor=self.actor, q=q)
        return items if include_private else [d for d in items if d.access_level == "public"]


Action = Callable[[Ctx, Flat], Any]


def status_show(ctx: Ctx, p: Flat) -> dict[str, Any]:
    return {
        "site_title": "Kho — Kho dữ liệu dùng chung",
        "site_description": "Shared data warehouse and open data portal",
        "site_url": ctx.base,
        "error_emails_to": None,
        "locale_default": "vi",
        "extensions": ["datastore", "dcat"],
        "ckan_version": "2.11.0",
        "kho_version": __version__,
    }


def package_list(ctx: Ctx, p: Flat) -> list[str]:
    names = sorted(d.slug for d in ctx.public())
    limit, offset = p.natural("limit", len(names)), p.natural("offset", 0)
    return names[offset : offset + limit]


def package_search(ctx: Ctx, p: Flat) -> dict[str, Any]:
    """Search with fq, sort, paging and facets; private datasets only with include_private."""
    words, q_fields = search.split_q(p.text("q"))
    groups = search.parse_fq(" ".join(filter(None, [q_fields, p.text("fq"), *p.names("fq_list")])))
    items = [
        d
        for d in ctx.public(words, include_private=p.boolean("include_private"))
        if search.matches(d, groups)
    ]
    sort = p.text("sort") or "score desc, metadata_modified desc"
    items = search.sort_items(items, sort)
    rows, start = p.natural("rows", 10, cap=ROWS_MAX), p.natural("start", 0)
    facet_fields = p.names("facet.field") if p.boolean("facet", True) else []
    site = ctx.site()
    flat, rich = search.facets(
        items, facet_fields, site, limit=_facet_limit(p), mincount=p.natural("facet.mincount", 1)
    )
    page = [
        package_dict(site, ctx.platform.catalog.get(d.slug, actor=ctx.actor))
        for d in items[start : start + rows]
    ]
    return {
        "count": len(items),
        "sort": sort,
        "facets": flat,
        "results": page,
        "search_facets": rich,
    }


def _facet_limit(p: Flat) -> int:
    raw = p.text("facet.limit", "50")
    try:
        return int(raw)
    except ValueError:
        raise CkanValidation("facet.limit", "Invalid integer") from None


def package_show(ctx: Ctx, p: Flat) -> dict[str, Any]:
    ident = _required(p, "id", "name_or_id")
    return package_dict(ctx.site(), find_dataset(ctx.platform, ident, actor=ctx.actor))


def resource_show(ctx: Ctx, p: Flat) -> dict[str, Any]:
    ds, table = find_table(ctx.platform, _required(p, "id"), actor=ctx.actor)
    return resource_dict(ctx.site(), ds, table, ds.tables.index(table))


def organization_list(ctx: Ctx, p: Flat) -> list[Any]:
    counts = Counter(d.org_code for d in ctx.public())
    site = ctx.site()
    orgs = [organization_dict(site, o, package_count=counts[o.code]) for o in site.orgs.values()]
    return _list_groups(orgs, p, key="organizations")


def organization_show(ctx: Ctx, p: Flat) -> dict[str, Any]:
    ident = _required(p, "id")
    site = ctx.site()
    org = next(
        (
            o
            for o in site.orgs.values()
            if ident in (o.code, org_name(o.code), stable_id("organization", o.code))
        ),
        None,
    )
    if org is None:
        raise CkanNotFound(
            f"Not found: No organization {ident!r}. Call organization_list to see names."
        )
    datasets = [d for d in ctx.public() if d.org_code == org.code]
    out = organization_dict(site, org, package_count=len(datasets))
    out.update({"extras": [], "users": [], "groups": [], "tags": [], "num_followers": 0})
    if p.boolean("include_datasets"):
        out["packages"] = [
            package_dict(site, ctx.platform.catalog.get(d.slug, actor=ctx.actor))
            for d in datasets[:1000]
        ]
    return out


def group_list(ctx: Ctx, p: Flat) -> list[Any]:
    counts = Counter(d.sector for d in ctx.public() if d.sector)
    return _list_groups(
        [group_dict(s, package_count=n) for s, n in counts.items()], p, key="groups"
    )


def tag_list(ctx: Ctx, p: Flat) -> list[Any]:
    from kho.ingest.vn.text import fold

    wanted = fold(p.text("query") or p.text("q"))
    tags = sorted({t for d in ctx.public() for t in d.keywords if wanted in fold(t)})
    return [tag_dict(t) for t in tags] if p.boolean("all_fields") else tags


def license_list(ctx: Ctx, p: Flat) -> list[dict[str, Any]]:
    return [
        {
            "id": k,
            "title": t,
            "url": u,
            "od_conformance": "approved" if o else "not reviewed",
            "osd_conformance": "not reviewed",
            "status": "active",
            "is_okd_compliant": o,
        }
        for k, (t, u, o) in LICENCES.items()
    ]


def resource_view_list(ctx: Ctx, p: Flat) -> list[Any]:
    find_table(ctx.platform, _required(p, "id"), actor=ctx.actor)
    return []


def datastore_search(ctx: Ctx, p: Flat) -> dict[str, Any]:
    return datastore.datastore_search(ctx.platform, ctx.actor, p, path=ctx.path)


def datastore_search_sql(ctx: Ctx, p: Flat) -> dict[str, Any]:
    return datastore.datastore_search_sql(ctx.platform, ctx.actor, p)


def _required(p: Flat, key: str, alias: str | None = None) -> str:
    value = p.text(key) or (p.text(alias) if alias else "")
    if not value:
        raise CkanValidation(key, "Missing value")
    return value


def _list_groups(rows: list[dict[str, Any]], p: Flat, *, key: str) -> list[Any]:
    """organization_list / group_list: name filter, sort, paging, names or full dicts."""
    wanted = set(p.names(key))
    if wanted:
        rows = [r for r in rows if r["name"] in wanted]
    sort = (p.text("sort") or "title asc").split()
    field, reverse = sort[0], len(sort) > 1 and sort[1].lower() == "desc"
    if field not in ("title", "name", "package_count") or len(sort) > 2:
        raise CkanValidation(
            "sort", "Sort by title, name or package_count, optionally asc or desc."
        )
    rows.sort(
        key=lambda r: r[field] if field == "package_count" else str(r[field]).lower(),
        reverse=reverse,
    )
    all_fields = p.boolean("all_fields")
    limit, offset = p.natural("limit", 25 if all_fields else 1000), p.natural("offset", 0)
    rows = rows[offset : offset + limit]
    return rows if all_fields else [r["name"] for r in rows]


ACTIONS: dict[str, Action] = {
    f.__name__: f
    for f in (
        status_show,
        package_list,
        package_search,
        package_show,
        resource_show,
        organization_list,
        organization_show,
        group_list,
        tag_list,
        license_list,
        resource_view_list,
        datastore_search,
        datastore_search_sql,
    )
}
__all__ = ["ACTIONS", "Ctx"]
