"""Public portal pages: home, catalog search and dataset pages, readable without JavaScript."""

from __future__ import annotations

import time
import weakref
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.errors import KhoError, NotFound
from kho.platform import Platform
from kho.web.deps import ActorDep, PlatformDep
from kho.web.pages.highlight import highlight
from kho.web.pages.popular import hidden_dataset, is_limited, popular, search_by_views
from kho.web.pages.render import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE, ROWS_PAGE = 20, 25
SEARCH_FACETS = ("org_code", "sector", "formats", "licence", "freshness", "access_level")
FILTER_OPERATORS = ("contains", "eq", "ne", "gt", "gte", "lt", "lte", "isnull")
EXPORT_FORMATS = ("csv", "xlsx", "parquet", "json")
_STATS_TTL_S = 60.0
_stats_cache: weakref.WeakKeyDictionary[Platform, dict[str, tuple[float, dict[str, int]]]] = (
    weakref.WeakKeyDictionary()
)


def title_of(d: m.DatasetSummary, lang: str) -> str:
    return d.title_vi if lang == "vi" else (d.title_en or d.title_vi)


def org_names(platform: Platform) -> dict[str, m.Organisation]:
    return {o.code: o for o in platform.catalog.list_organisations()}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, platform: PlatformDep, actor: ActorDep) -> Response:
    if request.query_params.get("q") is not None:  # old links and bookmarks: /?q=…
        p = request.query_params
        return search_page(
            request,
            platform,
            actor,
            q=p["q"][:500],
            org_code=p.get("org_code"),
            sector=p.get("sector"),
            access_level=p.get("access_level"),
        )
    everything = platform.catalog.search("", actor=actor, limit=1000)
    recent = platform.catalog.search("", actor=actor, limit=6, sort="updated").items
    most_viewed = popular(request, everything.items)
    return render(
        request,
        "index.html",
        {
            "actor": actor,
            "stats": _stats(platform, actor, everything),
            "recent": recent,
            "most_viewed": most_viewed,
            "sectors": everything.facets.get("sector", {}),
            "orgs": org_names(platform),
            "title_of": title_of,
        },
    )


def _stats(platform: Platform, actor: Actor, everything: m.SearchResult) -> dict[str, int]:
    """Counts on the home page, cached a minute per kind of visitor (row counts read table metadata)."""
    key = "public" if actor.is_anonymous else f"{actor.kind}:{actor.name}"
    cache = _stats_cache.setdefault(platform, {})
    hit = cache.get(key)
    if hit and time.monotonic() - hit[0] < _STATS_TTL_S:
        return hit[1]
    rows = 0
    for d in everything.items:
        try:
            rows += sum(t.row_count for t in platform.catalog.get(d.slug, actor=actor).tables)
        except KhoError:
            continue
    stats = {
        "datasets": everything.total,
        "rows": rows,
        "organisations": len({d.org_code for d in everything.items}),
    }
    cache[key] = (time.monotonic(), stats)
    return stats


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    platform: PlatformDep,
    actor: ActorDep,
    q: Annotated[str, Query(max_length=500)] = "",
    org_code: str | None = None,
    sector: str | None = None,
    formats: Annotated[str | None, Query(alias="format")] = None,
    licence: str | None = None,
    freshness: str | None = None,
    access_level: str | None = None,
    sort: Annotated[str, Query(pattern="^(relevance|title|updated|views)$")] = "relevance",
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HTMLResponse:
    chosen = {
        "org_code": org_code,
        "sector": sector,
        "formats": formats,
        "licence": licence,
        "freshness": freshness,
        "access_level": access_level,
    }
    filters = {k: v for k, v in chosen.items() if v}
    if sort == "views":
        result = search_by_views(
            request, platform, q, actor=actor, filters=filters, limit=PAGE_SIZE, offset=offset
        )
    else:
        result = platform.catalog.search(
            q, actor=actor, filters=filters, limit=PAGE_SIZE, offset=offset, sort=sort
        )
    return render(
        request,
        "search.html",
        {
            "actor": actor,
            "q": q,
            "result": result,
            "filters": filters,
            "facets": [
                f
                for f in SEARCH_FACETS
                if (result.facets.get(f) or f in filters)
                and (f != "access_level" or not actor.is_anonymous)
            ],
            "param_of": {"formats": "format"},
            "offset": offset,
            "page_size": PAGE_SIZE,
            "sort": sort,
            "orgs": org_names(platform),
            "title_of": title_of,
            "hl": lambda text: highlight(text, q),
        },
    )


def plain_columns(table: m.TableInfo | None) -> set[str]:
    """Whole-number columns holding years or codes: shown as written (2024, not 2.024)."""
    from kho.ingest.vn.text import fold

    out = set()
    for c in table.columns if table else []:
        words = set(fold(f"{c.name.replace('_', ' ')} {c.label}").split())
        if c.type == "integer" and words & {"nam", "year", "ma", "code", "id", "so hieu"}:
            out.add(c.name)
    return out


def page_filters(request: Request) -> list[tuple[str, str, str]]:
    """Filters from the preview form: repeated `fc` (column), `fo` (operator), `fv` (value)."""
    cols = request.query_params.getlist("fc")
    ops = request.query_params.getlist("fo")
    vals = request.query_params.getlist("fv")
    out = []
    for i, col in enumerate(cols[:10]):
        op = ops[i] if i < len(ops) and ops[i] in FILTER_OPERATORS else "contains"
        value = vals[i] if i < len(vals) else ""
        if col and (value or op == "isnull"):
            out.append((col, op, value if op != "isnull" else (value or "true")))
    return out


def api_params(
    filters: list[tuple[str, str, str]], sort: str | None, version: int | None
) -> list[tuple[str, str]]:
    """The same filters in the API's form: `col__op=value`, `_sort`, `_version`."""
    params = [(f"{c}__{o}", v) for c, o, v in filters]
    if sort:
        params.append(("_sort", sort))
    if version:
        params.append(("_version", str(version)))
    return params


def _form_params(filters: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    for c, o, v in filters:
        params += [("fc", c), ("fo", o), ("fv", v)]
    return params


def _without_filter(request: Request, filters: list[tuple[str, str, str]], index: int) -> str:
    keep = [f for i, f in enumerate(filters) if i != index]
    params = [
        (k, v)
        for k, v in request.query_params.multi_items()
        if k not in ("fc", "fo", "fv", "offset")
    ]
    return f"{request.url.path}?{urlencode(params + _form_params(keep))}"


@router.get("/datasets/{slug}", response_class=HTMLResponse)
def dataset_page(
    request: Request,
    slug: str,
    platform: PlatformDep,
    actor: ActorDep,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    sort: Annotated[str | None, Query(max_length=200)] = None,
    version: Annotated[int | None, Query(ge=1, lt=2**31)] = None,
) -> HTMLResponse:
    try:
        ds = platform.catalog.get(slug, actor=actor)
    except NotFound as exc:
        return hidden_dataset(request, actor, slug, exc.message)
    table = ds.tables[0] if ds.tables else None
    filters = page_filters(request)
    page, error = None, None
    versions = platform.catalog.versions(slug, actor=actor) if table else []
    if table and table.versions:
        try:
            page = platform.query.rows(
                table.sql_name,
                actor=actor,
                filters=filters,
                limit=ROWS_PAGE,
                offset=offset,
                sort=[sort] if sort else [],
                version=version,
            )
        except KhoError as exc:
            error = exc
    base = str(request.base_url).rstrip("/")
    query = urlencode(api_params(filters, sort, version))
    return render(
        request,
        "dataset.html",
        {
            "actor": actor,
            "ds": ds,
            "table": table,
            "page": page,
            "error": error,
            "offset": offset,
            "sort": sort,
            "version": version,
            "versions": versions,
            "filters": filters,
            "remove_filter": lambda i: _without_filter(request, filters, i),
            "operators": FILTER_OPERATORS,
            "labels": {c.name: c.label for c in table.columns} if table else {},
            "exports": [
                (fmt, f"/api/v1/datasets/{slug}/export.{fmt}" + (f"?{query}" if query else ""))
                for fmt in EXPORT_FORMATS
            ],
            "snippets": _snippets(base, ds, table, query),
            "org": org_names(platform).get(ds.org_code),
            "is_limited": is_limited(platform, actor, ds),
            "rows_page": ROWS_PAGE,
            "plain_columns": plain_columns(table),
            "chart_url": f"/datasets/{slug}/chart"
            + (f"?{urlencode(_form_params(filters))}" if filters else ""),
        },
    )


def _snippets(base: str, ds: m.Dataset, table: m.TableInfo | None, query: str) -> dict[str, str]:
    rows_url = f"{base}/api/v1/datasets/{ds.slug}/rows?_limit=100" + (f"&{query}" if query else "")
    resource = table.sql_name if table else ds.slug
    return {
        "curl": f'curl "{rows_url}"',
        "python": (
            "import httpx\n\n"
            f'r = httpx.get("{rows_url}")\n'
            "r.raise_for_status()\n"
            'for row in r.json()["rows"]:\n'
            "    print(row)"
        ),
        "ckanapi": (
            "from ckanapi import RemoteCKAN\n\n"
            f'kho = RemoteCKAN("{base}")\n'
            f'pkg = kho.action.package_show(id="{ds.slug}")\n'
            f'res = kho.action.datastore_search(resource_id="{resource}", limit=100)\n'
            'print(res["total"], res["records"][:3])'
        ),
    }
