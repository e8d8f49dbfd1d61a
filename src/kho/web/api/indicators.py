"""Indicators: /api/v1/indicators… (definitions, values with lineage, reports, DHIS2-like analytics,
traces; targets set top-down or proposed bottom-up and decided; reported values entered and decided)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError

from kho.access.actors import Actor
from kho.errors import InvalidInput
from kho.indicators import models as m
from kho.indicators.targets import MAX_NOTE, MAX_ORG, TargetOverview
from kho.web.deps import ActorDep, PlatformDep


def _refuse_nul(request: Request) -> None:
    """NUL characters in the path or query are refused before any lookup (PostgreSQL cannot hold them)."""
    values = [*request.query_params.values(), *(str(v) for v in request.path_params.values())]
    if any("\x00" in v for v in values):
        raise InvalidInput("Parameters must not contain NUL characters.")


router = APIRouter(
    prefix="/api/v1/indicators", tags=["indicators"], dependencies=[Depends(_refuse_nul)]
)
TargetId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Target id")]
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
    request: Request,
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
        from kho.web.errors import api_language

        return Response(
            to_xlsx(rep, api_language(request)),
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


# targets -----------------------------------------------------------------------------------------
PeriodField = Field(min_length=1, max_length=16, examples=["2025Q1"])
OrgField = Field(min_length=1, max_length=MAX_ORG, examples=["SO-A"])
NoteField = Field(default=None, max_length=MAX_NOTE)


class TargetBody(BaseModel):
    """A target for one unit and period: a value, or a range with low and/or high."""

    org: str = OrgField
    period: str = PeriodField
    value: float | None = None
    low: float | None = None
    high: float | None = None
    note: str | None = NoteField


class DecisionBody(BaseModel):
    """Why a proposal or an entered value was approved or sent back."""

    note: str | None = NoteField


class EntryBody(BaseModel):
    """A unit's value for a reported indicator (ratios: numerator and denominator)."""

    org: str = OrgField
    period: str = PeriodField
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str | None = NoteField


class EntryDecisionBody(DecisionBody):
    """Which unit's value for which period is decided."""

    org: str = OrgField
    period: str = PeriodField


def _visible(platform: Any, code: str, actor: Actor) -> None:
    """Indicators the caller may not read answer 404, as if absent (the read rule of the service)."""
    platform.indicators.get(code, actor=actor)


def _target(code: str, body: TargetBody) -> m.TargetCreate:
    try:
        return m.TargetCreate(indicator=code, **body.model_dump())
    except ValidationError as exc:
        raise InvalidInput(
            f"Target not valid: {exc.errors()[0]['msg']}.",
            hint="Give value, or low and/or high (low not above high).",
        ) from None


@router.get(
    "/{code}/targets",
    response_model=TargetOverview,
    summary="History and target in force for one unit and period",
)
def list_targets(
    code: str,
    platform: PlatformDep,
    actor: ActorDep,
    org: Annotated[str, Query(min_length=1, max_length=MAX_ORG)],
    period: Annotated[str, Query(min_length=1, max_length=16)],
) -> TargetOverview:
    _visible(platform, code, actor)
    overview: TargetOverview = platform.indicators.targets.overview(code, org=org, period=period)
    return overview


@router.post(
    "/{code}/targets",
    response_model=m.Target,
    status_code=201,
    summary="Assign a target to a unit below yours (top-down)",
)
def set_target(code: str, body: TargetBody, platform: PlatformDep, actor: ActorDep) -> m.Target:
    _visible(platform, code, actor)
    return platform.indicators.targets.set(_target(code, body), actor=actor)  # type: ignore[no-any-return]


@router.post(
    "/{code}/targets/propose",
    response_model=m.Target,
    status_code=201,
    summary="Propose your unit's own target (bottom-up); it counts once approved",
)
def propose_target(code: str, body: TargetBody, platform: PlatformDep, actor: ActorDep) -> m.Target:
    _visible(platform, code, actor)
    return platform.indicators.targets.propose(_target(code, body), actor=actor)  # type: ignore[no-any-return]


@router.post(
    "/{code}/targets/{target_id}/approve",
    response_model=m.Target,
    summary="Approve a unit's proposed target",
)
def approve_target(
    code: str,
    target_id: TargetId,
    platform: PlatformDep,
    actor: ActorDep,
    body: DecisionBody | None = None,
) -> m.Target:
    _visible(platform, code, actor)
    note = body.note if body else None
    return platform.indicators.targets.approve(target_id, actor=actor, note=note, code=code)  # type: ignore[no-any-return]


@router.post(
    "/{code}/targets/{target_id}/send-back",
    response_model=m.Target,
    summary="Send a proposed target back to its unit with a note",
)
def send_back_target(
    code: str,
    target_id: TargetId,
    platform: PlatformDep,
    actor: ActorDep,
    body: DecisionBody | None = None,
) -> m.Target:
    _visible(platform, code, actor)
    note = body.note if body else None
    return platform.indicators.targets.send_back(target_id, actor=actor, note=note, code=code)  # type: ignore[no-any-return]


# reported values ---------------------------------------------------------------------------------
@router.get(
    "/{code}/entries",
    response_model=list[m.ReportedValue],
    summary="Values entered by units (reported indicators)",
)
def list_entries(
    code: str,
    platform: PlatformDep,
    actor: ActorDep,
    period: Annotated[str | None, Query(max_length=16)] = None,
) -> list[m.ReportedValue]:
    _visible(platform, code, actor)
    return platform.indicators.reporting.entries(code, period=period)  # type: ignore[no-any-return]


@router.get(
    "/{code}/entries/history",
    response_model=list[m.ReportedDecision],
    summary="Earlier approvals and send-backs of entered values, with their notes",
)
def entry_history(
    code: str,
    platform: PlatformDep,
    actor: ActorDep,
    org: Annotated[str | None, Query(max_length=MAX_ORG)] = None,
    period: Annotated[str | None, Query(max_length=16)] = None,
) -> list[m.ReportedDecision]:
    _visible(platform, code, actor)
    return platform.indicators.reporting.history(code, org=org, period=period)  # type: ignore[no-any-return]


@router.post(
    "/{code}/entries",
    response_model=m.ReportedValue,
    status_code=201,
    summary="Enter (or correct, until approved) your unit's value",
)
def submit_entry(
    code: str, body: EntryBody, platform: PlatformDep, actor: ActorDep
) -> m.ReportedValue:
    _visible(platform, code, actor)
    data = m.ReportedValueCreate(indicator=code, **body.model_dump())
    return platform.indicators.reporting.submit(data, actor=actor)  # type: ignore[no-any-return]


@router.post(
    "/{code}/entries/approve",
    response_model=m.ReportedValue,
    summary="Approve (and lock) a unit's entered value",
)
def approve_entry(
    code: str, body: EntryDecisionBody, platform: PlatformDep, actor: ActorDep
) -> m.ReportedValue:
    return _decide_entry(platform, actor, code, body, approve=True)


@router.post(
    "/{code}/entries/send-back",
    response_model=m.ReportedValue,
    summary="Send a unit's entered value back for correction, with a note the unit sees",
)
def send_back_entry(
    code: str, body: EntryDecisionBody, platform: PlatformDep, actor: ActorDep
) -> m.ReportedValue:
    return _decide_entry(platform, actor, code, body, approve=False)


def _decide_entry(
    platform: Any, actor: Actor, code: str, body: EntryDecisionBody, *, approve: bool
) -> m.ReportedValue:
    _visible(platform, code, actor)
    return platform.indicators.reporting.decide(  # type: ignore[no-any-return]
        code, body.org, body.period, approve=approve, actor=actor, note=body.note
    )


# computation -------------------------------------------------------------------------------------
@router.post(
    "/{code}/compute",
    response_model=list[m.ComputeResult],
    summary="Recompute one indicator (changed periods only, or all with force)",
)
def compute(
    code: str, platform: PlatformDep, actor: ActorDep, force: bool = False
) -> list[m.ComputeResult]:
    _visible(platform, code, actor)
    return platform.indicators.compute(code, actor=actor, force=force)  # type: ignore[no-any-return]
