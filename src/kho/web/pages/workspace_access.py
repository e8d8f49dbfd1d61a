"""Access requests (ask, approve narrower, refuse, withdraw) and the audit log; the administration
and grants pages (their own modules) are mounted here too."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from kho.access.models import RequestApprove, RequestCreate, RowCondition
from kho.errors import InvalidInput, KhoError
from kho.web.deps import PlatformDep
from kho.web.pages import password_reset, workspace_admin, workspace_grants
from kho.web.pages.workspace_common import (
    Visitor,
    VisitorDep,
    form_error,
    render,
    see_other,
    shown,
)

router = APIRouter(include_in_schema=False)
for _part in (workspace_admin, workspace_grants, password_reset):
    router.include_router(_part.router)
AUDIT_PAGE = 50


# access requests -------------------------------------------------------------------------------
@router.get("/workspace/requests/new", response_class=HTMLResponse)
def new_request_page(
    request: Request,
    visitor: VisitorDep,
    dataset: Annotated[str, Query(max_length=63)] = "",
) -> Response:
    return _new_request(request, visitor, {"dataset": dataset})


def _new_request(
    request: Request,
    visitor: Visitor,
    values: dict[str, Any],
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    return render(
        request,
        "workspace/request_new.html",
        {"values": values, "error": error},
        visitor=visitor,
        status=status,
    )


@router.post("/workspace/requests")
def create_request(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    dataset: Annotated[str, Form(max_length=63)] = "",
    purpose: Annotated[str, Form(max_length=5000)] = "",
    columns: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    values = {"dataset": dataset.strip(), "purpose": purpose, "columns": columns}
    try:
        data = RequestCreate(dataset=values["dataset"], purpose=purpose, columns=_names(columns))
        created = platform.access.requests.create(data, actor=visitor.actor)
    except (KhoError, ValueError) as exc:
        return _new_request(request, visitor, values, error=form_error(exc), status=400)
    return see_other(f"/workspace/requests?created={created.id}")


@router.get("/workspace/requests", response_class=HTMLResponse)
def requests_page(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    created: Annotated[int | None, Query()] = None,
    error: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    return _requests(request, platform, visitor, created=created, error=error)


def _requests(
    request: Request,
    platform: Any,
    visitor: Visitor,
    *,
    created: int | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    from kho.web.pages.workspace import _decides

    actor = visitor.actor
    with shown():
        everything = platform.access.requests.list(actor=actor)
    mine = [r for r in everything if r.username == actor.name]
    others = [r for r in everything if r.username != actor.name]
    decidable = {r.id for r in others if r.status == "pending" and _decides(visitor, r.owner_org)}
    columns = {
        r.dataset: _columns(platform, visitor, r.dataset) for r in others if r.id in decidable
    }
    return render(
        request,
        "workspace/requests.html",
        {
            "mine": mine,
            "others": others,
            "decidable": decidable,
            "columns": columns,
            "created": created,
            "error": error,
        },
        visitor=visitor,
        status=status,
    )


def _columns(platform: Any, visitor: Visitor, slug: str) -> list[Any]:
    try:
        ds = platform.catalog.get(slug, actor=visitor.actor)
    except KhoError:
        return []
    return [c for t in ds.tables for c in t.columns]


@router.post("/workspace/requests/{request_id}/approve")
def approve_request(
    request: Request,
    request_id: int,
    platform: PlatformDep,
    visitor: VisitorDep,
    columns: Annotated[list[str] | None, Form()] = None,
    row_column: Annotated[str, Form(max_length=63)] = "",
    row_value: Annotated[str, Form(max_length=500)] = "",
    expires: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        data = RequestApprove(
            columns=columns or None,
            rows=[RowCondition(column=row_column.strip(), op="=", value=row_value)]
            if row_column.strip()
            else None,
            expires_at=_end_of(expires),
        )
        platform.access.requests.approve(request_id, data, actor=visitor.actor)
    except (KhoError, ValueError) as exc:
        return _requests(request, platform, visitor, error=form_error(exc), status=400)
    return see_other("/workspace/requests")


@router.post("/workspace/requests/{request_id}/refuse")
def refuse_request(
    request: Request,
    request_id: int,
    platform: PlatformDep,
    visitor: VisitorDep,
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    try:
        platform.access.requests.refuse(request_id, reason, actor=visitor.actor)
    except KhoError as exc:
        return _requests(request, platform, visitor, error=form_error(exc), status=exc.status)
    return see_other("/workspace/requests")


@router.post("/workspace/requests/{request_id}/withdraw")
def withdraw_request(request_id: int, platform: PlatformDep, visitor: VisitorDep) -> Response:
    with shown():
        platform.access.requests.withdraw(request_id, actor=visitor.actor)
    return see_other("/workspace/requests")


def _names(text: str) -> list[str] | None:
    names = [c.strip() for c in text.replace("\n", ",").split(",") if c.strip()]
    return names or None


def _end_of(day: str) -> datetime | None:
    """The end of a chosen day (UTC), or None for the default approval time."""
    if not day.strip():
        return None
    try:
        return datetime.combine(date.fromisoformat(day.strip()), time(23, 59, 59), tzinfo=UTC)
    except ValueError:
        raise InvalidInput(f"{day!r} is not a date (YYYY-MM-DD).") from None


# audit log -------------------------------------------------------------------------------------
@router.get("/workspace/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    who: Annotated[str, Query(max_length=200)] = "",
    dataset: Annotated[str, Query(max_length=63)] = "",
    action: Annotated[str, Query(max_length=100)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    offset: Annotated[int, Query(ge=0, lt=2**62)] = 0,
) -> Response:
    filters = {"who": who, "dataset": dataset, "action": action, "since": since, "until": until}
    error = ""
    try:
        start, end = _day(since), _day(until, end=True)
    except InvalidInput as exc:
        start, end, error = None, None, exc.message
    with shown():
        entries = platform.access.log.list(
            visitor.actor,
            who=who or None,
            dataset=dataset or None,
            action=action or None,
            since=start,
            until=end,
            limit=AUDIT_PAGE + 1,
            offset=offset,
        )
        check = platform.access.log.verify(visitor.actor)
    return render(
        request,
        "workspace/audit.html",
        {
            "entries": entries[:AUDIT_PAGE],
            "has_more": len(entries) > AUDIT_PAGE,
            "offset": offset,
            "page_size": AUDIT_PAGE,
            "filters": filters,
            "check": check,
            "error": error,
        },
        visitor=visitor,
    )


def _day(text: str, *, end: bool = False) -> datetime | None:
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD).") from None
    from datetime import timedelta

    return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=UTC)
