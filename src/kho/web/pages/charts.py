"""Chart builder on any table: the server aggregates, the page draws; the whole state lives in the URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.errors import InvalidInput, KhoError, NotFound
from kho.platform import Platform
from kho.web.deps import ActorDep, PlatformDep
from kho.web.i18n import format_number
from kho.web.pages.chart_map import (
    COORDINATE_TYPES,
    MapResult,
    draw_map,
    settle_map_spec,
)
from kho.web.pages.portal import FILTER_OPERATORS, page_filters, plain_columns
from kho.web.pages.render import format_cell, render, request_language

router = APIRouter(include_in_schema=False)
KINDS = ("bar", "line", "pie", "map")
AGGREGATES = ("sum", "count", "avg", "min", "max")
NUMERIC = frozenset({"integer", "float", "decimal", "number", "bigint", "double"})
_SQL_OPS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclass
class ChartSpec:
    """What to draw: chart kind, the grouping column, the measured column and how to aggregate."""

    kind: str = "bar"
    x: str = ""
    y: str = ""
    agg: str = "sum"
    limit: int = 30
    filters: list[tuple[str, str, str]] = field(default_factory=list)
    map: str = "provinces"  # for kind "map": "provinces" (choropleth) or "points"
    lat: str = ""
    lon: str = ""

    def query(self) -> str:
        params: list[tuple[str, str]] = [
            ("type", self.kind),
            ("x", self.x),
            ("y", self.y),
            ("agg", self.agg),
            ("limit", str(self.limit)),
        ]
        if self.kind == "map":
            params += [("map", self.map), ("lat", self.lat), ("lon", self.lon)]
        for c, o, v in self.filters:
            params += [("fc", c), ("fo", o), ("fv", v)]
        return urlencode(params)


def chart_spec(request: Request, table: m.TableInfo) -> ChartSpec:
    """Read and validate the chart from the URL; only names from the data dictionary reach SQL."""
    p = request.query_params
    names = {c.name: c for c in table.columns}
    numeric = [c.name for c in table.columns if c.type in NUMERIC]
    text = [c.name for c in table.columns if c.type not in NUMERIC] or list(names)
    spec = ChartSpec(
        kind=p.get("type", "bar"),
        x=p.get("x") or (text[0] if text else ""),
        y=p.get("y") or (numeric[0] if numeric else ""),
        agg=p.get("agg") or ("sum" if numeric else "count"),
        filters=page_filters(request),
    )
    try:
        spec.limit = max(1, min(int(p.get("limit", "30")), 500))
    except ValueError:
        raise InvalidInput("limit must be a whole number from 1 to 500.") from None
    if spec.kind not in KINDS:
        raise InvalidInput(f"Unknown chart type {spec.kind!r}; use {', '.join(KINDS)}.")
    if spec.agg not in AGGREGATES:
        raise InvalidInput(f"Unknown aggregate {spec.agg!r}; use {', '.join(AGGREGATES)}.")
    for col in [
        spec.x,
        *([spec.y] if spec.agg != "count" else []),
        *(c for c, _, _ in spec.filters),
    ]:
        if col not in names:
            raise InvalidInput(f"No column {col!r}; columns: {', '.join(names)}.")
    if spec.agg in ("sum", "avg") and names[spec.y].type not in NUMERIC:
        raise InvalidInput(f"Column {spec.y!r} is not a number; use count, or a numeric column.")
    return spec


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def filter_sql(spec: ChartSpec) -> str:
    """The WHERE clause of the chart's filters over validated column names; values are quoted literals."""
    clauses = []
    for col, op, value in spec.filters:
        if op == "contains":
            clauses.append(
                f'strip_accents(lower(CAST("{col}" AS VARCHAR))) LIKE strip_accents(lower({_literal("%" + value + "%")}))'
            )
        elif op == "isnull":
            clauses.append(
                f'"{col}" IS {"" if value.lower() in ("1", "true", "yes") else "NOT "}NULL'
            )
        elif op in _SQL_OPS:
            clauses.append(f'"{col}" {_SQL_OPS[op]} {_literal(value)}')
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def aggregate_sql(sql_name: str, spec: ChartSpec) -> str:
    """One GROUP BY over validated column names; filter values are quoted literals."""
    measure = "count(*)" if spec.agg == "count" else f'{spec.agg}("{spec.y}")'
    where = filter_sql(spec)
    order = "1" if spec.kind == "line" else "2 DESC NULLS LAST"
    return (
        f'SELECT "{spec.x}" AS label, {measure} AS value FROM "{sql_name}"{where} '
        f"GROUP BY 1 ORDER BY {order} LIMIT {spec.limit}"
    )


def chart_data(
    platform: Platform, actor: Actor, table: m.TableInfo, spec: ChartSpec, lang: str
) -> tuple[list[str], list[float]]:
    result = platform.query.sql(aggregate_sql(table.sql_name, spec), actor=actor, max_rows=500)
    plain = spec.x in plain_columns(table)
    labels = [str(label) if plain else format_cell(label, lang) for label, _ in result.rows]
    values = [float(v) if v is not None else 0.0 for _, v in result.rows]
    return labels, values


def _table(platform: Platform, actor: Actor, slug: str) -> tuple[m.Dataset, m.TableInfo]:
    ds = platform.catalog.get(slug, actor=actor)
    if not ds.tables or not ds.tables[0].versions:
        raise NotFound(f"Dataset {slug!r} has no data to chart yet.")
    return ds, ds.tables[0]


def chart_title(ds: m.Dataset, table: m.TableInfo, spec: ChartSpec, lang: str) -> str:
    """The dataset's title and what is measured, as the exported image names it."""
    from kho.web.i18n import gettext

    title = ds.title_vi if lang == "vi" else (ds.title_en or ds.title_vi)
    labels_of = {c.name: c.label for c in table.columns}
    if spec.kind == "map" and spec.map == "points":
        return f"{title} — {labels_of.get(spec.x, spec.x)}"
    verbs = {
        "sum": gettext(lang, "Sum of"),
        "avg": gettext(lang, "Average of"),
        "min": gettext(lang, "Minimum of"),
        "max": gettext(lang, "Maximum of"),
    }
    measure = (
        gettext(lang, "Number of rows")
        if spec.agg == "count"
        else f"{verbs[spec.agg]} {labels_of.get(spec.y, spec.y)}"
    )
    return f"{title} — {measure}"


def _map(
    platform: Platform,
    actor: Actor,
    ds: m.Dataset,
    table: m.TableInfo,
    spec: ChartSpec,
    request: Request,
    lang: str,
) -> MapResult:
    """Settle the map's columns from the URL, then query and draw it."""
    settle_map_spec(spec, request.query_params, platform, actor, table, NUMERIC, lang)
    units_of = {c.name: c.unit or "" for c in table.columns}
    drawn = draw_map(
        platform,
        actor,
        table,
        spec,
        where=filter_sql(spec),
        lang=lang,
        title=chart_title(ds, table, spec, lang),
        unit_label="" if spec.agg == "count" else units_of.get(spec.y, ""),
    )
    return drawn


@router.get("/datasets/{slug}/chart", response_class=HTMLResponse)
def chart_page(slug: str, request: Request, platform: PlatformDep, actor: ActorDep) -> HTMLResponse:
    ds, table = _table(platform, actor, slug)
    lang = request_language(request)
    error: KhoError | None = None
    labels: list[str] = []
    values: list[float] = []
    spec = ChartSpec()
    drawn = None
    try:
        spec = chart_spec(request, table)
        if spec.kind == "map":
            drawn = _map(platform, actor, ds, table, spec, request, lang)
        else:
            labels, values = chart_data(platform, actor, table, spec, lang)
    except KhoError as exc:
        error = exc
    return render(
        request,
        "chart.html",
        {
            "actor": actor,
            "ds": ds,
            "table": table,
            "spec": spec,
            "error": error,
            "labels": labels,
            "values": values,
            "kinds": KINDS,
            "aggregates": AGGREGATES,
            "operators": FILTER_OPERATORS,
            "numeric": [c.name for c in table.columns if c.type in NUMERIC],
            "map": drawn,
            "coordinate_columns": [c.name for c in table.columns if c.type in COORDINATE_TYPES],
            "svg_url": f"/datasets/{slug}/chart.svg?{spec.query()}&lang={lang}",
            "share_url": f"{str(request.base_url).rstrip('/')}/datasets/{slug}/chart?{spec.query()}",
        },
    )


@router.get("/datasets/{slug}/chart.svg")
def chart_svg_file(slug: str, request: Request, platform: PlatformDep, actor: ActorDep) -> Response:
    from kho.web.pages.chart_svg import chart_svg

    ds, table = _table(platform, actor, slug)
    lang = request_language(request)
    spec = chart_spec(request, table)
    if spec.kind == "map":
        svg = _map(platform, actor, ds, table, spec, request, lang).svg
    else:
        labels, values = chart_data(platform, actor, table, spec, lang)
        svg = chart_svg(
            spec.kind,
            labels,
            values,
            title=chart_title(ds, table, spec, lang),
            fmt=lambda v: format_number(round(v, 2), lang),
        )
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'inline; filename="{slug}-{spec.kind}.svg"'},
    )
