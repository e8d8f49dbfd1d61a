"""Public indicator pages: the list, one indicator with trend, ranking and values, the rows behind a value,
and the printable quarterly report. Every figure comes from ``platform.indicators`` as the page's actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from kho.access.actors import Actor
from kho.errors import KhoError
from kho.indicators import _sql, periods, scoring
from kho.indicators.models import (
    ALL_ORGS,
    IndicatorDef,
    IndicatorValue,
    ReportRow,
    Status,
    TableSource,
    Target,
)
from kho.platform import Platform
from kho.web.deps import ActorDep, PlatformDep
from kho.web.i18n import gettext
from kho.web.pages.indicator_charts import ranking_svg, trend_svg
from kho.web.pages.indicator_views import (
    MAX_PARAM,
    Figures,
    checked_period,
    latest,
    recent,
    report_period,
    sorted_periods,
    trend_type,
)
from kho.web.pages.render import render, request_language

router = APIRouter(include_in_schema=False)
TREND_LENGTH, TABLE_PERIODS, TRACE_ROWS = 12, 8, 20
Param = Annotated[str | None, Query()]


@dataclass
class Listed:
    """One indicator on the list page: the whole scope's newest value, its target and status."""

    d: IndicatorDef
    value: IndicatorValue | None = None
    target: Target | None = None
    status: Status = "no_data"
    pct: float | None = None


def _figures(request: Request, platform: Platform) -> Figures:
    orgs = {o.code: o for o in platform.catalog.list_organisations()}
    return Figures(request_language(request), orgs)


def _checked_org(text: str | None, lang: str) -> tuple[str, str | None]:
    """The unit asked for, or the whole scope with a message when it cannot be a unit."""
    org = (text or "").strip() or ALL_ORGS
    if len(org) > MAX_PARAM:
        return ALL_ORGS, gettext(
            lang, "The unit name is longer than {n} characters; showing all units.", n=MAX_PARAM
        )
    return org, None


def _unit_values(
    platform: Platform, d: IndicatorDef, actor: Actor, org: str, today: date
) -> list[IndicatorValue]:
    """Every stored value of one unit; for entered (reported) indicators, those of recent periods."""
    pids = [] if d.type == "computed" else recent(trend_type(d), today, TREND_LENGTH)
    return platform.indicators.values(d.code, actor=actor, periods_=pids, orgs=[org])  # type: ignore[no-any-return]


def _listed(
    platform: Platform, d: IndicatorDef, values: list[IndicatorValue], today: date
) -> Listed:
    """The scope's newest value scored against its effective target, as the report scores it."""
    pid = latest(values, trend_type(d), today)
    v = next((x for x in values if x.period == pid), None)
    if pid is None or v is None:
        return Listed(d)
    target, _why = platform.indicators.targets.effective(d.code, ALL_ORGS, pid)
    status, pct = scoring.status(
        d,
        periods.parse(pid),
        v.value,
        value=target.value if target else None,
        low=target.low if target else None,
        high=target.high if target else None,
        today=today,
    )
    return Listed(d, v, target, status, pct)


@router.get("/indicators", response_class=HTMLResponse)
def indicator_list(request: Request, platform: PlatformDep, actor: ActorDep) -> HTMLResponse:
    fig = _figures(request, platform)
    today = date.today()
    defs = [
        platform.indicators.get(s.code, actor=actor)
        for s in platform.indicators.list_indicators(actor=actor)
    ]
    values = {d.code: _unit_values(platform, d, actor, ALL_ORGS, today) for d in defs}
    groups: dict[str | None, list[Listed]] = {}
    for d in defs:
        groups.setdefault(d.pack, []).append(_listed(platform, d, values[d.code], today))
    return render(
        request,
        "indicators/list.html",
        {
            "actor": actor,
            "fig": fig,
            "groups": groups,
            "report_period": report_period(list(values.values()), today) if defs else None,
        },
    )


@router.get("/indicators/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    platform: PlatformDep,
    actor: ActorDep,
    period: Param = None,
    org: Param = None,
) -> HTMLResponse:
    fig = _figures(request, platform)
    scope, org_error = _checked_org(org, fig.lang)
    chosen, error = checked_period(period, fig.lang)
    if chosen is None and error is None:
        chosen = _default_report_period(platform, actor)
    report, defs = None, {}
    if chosen is not None:
        report = platform.indicators.report(chosen, actor=actor, org=scope)
        defs = {code: platform.indicators.get(code, actor=actor) for code in report.completeness}
    roots = [o for o in fig.orgs.values() if o.parent_code is None]
    return render(
        request,
        "indicators/report.html",
        {
            "actor": actor,
            "fig": fig,
            "report": report,
            "defs": defs,
            "sections": _sections(report.rows) if report else [],
            "period": chosen or (period or "")[:MAX_PARAM],
            "scope": scope,
            "error": error,
            "org_error": org_error,
            "province": fig.unit(roots[0].code) if len(roots) == 1 else None,
            "today": date.today(),
            "xlsx_url": _xlsx_url(chosen, scope, fig.lang),
            "units": _report_units(report.rows if report else [], scope),
            **_neighbours(chosen),
        },
        status=400 if error else 200,
    )


def _default_report_period(platform: Platform, actor: Actor) -> str:
    today = date.today()
    defs = [
        platform.indicators.get(s.code, actor=actor)
        for s in platform.indicators.list_indicators(actor=actor)
    ]
    return report_period([_unit_values(platform, d, actor, ALL_ORGS, today) for d in defs], today)


def _neighbours(pid: str | None) -> dict[str, Any]:
    """The periods just before and after (the latter only once it has begun) and ideas for the picker."""
    today = date.today()
    ideas = [*reversed(recent("quarter", today, 8)), *reversed(recent("year", today, 3))]
    if pid is None:
        return {"prev_period": None, "next_period": None, "ideas": ideas}
    p = periods.parse(pid)
    after = periods.of_date(p.end + timedelta(days=1), p.type)
    return {
        "prev_period": p.previous().id,
        "next_period": after.id if after.start <= today else None,
        "ideas": ideas,
    }


def _sections(rows: list[ReportRow]) -> list[tuple[str, list[ReportRow]]]:
    """Rows per indicator: the scope first, then its units best-ranked first (unranked last, by name)."""
    out: dict[str, list[ReportRow]] = {}
    for r in rows:
        out.setdefault(r.indicator, []).append(r)
    return [
        (code, [rs[0], *sorted(rs[1:], key=lambda r: (r.rank is None, r.rank or 0, r.org))])
        for code, rs in out.items()
    ]


def _report_units(rows: list[ReportRow], scope: str) -> list[str]:
    """Units the reader can narrow the report to: the whole scope, the current one and those listed."""
    found = dict.fromkeys([ALL_ORGS, scope, *(r.org for r in rows)])
    return list(found)


def _xlsx_url(period: str | None, org: str, lang: str) -> str | None:
    """The API's XLSX of the same report, with headings in the page's language."""
    from urllib.parse import urlencode

    if period is None:
        return None
    return "/api/v1/indicators/report?" + urlencode(
        {"period": period, "org": org, "format": "xlsx", "lang": lang}
    )


@router.get("/indicators/{code}", response_class=HTMLResponse)
def indicator_page(
    code: str,
    request: Request,
    platform: PlatformDep,
    actor: ActorDep,
    period: Param = None,
    org: Param = None,
) -> HTMLResponse:
    fig = _figures(request, platform)
    d = platform.indicators.get(code[:MAX_PARAM], actor=actor)
    today = date.today()
    scope, org_error = _checked_org(org, fig.lang)
    own = _unit_values(platform, d, actor, scope, today)
    kind = trend_type(d)
    chosen, error = checked_period(period, fig.lang)
    chosen = chosen or latest(own, kind, today) or recent(kind, today, 1)[0]
    rep = platform.indicators.report(chosen, actor=actor, org=scope, codes=[d.code])
    units = list(rep.rows[1:])
    trend = _trend(platform, d, scope, own, kind)
    columns = _table_periods(trend[0], chosen)
    cells = {
        (v.org, v.period): v
        for v in platform.indicators.values(
            d.code, actor=actor, periods_=columns, orgs=[scope, *(r.org for r in units)]
        )
    }
    ranked = sorted((r for r in units if r.actual is not None), key=lambda r: (r.rank or 0, r.org))
    return render(
        request,
        "indicators/indicator.html",
        {
            "actor": actor,
            "fig": fig,
            "d": d,
            "scope": scope,
            "period": chosen,
            "error": error,
            "org_error": org_error,
            "scope_row": rep.rows[0],
            "units": sorted(units, key=lambda r: fig.unit(r.org)),
            "ranked": ranked,
            "trend_svg": _trend_chart(fig, d, scope, trend),
            "ranking_svg": _ranking_chart(fig, d, chosen, ranked) if ranked else None,
            "map_svg": _unit_map(fig, d, chosen, ranked),
            "columns": columns,
            "cells": cells,
            "choices": sorted_periods({v.period for v in own if v.value is not None} | {chosen}),
            "source": _source_text(d),
        },
        status=400 if error else 200,
    )


def _trend(
    platform: Platform, d: IndicatorDef, org: str, own: list[IndicatorValue], kind: str
) -> tuple[list[str], list[float | None], list[float | None]]:
    """The unit's last periods of the trend type, its values and the target in force for each."""
    ids = sorted_periods({v.period for v in own if v.period and _is_kind(v.period, kind)})
    ids = ids[-TREND_LENGTH:]
    by_period = {v.period: v.value for v in own}
    history = platform.indicators.targets.history(d.code)
    targets = []
    for pid in ids:
        target, _why = platform.indicators.targets.effective(d.code, org, pid, rows=history)
        targets.append(
            None if target is None else _target_point(target.value, target.low, target.high)
        )
    return ids, [by_period.get(p) for p in ids], targets


def _is_kind(pid: str, kind: str) -> bool:
    return periods.parse(pid).type == kind


def _target_point(value: float | None, low: float | None, high: float | None) -> float | None:
    """Where to draw a target: its value, or the bound a range is measured against first."""
    return value if value is not None else (low if low is not None else high)


def _table_periods(trend_ids: list[str], chosen: str) -> list[str]:
    ids = set(trend_ids[-TABLE_PERIODS:]) | {chosen}
    return sorted_periods(ids)


def _trend_chart(
    fig: Figures, d: IndicatorDef, scope: str, trend: tuple[list[str], list[Any], list[Any]]
) -> str | None:
    ids, values, targets = trend
    if not any(v is not None for v in values):
        return None
    return trend_svg(
        [fig.period(p) for p in ids],
        values,
        targets,
        title=f"{fig.name(d)} — {fig.unit(scope)}",
        fmt=lambda v: fig.value(v, d),
        value_label=gettext(fig.lang, "Actual"),
        target_label=gettext(fig.lang, "Target"),
    )


def _ranking_chart(fig: Figures, d: IndicatorDef, period: str, ranked: list[ReportRow]) -> str:
    return ranking_svg(
        [fig.unit(r.org) for r in ranked],
        [float(r.actual or 0.0) for r in ranked],
        [_target_point(r.target, r.target_low, r.target_high) for r in ranked],
        [r.status for r in ranked],
        title=f"{fig.name(d)} — {fig.period(period)}",
        fmt=lambda v: fig.value(v, d),
        target_label=gettext(fig.lang, "Target"),
    )


def _unit_map(fig: Figures, d: IndicatorDef, period: str, ranked: list[ReportRow]) -> str | None:
    """A choropleth of the units when they are provinces (the map knows any spelling of them)."""
    from kho.web.pages.unitmap import province_code, render_unit_map

    if not any(province_code(r.org)[0] for r in ranked):
        return None
    return render_unit_map(
        {r.org: r.actual for r in ranked},
        lang=fig.lang,
        title=f"{fig.name(d)} — {fig.period(period)}",
        unit_label="%" if d.unit == "%" else (d.unit or ""),
        decimals=d.decimals,
        additive=d.is_flow,
    )


def _source_text(d: IndicatorDef) -> dict[str, Any] | None:
    """How a table indicator is computed, in the exact SQL the engine runs (measures and filters)."""
    src = d.source
    if not isinstance(src, TableSource):
        return None
    try:
        measures = {role: _sql.render_measure(m) for role, m in _sql.measures(src).items()}
    except KhoError:
        measures = {}
    return {
        "src": src,
        "measures": measures,
        "filters": [_sql.render_condition(c) for c in src.where],
    }


@router.get("/indicators/{code}/trace", response_class=HTMLResponse)
def trace_page(
    code: str,
    request: Request,
    platform: PlatformDep,
    actor: ActorDep,
    period: Param = None,
    org: Param = None,
) -> HTMLResponse:
    fig = _figures(request, platform)
    d = platform.indicators.get(code[:MAX_PARAM], actor=actor)
    scope, org_error = _checked_org(org, fig.lang)
    chosen, error = checked_period(period or "", fig.lang)
    if chosen is None and error is None:
        error = gettext(fig.lang, "Choose a period, e.g. 2025Q1.")
    found = (
        platform.indicators.values(d.code, actor=actor, periods_=[chosen], orgs=[scope])
        if chosen
        else []
    )
    value = found[0] if found else None
    trace, hidden = None, False
    if value is not None:
        try:
            trace = platform.indicators.trace(
                d.code, period=value.period, org=scope, actor=actor, limit=TRACE_ROWS
            )
        except KhoError:
            hidden = True  # the indicator is visible, the table behind it is not
    status = 400 if error or org_error else (404 if value is None else 200)
    labels = _column_labels(platform, d, actor) if trace and not hidden else {}
    return render(
        request,
        "indicators/trace.html",
        {
            "actor": actor,
            "fig": fig,
            "d": d,
            "scope": scope,
            "period": chosen,
            "error": error or org_error,
            "value": value,
            "trace": trace,
            "hidden": hidden,
            "version_links": _version_links(value),
            "labels": labels,
        },
        status=status,
    )


def _column_labels(platform: Platform, d: IndicatorDef, actor: Actor) -> dict[str, str]:
    """The source table's column labels from its data dictionary (the reader may read the table)."""
    if not isinstance(d.source, TableSource):
        return {}
    ds = platform.catalog.get(d.source.dataset, actor=actor)
    return {c.name: c.label for t in ds.tables for c in t.columns}


def _version_links(value: IndicatorValue | None) -> list[tuple[str, str]]:
    """The dataset versions behind a value, as (``slug@N``, link to that version's page)."""
    if value is None:
        return []
    lineage = value.lineage
    if lineage.get("kind") == "table":
        refs = [f"{lineage.get('dataset')}@{str(lineage.get('table', '')).rpartition('@')[2]}"]
    elif lineage.get("kind") == "catalog":
        refs = [str(r) for r in lineage.get("datasets", [])]
    else:
        return []
    out = []
    for ref in refs:
        slug, _, version = ref.rpartition("@")
        if slug and version.isdigit():
            out.append((ref, f"/datasets/{slug}?version={version}"))
    return out
