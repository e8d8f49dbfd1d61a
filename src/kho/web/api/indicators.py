"""Indicators: /api/v1/indicators… (definitions, values with lineage, reports, DHIS2-like analytics, traces)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from kho.indicators import models as m
from kho.web.deps import ActorDep, PlatformDep

router = APIRouter(prefix="/api/v1/indicators", tags=["indicators"])
Periods = Annotated[str, Query(description="Period ids separated by ';', e.g. 2025Q1;2025Q2")]


def _split(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(";") if x.strip()]


@router.get("", response_model=list[m.IndicatorSummary], summary="List indicators")
def list_indicators(
    platform: PlatformDep, actor: ActorDep, pack: str | None = None
) -> list[m.IndicatorSummary]:
    return platform.indicators.list_indicators(actor=actor, pack=pack)  # type: ignore[no-any-return]


@router.get(
    "/analytics",
    response_model=m.Analytics,
    summary="DHIS2-like analytics: indicators (dx) × periods (pe) × units (ou)",
)
def analytics(
    platform: PlatformDep,
    actor: ActorDep,
    dx: Annotated[str, Query(description="Indicator codes separated by ';'")],
    pe: Periods,
    ou: Annotated[str, Query(description="Units separated by ';' (ALL = everything)")] = "ALL",
    include_num_den: Annotated[bool, Query(alias="includeNumDen")] = False,
) -> m.Analytics:
    answer: m.Analytics = platform.indicators.analytics(
        _split(dx), _split(pe), _split(ou) or ["ALL"], actor=actor, include_num_den=include_num_den
    )
    return answer


@router.get("/report", response_model=m.Report, summary="Target vs actual per unit for one period")
def report(
    platform: PlatformDep,
    actor: ActorDep,
    period: Annotated[str, Query(description="2025, 2025Q1, 202501 or 2025W05")],
    org: str = "ALL",
    indicator: Annotated[str | None, Query(description="Codes separated by ';'")] = None,
    format: Annotated[str, Query(pattern="^(json|xlsx)$")] = "json",
) -> m.Report | Response:  # noqa: A002
    rep = platform.indicators.report(period, actor=actor, org=org, codes=_split(indicator))
    if format == "xlsx":
        from kho.indicators.reports import to_xlsx

        return Response(
            to_xlsx(rep),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="bao-cao-{rep.period}.xlsx"'},
        )
    return rep  # type: ignore[no-any-return]


@router.get("/{code}", response_model=m.IndicatorDef, summary="One indicator's definition")
def get_indicator(code: str, platform: PlatformDep, actor: ActorDep) -> m.IndicatorDef:
    return platform.indicators.get(code, actor=actor)  # type: ignore[no-any-return]


@router.get(
    "/{code}/values", response_model=list[m.IndicatorValue], summary="Values with their lineage"
)
def values(
    code: str,
    platform: PlatformDep,
    actor: ActorDep,
    pe: Periods = "",
    ou: Annotated[str, Query(description="Units separated by ';'")] = "",
) -> list[m.IndicatorValue]:
    return platform.indicators.values(code, actor=actor, periods_=_split(pe), orgs=_split(ou))  # type: ignore[no-any-return]


@router.get("/{code}/trace", response_model=m.Trace, summary="The rows behind one value")
def trace(
    code: str,
    platform: PlatformDep,
    actor: ActorDep,
    period: str,
    org: str = "ALL",
    limit: Annotated[int, Query(ge=0, le=1000)] = 20,
) -> m.Trace:
    return platform.indicators.trace(code, period=period, org=org, actor=actor, limit=limit)  # type: ignore[no-any-return]
