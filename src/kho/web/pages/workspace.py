"""The signed-in agency workspace: sign-in, home, tokens; the other areas live in ``workspace_*`` modules."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, Response

from kho.access.models import TokenCreate
from kho.errors import KhoError
from kho.migrate.sync import Syncer
from kho.web.deps import PlatformDep
from kho.web.pages.workspace_common import (
    Visitor,
    VisitorDep,
    detect_lang,
    form_error,
    install_problem_handler,
    render,
    see_other,
    shown,
)

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "kho_login_csrf"


def install(app: FastAPI) -> None:
    """Add the workspace pages and their error pages to the app."""
    from kho.web.pages import (
        workspace_access,
        workspace_datasets,
        workspace_indicators,
        workspace_loads,
        workspace_sql,
    )

    install_problem_handler(app)
    # Included into each app, never into the module-level `router`: that router outlives the app,
    # and including into it on every create_app() stacked its routes and lifespans (a process that
    # built many apps ended in RecursionError at start-up).
    app.include_router(router)
    for module in (
        workspace_loads,
        workspace_datasets,
        workspace_access,
        workspace_sql,
        workspace_indicators,
    ):
        app.include_router(module.router)


# sign-in ---------------------------------------------------------------------------------------
def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after sign-in would help phishing."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/workspace"


def _login_page(request: Request, *, next_: str, error: str = "", status: int = 200) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(
        request,
        "workspace/login.html",
        {"next": next_, "error": error, "login_csrf": token},
        status=status,
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next_=_safe_next(next))


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    login_csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/workspace",
) -> Response:
    from kho.web.auth import TooManyAttempts, Unauthenticated, sign_in
    from kho.web.i18n import gettext

    lang = detect_lang(request)
    target = _safe_next(next)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, login_csrf):
        msg = gettext(lang, "The sign-in form expired; please try again.")
        return _login_page(request, next_=target, error=msg, status=400)
    response = see_other(target)
    try:
        sign_in(request, response, username, password)
    except TooManyAttempts as exc:
        wait = int(exc.details.get("retry_after", 60))
        msg = gettext(
            lang, "Too many failed sign-ins. Try again in {seconds} seconds.", seconds=wait
        )
        page = _login_page(request, next_=target, error=msg, status=429)
        page.headers["Retry-After"] = str(wait)
        return page
    except Unauthenticated:
        msg = gettext(lang, "Wrong username or password.")
        return _login_page(request, next_=target, error=msg, status=401)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, visitor: VisitorDep) -> Response:
    from kho.web.auth import sign_out

    response = see_other("/")
    sign_out(request, response, visitor.actor)
    return response


# home ------------------------------------------------------------------------------------------
@router.get("/workspace", response_class=HTMLResponse)
def home(request: Request, platform: PlatformDep, visitor: VisitorDep) -> Response:
    actor = visitor.actor
    orgs = {o.code: o for o in platform.access.orgs.list(include_closed=True)}
    datasets = my_datasets(platform, visitor)
    requests = platform.access.requests.list(actor=actor)
    mine = [r for r in requests if r.username == actor.name]
    to_decide = [
        r
        for r in requests
        if r.status == "pending" and r.username != actor.name and _decides(visitor, r.owner_org)
    ]
    loads = _recent_loads(platform, visitor, [d.slug for d in datasets])
    return render(
        request,
        "workspace/home.html",
        {
            "orgs": orgs,
            "datasets": datasets,
            "mine": mine,
            "to_decide": to_decide,
            "loads": loads,
            "sync_alerts": Syncer(platform).alerts(actor=actor),
        },
        visitor=visitor,
    )


def my_datasets(platform: Any, visitor: Visitor) -> list[Any]:
    """Datasets the visitor may change (their organisations' datasets; all for platform admins)."""
    found = platform.catalog.search("", actor=visitor.actor, limit=1000, sort="title")
    return [d for d in found.items if platform.access.can_write(visitor.actor, org_code=d.org_code)]


def _decides(visitor: Visitor, owner_org: str | None) -> bool:
    actor = visitor.actor
    return actor.is_platform_admin or (
        owner_org is not None and actor.role_in(owner_org) == "admin"
    )


def _recent_loads(platform: Any, visitor: Visitor, slugs: list[str], limit: int = 10) -> list[Any]:
    loads = []
    for slug in slugs:
        try:
            loads.extend(platform.ingest.loads(slug, actor=visitor.actor))
        except KhoError:
            continue
    return sorted(loads, key=lambda x: x.load_id, reverse=True)[:limit]


# tokens ----------------------------------------------------------------------------------------
@router.get("/workspace/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, platform: PlatformDep, visitor: VisitorDep) -> Response:
    return _tokens(request, platform, visitor)


def _tokens(
    request: Request,
    platform: Any,
    visitor: Visitor,
    *,
    created: Any = None,
    error: str = "",
    status: int = 200,
) -> Response:
    with shown():
        tokens = platform.access.tokens.list(actor=visitor.actor, username=visitor.actor.name)
    return render(
        request,
        "workspace/tokens.html",
        {"tokens": tokens, "created": created, "error": error},
        visitor=visitor,
        status=status,
    )


@router.post("/workspace/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    name: Annotated[str, Form(max_length=200)] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
    expires_in_days: Annotated[int, Form(ge=1, le=3650)] = 90,
) -> Response:
    try:
        data = TokenCreate.model_validate(
            {"name": name.strip(), "scopes": scopes or ["read"], "expires_in_days": expires_in_days}
        )
        created = platform.access.tokens.create(data, actor=visitor.actor)
    except (KhoError, ValueError) as exc:
        return _tokens(request, platform, visitor, error=form_error(exc), status=400)
    return _tokens(request, platform, visitor, created=created)


@router.post("/workspace/tokens/{token_id}/revoke")
def revoke_token(token_id: int, platform: PlatformDep, visitor: VisitorDep) -> Response:
    with shown():
        platform.access.tokens.revoke(token_id, actor=visitor.actor)
    return see_other("/workspace/tokens")
