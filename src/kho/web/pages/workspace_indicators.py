"""Targets and reported values in the workspace: what waits for my decision, approve or send back a
proposal, propose my unit's own target, recompute; the assign grid and reported-value entry live in
``workspace_indicator_assign`` and ``workspace_indicator_entries`` and are served by this router.

Forms are checked first so a person gets a message in their language saying what was wrong;
the services (``platform.indicators.targets`` / ``.reporting``) stay the authority on every rule.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from kho.errors import KhoError, NotFound
from kho.indicators.models import TargetCreate
from kho.indicators.targets import MAX_NOTE, acting_orgs
from kho.web.deps import PlatformDep
from kho.web.i18n import gettext
from kho.web.pages import workspace_indicator_assign, workspace_indicator_entries
from kho.web.pages.workspace_common import Visitor, VisitorDep, render, shown
from kho.web.pages.workspace_indicator_common import (
    MAX_FIELD,
    NOTICES,
    Invalid,
    _,
    back,
    current_quarter,
    explain,
    grid_period,
    overview,
    page_context,
    parse_note,
    parse_number,
    parse_range,
)

router = APIRouter(include_in_schema=False)
router.include_router(workspace_indicator_assign.router)
router.include_router(workspace_indicator_entries.router)
Decision = Literal["approve", "send-back"]


# overview --------------------------------------------------------------------------------------
@router.get("/workspace/indicators", response_class=HTMLResponse)
def overview_page(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    done: Annotated[str, Query(max_length=20)] = "",
    n: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> Response:
    notice = gettext(visitor.lang, NOTICES[done], n=n) if done in NOTICES else ""
    return overview(request, platform, visitor, notice=notice)


@router.post("/workspace/indicators/targets/{target_id}/{decision}")
def decide_target(
    request: Request,
    target_id: int,
    decision: Decision,
    platform: PlatformDep,
    visitor: VisitorDep,
    note: Annotated[str, Form()] = "",
) -> Response:
    """Approve or send back a proposal; a second click or someone else's proposal gets a message."""
    targets = platform.indicators.targets
    try:
        text = parse_note(note)
        if decision == "send-back" and not text:
            raise Invalid(_("Say why you send it back, so the unit knows what to change."))
        found = _proposal(targets, target_id)
        if not targets.may_assign(visitor.actor, found.indicator, found.org):
            raise Invalid(
                _("Only editors and admins of a unit above {unit} can decide on its proposals."),
                unit=found.org,
            )
        if found.status != "proposed" or found.kind != "proposed":
            raise Invalid(_("Proposal #{id} was already decided; nothing changed."), id=target_id)
        act = targets.approve if decision == "approve" else targets.send_back
        act(target_id, actor=visitor.actor, note=text, code=found.indicator)
    except Invalid as exc:
        return overview(request, platform, visitor, error=exc.text(visitor.lang), status=400)
    except KhoError as exc:
        return overview(
            request, platform, visitor, error=explain(exc, visitor.lang), status=exc.status
        )
    return back("/workspace/indicators", done="approved" if decision == "approve" else "sent_back")


def _proposal(targets: Any, target_id: int) -> Any:
    """The proposal behind a decision button, or a message when the id matches none."""
    try:
        if not 0 < target_id < 2**63:  # beyond the database's integers
            raise NotFound(f"No target {target_id}.")
        return targets.get(target_id)
    except NotFound:
        raise Invalid(_("There is no proposal #{id}."), id=target_id) from None


@router.post("/workspace/indicators/{code}/compute")
def compute(request: Request, code: str, platform: PlatformDep, visitor: VisitorDep) -> Response:
    try:
        results = platform.indicators.compute(code, actor=visitor.actor)
    except KhoError as exc:
        return overview(
            request, platform, visitor, error=explain(exc, visitor.lang), status=exc.status
        )
    return back("/workspace/indicators", done="computed", n=sum(r.values_written for r in results))


# propose (bottom-up) -----------------------------------------------------------------------------
@router.get("/workspace/indicators/{code}/propose", response_class=HTMLResponse)
def propose_page(
    request: Request,
    code: str,
    platform: PlatformDep,
    visitor: VisitorDep,
    org: Annotated[str, Query(max_length=200)] = "",
    period: Annotated[str, Query(max_length=MAX_FIELD)] = "",
) -> Response:
    return _propose(
        request, platform, visitor, code, {"org": org, "period": period or current_quarter()}
    )


def _propose(
    request: Request,
    platform: Any,
    visitor: Visitor,
    code: str,
    values: dict[str, str],
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    with shown():
        d = platform.indicators.get(code, actor=visitor.actor)
    units = sorted(acting_orgs(visitor.actor))
    org = values.get("org") if values.get("org") in units else (units[0] if units else "")
    view = None
    try:
        period = grid_period(values.get("period"))
    except Invalid as exc:
        error, status = error or exc.text(visitor.lang), 400
    else:
        if org:
            view = platform.indicators.targets.overview(code, org=org, period=period)
    return render(
        request,
        "workspace/indicators_propose.html",
        {
            **page_context(platform, visitor),
            "d": d,
            "name": d.name_en if visitor.lang == "en" and d.name_en else d.name_vi,
            "units": units,
            "org": org,
            "view": view,
            "values": values,
            "error": error,
        },
        visitor=visitor,
        status=status,
    )


@router.post("/workspace/indicators/{code}/propose")
def save_proposal(
    request: Request,
    code: str,
    platform: PlatformDep,
    visitor: VisitorDep,
    org: Annotated[str, Form()] = "",
    period: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    low: Annotated[str, Form()] = "",
    high: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    lang = visitor.lang
    values = {
        "org": org[:200],
        "period": period[:MAX_FIELD],
        "value": value[:MAX_FIELD],
        "low": low[:MAX_FIELD],
        "high": high[:MAX_FIELD],
        "note": note[:MAX_NOTE],
    }
    try:
        if org not in acting_orgs(visitor.actor):
            raise Invalid(
                _("You can propose targets only for a unit where you are an editor or admin.")
            )
        pid = grid_period(period)
        numbers = [parse_number(x, lang) for x in (value, low, high)]
        parse_range(*numbers)
        if numbers == [None, None, None]:
            raise Invalid(_("Give a target value, or a range with a start and/or an end."))
        text = parse_note(note)
        waiting = [
            x
            for x in platform.indicators.targets.overview(code, org=org, period=pid).history
            if x.status == "proposed"
        ]
        if waiting:
            raise Invalid(
                _("Your proposal #{id} for {period} still waits for a decision by the unit above."),
                id=waiting[0].id,
                period=pid,
            )
        platform.indicators.targets.propose(
            TargetCreate(
                indicator=code,
                org=org,
                period=pid,
                value=numbers[0],
                low=numbers[1],
                high=numbers[2],
                note=text,
            ),
            actor=visitor.actor,
        )
    except Invalid as exc:
        return _propose(request, platform, visitor, code, values, error=exc.text(lang), status=400)
    except KhoError as exc:
        return _propose(
            request, platform, visitor, code, values, error=explain(exc, lang), status=exc.status
        )
    return back("/workspace/indicators", done="proposed")
