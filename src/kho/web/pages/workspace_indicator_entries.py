"""Reported values in the workspace: a unit enters its value (or numerator and denominator and a
comment) for a period; an editor or admin of a unit above approves it or sends it back with a reason
the unit sees on this page, with its earlier value filled in to correct and send again."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from kho.errors import InvalidInput, KhoError
from kho.indicators.models import ReportedValueCreate
from kho.indicators.targets import MAX_NOTE, acting_orgs
from kho.web.deps import PlatformDep
from kho.web.i18n import gettext
from kho.web.pages.workspace_common import Visitor, VisitorDep, render, shown
from kho.web.pages.workspace_indicator_common import (
    MAX_FIELD,
    Invalid,
    _,
    back,
    current_quarter,
    explain,
    number_text,
    overview,
    page_context,
    parse_note,
    parse_number,
)

router = APIRouter(include_in_schema=False)
Decision = Literal["approve", "send-back"]


# reported values -------------------------------------------------------------------------------
@router.get("/workspace/indicators/{code}/enter", response_class=HTMLResponse)
def enter_page(
    request: Request,
    code: str,
    platform: PlatformDep,
    visitor: VisitorDep,
    org: Annotated[str, Query(max_length=200)] = "",
    period: Annotated[str, Query(max_length=MAX_FIELD)] = "",
) -> Response:
    values = {"org": org, "period": period or current_quarter()}
    return _enter(request, platform, visitor, code, values, prefill=True)


def _enter(
    request: Request,
    platform: Any,
    visitor: Visitor,
    code: str,
    values: dict[str, str],
    *,
    error: str = "",
    status: int = 200,
    prefill: bool = False,
) -> Response:
    """The entry form; with ``prefill`` a value not yet approved is filled in to be corrected."""
    with shown():
        d = platform.indicators.get(code, actor=visitor.actor)
    if d.type != "reported":
        error, status = (
            gettext(
                visitor.lang, "This indicator is computed from data; its values cannot be entered."
            ),
            400,
        )
    units = sorted(acting_orgs(visitor.actor))
    org = values.get("org") if values.get("org") in units else (units[0] if units else "")
    entries = platform.indicators.reporting.entries(code) if d.type == "reported" else []
    current = _current(entries, org, values.get("period", ""))
    if prefill and current is not None and current.status != "approved":
        values = {**values, **_typed_back(current, d, visitor.lang)}
    return render(
        request,
        "workspace/indicators_enter.html",
        {
            **page_context(platform, visitor),
            "d": d,
            "name": d.name_en if visitor.lang == "en" and d.name_en else d.name_vi,
            "units": units,
            "org": org,
            "entries": [
                e
                for e in entries
                if e.org in units
                or platform.indicators.reporting.may_decide(visitor.actor, code, e.org)
            ],
            "current": current,
            "values": values,
            "error": error,
        },
        visitor=visitor,
        status=status,
    )


def _current(entries: list[Any], org: str | None, period: str) -> Any:
    """The unit's entered value for the period in the form, if there is one."""
    from kho.indicators import periods

    try:
        pid = periods.parse(period[:MAX_FIELD]).id
    except InvalidInput:
        return None
    return next((e for e in entries if e.org == org and e.period == pid), None)


def _typed_back(e: Any, d: Any, lang: str) -> dict[str, str]:
    """An entered value as form text in the reader's number format (a ratio by its parts)."""
    return {
        "period": e.period,
        "value": "" if d.aggregation == "ratio" else number_text(e.value, lang),
        "numerator": number_text(e.numerator, lang),
        "denominator": number_text(e.denominator, lang),
        "note": e.note or "",
    }


@router.post("/workspace/indicators/{code}/enter")
def save_entry(
    request: Request,
    code: str,
    platform: PlatformDep,
    visitor: VisitorDep,
    org: Annotated[str, Form()] = "",
    period: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    numerator: Annotated[str, Form()] = "",
    denominator: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    lang = visitor.lang
    values = {
        "org": org[:200],
        "period": period[:MAX_FIELD],
        "value": value[:MAX_FIELD],
        "numerator": numerator[:MAX_FIELD],
        "denominator": denominator[:MAX_FIELD],
        "note": note[:MAX_NOTE],
    }
    with shown():
        d = platform.indicators.get(code, actor=visitor.actor)
    try:
        data = _entry(platform, visitor, d, org, period, (value, numerator, denominator), note)
        platform.indicators.reporting.submit(data, actor=visitor.actor)
    except Invalid as exc:
        return _enter(request, platform, visitor, code, values, error=exc.text(lang), status=400)
    except KhoError as exc:
        return _enter(
            request, platform, visitor, code, values, error=explain(exc, lang), status=exc.status
        )
    return back("/workspace/indicators", done="submitted")


def _entry(
    platform: Any,
    visitor: Visitor,
    d: Any,
    org: str,
    period: str,
    numbers: tuple[str, str, str],
    note: str,
) -> ReportedValueCreate:
    """The entered value, checked in the order a person fixes things: unit, period, numbers, lock."""
    from kho.indicators import periods

    lang = visitor.lang
    if d.type != "reported":
        raise Invalid(_("This indicator is computed from data; its values cannot be entered."))
    if org not in acting_orgs(visitor.actor):
        raise Invalid(_("You can enter values only for a unit where you are an editor or admin."))
    try:
        p = periods.parse(period[:MAX_FIELD])
    except InvalidInput:
        p = None
    if p is None or p.type not in d.period_types:
        raise Invalid(
            _(
                "«{text}» is not a period of this indicator: write a year (2025), a quarter (2025Q1) or a month (202501)."
            ),
            text=period[:MAX_FIELD],
        )
    value, num, den = (parse_number(x, lang) for x in numbers)
    if d.aggregation == "ratio" and (num is None or not den):
        raise Invalid(
            _("This indicator is a ratio: enter its numerator and a denominator that is not zero.")
        )
    if value is None and num is None:
        raise Invalid(_("Enter a value."))
    done = [
        e
        for e in platform.indicators.reporting.entries(d.code, period=p.id)
        if e.org == org and e.status == "approved"
    ]
    if done:
        raise Invalid(
            _("The value of {unit} for {period} is already approved and locked."),
            unit=org,
            period=p.id,
        )
    return ReportedValueCreate(
        indicator=d.code,
        org=org,
        period=p.id,
        value=value,
        numerator=num,
        denominator=den,
        note=parse_note(note),
    )


@router.post("/workspace/indicators/{code}/entries/{decision}")
def decide_entry(
    request: Request,
    code: str,
    decision: Decision,
    platform: PlatformDep,
    visitor: VisitorDep,
    org: Annotated[str, Form()] = "",
    period: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    reporting = platform.indicators.reporting
    try:
        text = parse_note(note)
        with shown():
            platform.indicators.get(code, actor=visitor.actor)
        entry = next(
            (e for e in reporting.entries(code) if e.org == org and e.period == period), None
        )
        if entry is None:
            raise Invalid(
                _("{unit} has not entered a value for {period}."),
                unit=org[:200],
                period=period[:MAX_FIELD],
            )
        if not reporting.may_decide(visitor.actor, code, org):
            raise Invalid(
                _("Only editors and admins of a unit above {unit} can approve its values."),
                unit=org,
            )
        if entry.status != "submitted":
            raise Invalid(_("This value was already decided; nothing changed."))
        if decision == "send-back" and not text:
            raise Invalid(_("Say why you send it back, so the unit knows what to change."))
        reporting.decide(
            code, org, period, approve=decision == "approve", actor=visitor.actor, note=text
        )
    except Invalid as exc:
        return overview(request, platform, visitor, error=exc.text(visitor.lang), status=400)
    except KhoError as exc:
        return overview(
            request, platform, visitor, error=explain(exc, visitor.lang), status=exc.status
        )
    return back("/workspace/indicators", done="approved" if decision == "approve" else "sent_back")
