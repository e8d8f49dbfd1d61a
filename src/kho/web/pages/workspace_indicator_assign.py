"""Assign targets top-down: for an indicator and a year or quarter, a grid of the units directly below
one of mine, with the target in force, its history, the actual value and status, and new inputs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from kho.errors import KhoError
from kho.indicators.models import TargetCreate
from kho.indicators.targets import acting_orgs, is_writing_admin
from kho.web.deps import PlatformDep
from kho.web.i18n import gettext
from kho.web.pages.workspace_common import Visitor, VisitorDep, render, shown
from kho.web.pages.workspace_indicator_common import (
    MAX_FIELD,
    NOTICES,
    Invalid,
    back,
    current_quarter,
    explain,
    grid_period,
    page_context,
    parse_note,
    parse_number,
    parse_range,
)

router = APIRouter(include_in_schema=False)


# assign (top-down) -------------------------------------------------------------------------------
def _parents(platform: Any, visitor: Visitor, code: str) -> list[str]:
    """Units whose direct children the visitor may assign targets to (their units and those below)."""
    tree = platform.indicators.tree(platform.indicators.definition(code))
    with_children = sorted({p for p in tree.parents.values() if p})
    if is_writing_admin(visitor.actor):
        return with_children
    mine = acting_orgs(visitor.actor)
    return [p for p in with_children if set(tree.chain(p)) & mine]


@router.get("/workspace/indicators/{code}/assign", response_class=HTMLResponse)
def assign_page(
    request: Request,
    code: str,
    platform: PlatformDep,
    visitor: VisitorDep,
    parent: Annotated[str, Query(max_length=200)] = "",
    period: Annotated[str, Query(max_length=MAX_FIELD)] = "",
    saved: Annotated[int | None, Query(ge=0, le=10**6)] = None,
) -> Response:
    notice = ""
    if saved is not None:
        msgid = NOTICES["assigned"] if saved else NOTICES["unchanged"]
        notice = gettext(visitor.lang, msgid, n=saved)
    return _assign(
        request,
        platform,
        visitor,
        code,
        parent=parent,
        period=period or current_quarter(),
        notice=notice,
    )


def _assign(
    request: Request,
    platform: Any,
    visitor: Visitor,
    code: str,
    *,
    parent: str,
    period: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    notice: str = "",
    status: int = 200,
) -> Response:
    ind = platform.indicators
    with shown():
        d = ind.get(code, actor=visitor.actor)
    parents = _parents(platform, visitor, code)
    parent = parent if parent in parents else (parents[0] if parents else "")
    rows, report = [], {}
    try:
        period = grid_period(period)
    except Invalid as exc:
        error, status = error or exc.text(visitor.lang), 400
        period = str(period)[:MAX_FIELD]
    else:
        if parent:
            children = ind.targets.children(code, parent)
            rows = ind.targets.overviews(code, orgs=children, period=period)
            report = _report_rows(platform, visitor, code, parent, period)
    return render(
        request,
        "workspace/indicators_assign.html",
        {
            **page_context(platform, visitor),
            "d": d,
            "name": d.name_en if visitor.lang == "en" and d.name_en else d.name_vi,
            "parents": parents,
            "parent": parent,
            "period": period,
            "rows": rows,
            "report": report,
            "values": values or {},
            "errors": errors or {},
            "error": error,
            "notice": notice,
        },
        visitor=visitor,
        status=status,
    )


def _report_rows(
    platform: Any, visitor: Visitor, code: str, parent: str, period: str
) -> dict[str, Any]:
    """Actual and status per unit, when the report can be built (no data yet is not an error)."""
    try:
        rep = platform.indicators.report(period, actor=visitor.actor, org=parent, codes=[code])
    except KhoError:
        return {}
    return {r.org: r for r in rep.rows}


@router.post("/workspace/indicators/{code}/assign")
async def save_assign(
    request: Request, code: str, platform: PlatformDep, visitor: VisitorDep
) -> Response:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    return await run_in_threadpool(_save_grid, request, platform, visitor, code, fields)


def _save_grid(
    request: Request, platform: Any, visitor: Visitor, code: str, form: dict[str, str]
) -> Response:
    """Check every row first (nothing is saved if one is wrong), then assign the changed ones."""
    lang, parent = visitor.lang, form.get("parent", "")[:200]
    typed_period = form.get("period", "")[:MAX_FIELD]

    def refuse(message: str, status: int = 400, errors: dict[str, str] | None = None) -> Response:
        return _assign(
            request,
            platform,
            visitor,
            code,
            parent=parent,
            period=typed_period,
            values=form,
            errors=errors,
            error=message,
            status=status,
        )

    with shown():
        platform.indicators.get(code, actor=visitor.actor)
    try:
        period = grid_period(form.get("period"))
        note = parse_note(form.get("note"))
    except Invalid as exc:
        return refuse(exc.text(lang))
    if parent not in _parents(platform, visitor, code):
        return refuse(
            gettext(lang, "You cannot assign targets to the units below {unit}.", unit=parent), 403
        )
    children = platform.indicators.targets.children(code, parent)
    strangers = sorted({k.split("__", 1)[1] for k in form if "__" in k} - set(children))
    if strangers:
        return refuse(
            gettext(
                lang,
                "{units} is not a unit directly below {parent}; targets were not saved.",
                units=", ".join(strangers)[:200],
                parent=parent,
            )
        )
    wanted, errors = _grid_rows(platform, code, children, period, form, lang)
    if errors:
        return refuse(
            gettext(lang, "Some targets are not valid; nothing was saved. See the marked rows."),
            errors=errors,
        )
    saved = 0
    try:
        for unit, (value, low, high) in wanted.items():
            data = TargetCreate(
                indicator=code, org=unit, period=period, value=value, low=low, high=high, note=note
            )
            platform.indicators.targets.set(data, actor=visitor.actor)
            saved += 1
    except KhoError as exc:
        return refuse(explain(exc, lang), exc.status)
    return back(f"/workspace/indicators/{code}/assign", parent=parent, period=period, saved=saved)


def _grid_rows(
    platform: Any, code: str, children: list[str], period: str, form: dict[str, str], lang: str
) -> tuple[dict[str, tuple[float | None, float | None, float | None]], dict[str, str]]:
    """The rows that change something, and a message per row that is wrong."""
    current = {
        o.org: o for o in platform.indicators.targets.overviews(code, orgs=children, period=period)
    }
    wanted: dict[str, tuple[float | None, float | None, float | None]] = {}
    errors: dict[str, str] = {}
    for unit in children:
        try:
            value, low, high = (
                parse_number(form.get(f"{f}__{unit}"), lang) for f in ("value", "low", "high")
            )
            parse_range(value, low, high)
        except Invalid as exc:
            errors[unit] = exc.text(lang)
            continue
        if (value, low, high) == (None, None, None):
            continue
        own = [x for x in current[unit].history if x.kind == "assigned"]
        if own and (own[-1].value, own[-1].low, own[-1].high) == (value, low, high):
            continue  # unchanged (or the same form sent twice)
        wanted[unit] = (value, low, high)
    return wanted, errors
