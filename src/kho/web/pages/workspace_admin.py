"""Administration pages: the organisation tree (create, close, merge) and users (create, roles,
deactivate, reactivate, unlock, one-time password-reset links). Every change goes through the
access services, which check permissions and write the audit log; destructive changes ask first."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from kho.access.models import ROLES, MembershipPublic, OrgCreate, OrgNode, UserCreate, UserUpdate
from kho.errors import InvalidInput, KhoError
from kho.web.deps import PlatformDep
from kho.web.pages.workspace_common import (
    Visitor,
    VisitorDep,
    form_error,
    render,
    require,
    shown,
)

router = APIRouter(include_in_schema=False)
CodeForm = Annotated[str, Form(max_length=64)]
DayForm = Annotated[str, Form(max_length=10)]
ConfirmForm = Annotated[str, Form(max_length=5)]


def is_admin(visitor: Visitor) -> bool:
    """Platform administrators and administrators of at least one organisation see this area."""
    actor = visitor.actor
    return actor.is_platform_admin or "admin" in actor.roles.values()


def failed(lead: str, exc: Exception) -> str:
    """A translated sentence saying what did not happen, then the service's precise reason."""
    return f"{lead} {form_error(exc)}"


# the page --------------------------------------------------------------------------------------
@router.get("/workspace/admin", response_class=HTMLResponse)
def admin_page(request: Request, platform: PlatformDep, visitor: VisitorDep) -> Response:
    return admin(request, platform, visitor)


def admin(
    request: Request,
    platform: Any,
    visitor: Visitor,
    *,
    error: str = "",
    done: str = "",
    reset_link: str = "",
    status: int = 200,
) -> Response:
    require(is_admin(visitor), visitor.t("Only administrators may open this page."))
    with shown():
        orgs = platform.access.orgs.list(include_closed=True)
        tree = platform.access.orgs.tree(include_closed=True)
        users = platform.access.users.list(actor=visitor.actor)
    actor = visitor.actor
    by_code = {o.code: o for o in orgs}
    role_orgs = [
        o
        for o in orgs
        if o.is_active and (actor.is_platform_admin or actor.role_in(o.code) == "admin")
    ]
    return render(
        request,
        "workspace/admin.html",
        {
            "orgs": orgs,
            "tree": [(depth, by_code[n.code]) for depth, n in _walk(tree) if n.code in by_code],
            "users": users,
            "roles": ROLES,
            "role_orgs": role_orgs,
            "error": error,
            "done": done,
            "reset_link": reset_link,
        },
        visitor=visitor,
        status=status,
    )


def _walk(nodes: list[OrgNode], depth: int = 0) -> list[tuple[int, OrgNode]]:
    """The tree in reading order with each organisation's depth, for an indented table."""
    out: list[tuple[int, OrgNode]] = []
    for n in nodes:
        out.append((depth, n))
        out.extend(_walk(n.children, depth + 1))
    return out


# organisations ---------------------------------------------------------------------------------
@router.post("/workspace/admin/orgs")
def create_org(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    code: CodeForm = "",
    name_vi: Annotated[str, Form(max_length=500)] = "",
    name_en: Annotated[str, Form(max_length=500)] = "",
    parent_code: CodeForm = "",
) -> Response:
    try:
        data = OrgCreate(
            code=code.strip(),
            name_vi=name_vi.strip(),
            name_en=name_en.strip() or None,
            parent_code=parent_code or None,
        )
        platform.access.orgs.create(data, actor=visitor.actor)
    except (KhoError, ValueError) as exc:
        lead = visitor.t("The organisation was not created.")
        return admin(request, platform, visitor, error=failed(lead, exc), status=400)
    return admin(
        request, platform, visitor, done=visitor.t("Organisation {code} created.", code=code)
    )


@router.get("/workspace/admin/orgs/{code}/close", response_class=HTMLResponse)
def close_org_page(
    request: Request, code: str, platform: PlatformDep, visitor: VisitorDep
) -> Response:
    return _org_confirm(request, platform, visitor, code, "close")


@router.get("/workspace/admin/orgs/{code}/merge", response_class=HTMLResponse)
def merge_org_page(
    request: Request, code: str, platform: PlatformDep, visitor: VisitorDep
) -> Response:
    return _org_confirm(request, platform, visitor, code, "merge")


def _org_confirm(
    request: Request,
    platform: Any,
    visitor: Visitor,
    code: str,
    action: str,
    *,
    values: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    """Ask before closing or merging: say what happens to the datasets, grants and members."""
    require(
        visitor.actor.is_platform_admin,
        visitor.t("Only platform administrators close or merge organisations."),
    )
    with shown():
        org = platform.access.orgs.get(code)
        orgs = platform.access.orgs.list()
    return render(
        request,
        "workspace/admin_confirm.html",
        {
            "action": action,
            "org": org,
            "targets": [o for o in orgs if o.code != org.code],
            "values": values or {},
            "error": error,
        },
        visitor=visitor,
        status=status,
    )


@router.post("/workspace/admin/orgs/{code}/close")
def close_org(
    request: Request,
    code: str,
    platform: PlatformDep,
    visitor: VisitorDep,
    on: DayForm = "",
    confirm: ConfirmForm = "",
) -> Response:
    values = {"on": on}
    if confirm != "yes":
        return _org_confirm(request, platform, visitor, code, "close", values=values)
    try:
        platform.access.orgs.close(code, actor=visitor.actor, on=_day(on))
    except KhoError as exc:
        lead = visitor.t("The organisation was not closed.")
        message = failed(lead, exc)
        return _org_confirm(
            request,
            platform,
            visitor,
            code,
            "close",
            values=values,
            error=message,
            status=exc.status,
        )
    return admin(
        request, platform, visitor, done=visitor.t("Organisation {code} closed.", code=code)
    )


@router.post("/workspace/admin/orgs/{code}/merge")
def merge_org(
    request: Request,
    code: str,
    platform: PlatformDep,
    visitor: VisitorDep,
    into: CodeForm = "",
    on: DayForm = "",
    confirm: ConfirmForm = "",
) -> Response:
    values = {"into": into, "on": on}
    if confirm != "yes":
        return _org_confirm(request, platform, visitor, code, "merge", values=values)
    try:
        if not into.strip():
            raise InvalidInput(visitor.t("Choose the organisation that takes over."))
        platform.access.orgs.merge([code], into=into.strip(), actor=visitor.actor, on=_day(on))
    except KhoError as exc:
        lead = visitor.t("The organisation was not merged.")
        message = failed(lead, exc)
        return _org_confirm(
            request,
            platform,
            visitor,
            code,
            "merge",
            values=values,
            error=message,
            status=exc.status,
        )
    done = visitor.t("Organisation {code} merged into {into}.", code=code, into=into.strip())
    return admin(request, platform, visitor, done=done)


def _day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD).") from None


# users -----------------------------------------------------------------------------------------
@router.post("/workspace/admin/users")
def create_user(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    username: Annotated[str, Form(max_length=64)] = "",
    full_name: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    org_code: CodeForm = "",
    role: Annotated[str, Form(max_length=10)] = "",
    is_platform_admin: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    try:
        data = UserCreate(
            username=username.strip().lower(),
            password=password,
            full_name=full_name.strip(),
            email=email.strip() or None,
            is_platform_admin=bool(is_platform_admin),
            memberships=[MembershipPublic.model_validate({"org_code": org_code, "role": role})]
            if org_code and role
            else [],
        )
        platform.access.users.create(data, actor=visitor.actor)
    except (KhoError, ValueError) as exc:
        lead = visitor.t("The user was not created.")
        return admin(request, platform, visitor, error=failed(lead, exc), status=400)
    return admin(
        request, platform, visitor, done=visitor.t("User {name} created.", name=data.username)
    )


@router.post("/workspace/admin/roles")
def set_role(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    username: Annotated[str, Form(max_length=64)] = "",
    org_code: CodeForm = "",
    role: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        platform.access.users.set_role(
            username.strip().lower(), org_code, role or None, actor=visitor.actor
        )
    except KhoError as exc:
        lead = visitor.t("The role was not saved.")
        return admin(request, platform, visitor, error=failed(lead, exc), status=exc.status)
    return admin(request, platform, visitor, done=visitor.t("Role saved."))


@router.get("/workspace/admin/users/{username}/deactivate", response_class=HTMLResponse)
def deactivate_page(
    request: Request, username: str, platform: PlatformDep, visitor: VisitorDep
) -> Response:
    return _user_confirm(request, platform, visitor, username, "deactivate")


@router.get("/workspace/admin/users/{username}/reset-link", response_class=HTMLResponse)
def reset_link_page(
    request: Request, username: str, platform: PlatformDep, visitor: VisitorDep
) -> Response:
    return _user_confirm(request, platform, visitor, username, "reset")


def _user_confirm(
    request: Request,
    platform: Any,
    visitor: Visitor,
    username: str,
    action: str,
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    require(
        visitor.actor.is_platform_admin,
        visitor.t("Only platform administrators change whether a user may sign in."),
    )
    with shown():
        person = platform.access.users.get(username, actor=visitor.actor)
    return render(
        request,
        "workspace/admin_confirm.html",
        {"action": action, "person": person, "error": error, "values": {}},
        visitor=visitor,
        status=status,
    )


@router.post("/workspace/admin/users/{username}/deactivate")
def deactivate_user(
    request: Request,
    username: str,
    platform: PlatformDep,
    visitor: VisitorDep,
    confirm: ConfirmForm = "",
) -> Response:
    if confirm != "yes":
        return _user_confirm(request, platform, visitor, username, "deactivate")
    try:
        platform.access.users.update(username, UserUpdate(is_active=False), actor=visitor.actor)
    except KhoError as exc:
        lead = visitor.t("The user was not deactivated.")
        message = failed(lead, exc)
        return _user_confirm(
            request, platform, visitor, username, "deactivate", error=message, status=exc.status
        )
    return admin(
        request, platform, visitor, done=visitor.t("User {name} deactivated.", name=username)
    )


@router.post("/workspace/admin/users/{username}/reactivate")
def reactivate_user(
    request: Request, username: str, platform: PlatformDep, visitor: VisitorDep
) -> Response:
    try:
        platform.access.users.update(username, UserUpdate(is_active=True), actor=visitor.actor)
    except KhoError as exc:
        lead = visitor.t("The user was not reactivated.")
        return admin(request, platform, visitor, error=failed(lead, exc), status=exc.status)
    return admin(
        request, platform, visitor, done=visitor.t("User {name} may sign in again.", name=username)
    )


@router.post("/workspace/admin/users/{username}/unlock")
def unlock_user(
    request: Request, username: str, platform: PlatformDep, visitor: VisitorDep
) -> Response:
    try:
        platform.access.users.unlock(username, actor=visitor.actor)
    except KhoError as exc:
        lead = visitor.t("The user was not unlocked.")
        return admin(request, platform, visitor, error=failed(lead, exc), status=exc.status)
    return admin(request, platform, visitor, done=visitor.t("User {name} unlocked.", name=username))


@router.post("/workspace/admin/users/{username}/reset-link")
def issue_reset_link(
    request: Request,
    username: str,
    platform: PlatformDep,
    visitor: VisitorDep,
    confirm: ConfirmForm = "",
) -> Response:
    if confirm != "yes":
        return _user_confirm(request, platform, visitor, username, "reset")
    try:
        raw = platform.access.users.issue_reset_link(username, actor=visitor.actor)
    except KhoError as exc:
        lead = visitor.t("No reset link was made.")
        message = failed(lead, exc)
        return _user_confirm(
            request, platform, visitor, username, "reset", error=message, status=exc.status
        )
    link = str(request.base_url).rstrip("/") + f"/password-reset/{raw}"
    response = admin(
        request,
        platform,
        visitor,
        done=visitor.t("Reset link for {name} made.", name=username),
        reset_link=link,
    )
    response.headers["Cache-Control"] = "no-store"  # the secret is shown once, never cached
    return response
