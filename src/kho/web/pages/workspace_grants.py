"""The grants page: what each person was granted ("my access"), and for administrators every grant
on their organisations' datasets, with revocation (asked first, with a reason for the audit log)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from kho.access.models import GrantPublic
from kho.errors import KhoError, NotFound
from kho.web.deps import PlatformDep
from kho.web.i18n import format_date
from kho.web.pages.workspace_common import (
    Visitor,
    VisitorDep,
    form_error,
    render,
    see_other,
    shown,
)

router = APIRouter(include_in_schema=False)
REASON_MAX = 2000


@router.get("/workspace/grants", response_class=HTMLResponse)
def grants_page(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    dataset: Annotated[str, Query(max_length=63, pattern=r"^\s*[a-z0-9_]*\s*$")] = "",
    state: Annotated[str, Query(pattern="^(active|all)$")] = "active",
    revoked: Annotated[int | None, Query(ge=1, lt=2**62)] = None,
) -> Response:
    actor = visitor.actor
    with shown():
        grants = platform.access.grants.list(
            actor=actor, dataset=dataset.strip() or None, include_inactive=True
        )
    mine, managed = _split(platform, visitor, grants)
    return render(
        request,
        "workspace/grants.html",
        {
            "mine": mine,
            "managed": [g for g in managed or [] if state == "all" or g.state == "active"],
            "is_manager": managed is not None,
            "dataset": dataset.strip(),
            "state": state,
            "revoked": revoked,
        },
        visitor=visitor,
    )


def _split(
    platform: Any, visitor: Visitor, grants: list[GrantPublic]
) -> tuple[list[GrantPublic], list[GrantPublic] | None]:
    """Grants that let the visitor read, and grants on datasets the visitor administers (None:
    the visitor administers no organisation). Successors administer their predecessors' data."""
    actor = visitor.actor
    own_orgs = platform.access.orgs.lineage(actor.org_codes) if actor.org_codes else set()
    mine = [g for g in grants if g.username == actor.name or (g.org_code or "") in own_orgs]
    if actor.is_platform_admin:
        return mine, grants
    admin_of = {code for code, role in actor.roles.items() if role == "admin"}
    if not admin_of:
        return mine, None
    managed_orgs = platform.access.orgs.lineage(admin_of)
    owned = {
        d.slug
        for d in platform.catalog.search("", actor=actor, limit=1000).items
        if d.org_code in managed_orgs
    }
    return mine, [g for g in grants if g.dataset in owned]


def _find(platform: Any, visitor: Visitor, grant_id: int) -> GrantPublic:
    """One grant the visitor may see, else the same 404 as a grant that does not exist."""
    with shown():
        grants: list[GrantPublic] = platform.access.grants.list(
            actor=visitor.actor, include_inactive=True
        )
        for g in grants:
            if g.id == grant_id:
                return g
        raise NotFound(visitor.t("No grant {id}.", id=grant_id))


@router.get("/workspace/grants/{grant_id}/revoke", response_class=HTMLResponse)
def revoke_page(
    request: Request, grant_id: int, platform: PlatformDep, visitor: VisitorDep
) -> Response:
    return _confirm(request, visitor, _find(platform, visitor, grant_id))


def _confirm(
    request: Request,
    visitor: Visitor,
    grant: GrantPublic,
    *,
    reason: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    return render(
        request,
        "workspace/grant_revoke.html",
        {"grant": grant, "reason": reason, "error": error, "reason_max": REASON_MAX},
        visitor=visitor,
        status=status,
    )


@router.post("/workspace/grants/{grant_id}/revoke")
def revoke(
    request: Request,
    grant_id: int,
    platform: PlatformDep,
    visitor: VisitorDep,
    reason: Annotated[str, Form(max_length=REASON_MAX)] = "",
    confirm: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    grant = _find(platform, visitor, grant_id)
    if grant.state == "revoked":
        day = format_date(grant.revoked_at.date() if grant.revoked_at else None, visitor.lang)
        error = visitor.t("Grant {id} was already revoked on {day}.", id=grant_id, day=day)
        return _confirm(request, visitor, grant, error=error, status=409)
    if confirm != "yes" or not reason.strip():
        error = visitor.t("Give the reason for revoking, then confirm.")
        return _confirm(request, visitor, grant, reason=reason, error=error, status=400)
    try:
        platform.access.grants.revoke(grant_id, actor=visitor.actor, reason=reason)
    except KhoError as exc:
        error = visitor.t("The grant was not revoked.") + " " + form_error(exc)
        return _confirm(request, visitor, grant, reason=reason, error=error, status=exc.status)
    return see_other(f"/workspace/grants?revoked={grant_id}")
