"""Sign-in, organisations, users, tokens, grants, access requests and the audit log: /api/v1/…"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kho.access import models as am
from kho.access.actors import Actor
from kho.errors import InvalidInput
from kho.web.auth import TooManyAttempts, Unauthenticated, retry_headers, sign_in, sign_out
from kho.web.deps import ActorDep, PlatformDep


def _refuse_nul(request: Request) -> None:
    """Query and path values with NUL characters are refused before any lookup (PostgreSQL cannot hold them)."""
    values = [*request.query_params.values(), *(str(v) for v in request.path_params.values())]
    if any("\x00" in v for v in values):
        raise InvalidInput("Parameters must not contain NUL characters.")


RowId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Numeric id")]

router = APIRouter(prefix="/api/v1", dependencies=[Depends(_refuse_nul)])
Code = Annotated[str, Field(pattern=am.CODE_PATTERN)]


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)


class RoleSet(BaseModel):
    role: am.Role


def _signed_in(actor: Actor, csrf: str | None) -> am.SignedIn:
    return am.SignedIn(
        username=actor.name,
        full_name="",
        is_platform_admin=actor.is_platform_admin,
        memberships=[
            am.MembershipPublic(org_code=c, role=r)  # type: ignore[arg-type]
            for c, r in sorted(actor.roles.items())
        ],
        csrf_token=csrf,
    )


# sign-in -------------------------------------------------------------------------------------------
@router.post(
    "/auth/login",
    tags=["auth"],
    response_model=am.SignedIn,
    summary="Sign in; sets an HttpOnly cookie",
)
def login(body: Login, request: Request, response: Response) -> am.SignedIn | JSONResponse:
    try:
        actor, csrf = sign_in(request, response, body.username, body.password)
    except TooManyAttempts as exc:
        return JSONResponse(
            {"error": exc.to_dict()}, status_code=429, headers=retry_headers(exc.details)
        )
    return _signed_in(actor, csrf)


@router.post("/auth/logout", tags=["auth"], summary="Sign out (needs the CSRF token)")
def logout(request: Request, response: Response, actor: ActorDep) -> dict[str, bool]:
    if actor.is_anonymous:
        raise Unauthenticated("You are not signed in.")
    sign_out(request, response, actor)
    return {"signed_out": True}


@router.get("/auth/me", tags=["auth"], response_model=am.SignedIn, summary="Who the caller is")
def me(request: Request, actor: ActorDep) -> am.SignedIn:
    if actor.is_anonymous:
        raise Unauthenticated(
            "You are not signed in.", hint="POST /api/v1/auth/login or send a token."
        )
    return _signed_in(actor, getattr(request.state, "csrf_token", None))


# organisations -------------------------------------------------------------------------------------
@router.get("/orgs", tags=["orgs"], response_model=list[am.OrgPublic], summary="List organisations")
def list_orgs(platform: PlatformDep, include_closed: bool = False) -> list[am.OrgPublic]:
    return platform.access.orgs.list(include_closed=include_closed)


@router.get(
    "/orgs/tree", tags=["orgs"], response_model=list[am.OrgNode], summary="Organisations as a tree"
)
def org_tree(platform: PlatformDep, include_closed: bool = False) -> list[am.OrgNode]:
    return platform.access.orgs.tree(include_closed=include_closed)


@router.post(
    "/orgs",
    tags=["orgs"],
    response_model=am.OrgPublic,
    status_code=201,
    summary="Create an organisation",
)
def create_org(body: am.OrgCreate, platform: PlatformDep, actor: ActorDep) -> am.OrgPublic:
    return platform.access.orgs.create(body, actor=actor)


@router.post(
    "/orgs/merge",
    tags=["orgs"],
    response_model=am.OrgPublic,
    summary="Merge organisations into one",
)
def merge_orgs(body: am.OrgMerge, platform: PlatformDep, actor: ActorDep) -> am.OrgPublic:
    return platform.access.orgs.merge(body.codes, into=body.into, actor=actor, on=body.on)


@router.get("/orgs/{code}", tags=["orgs"], response_model=am.OrgPublic, summary="One organisation")
def get_org(code: str, platform: PlatformDep) -> am.OrgPublic:
    return platform.access.orgs.get(code)


@router.patch(
    "/orgs/{code}", tags=["orgs"], response_model=am.OrgPublic, summary="Change an organisation"
)
def update_org(
    code: str, body: am.OrgUpdate, platform: PlatformDep, actor: ActorDep
) -> am.OrgPublic:
    return platform.access.orgs.update(code, body, actor=actor)


@router.post(
    "/orgs/{code}/close",
    tags=["orgs"],
    response_model=am.OrgPublic,
    summary="Close an organisation",
)
def close_org(code: str, body: am.OrgClose, platform: PlatformDep, actor: ActorDep) -> am.OrgPublic:
    return platform.access.orgs.close(code, actor=actor, successor=body.successor_code, on=body.on)


# users ---------------------------------------------------------------------------------------------
@router.get("/users", tags=["users"], response_model=list[am.UserPublic], summary="List users")
def list_users(
    platform: PlatformDep, actor: ActorDep, org_code: str | None = None
) -> list[am.UserPublic]:
    return platform.access.users.list(actor=actor, org_code=org_code)


@router.post(
    "/users", tags=["users"], response_model=am.UserPublic, status_code=201, summary="Create a user"
)
def create_user(body: am.UserCreate, platform: PlatformDep, actor: ActorDep) -> am.UserPublic:
    return platform.access.users.create(body, actor=actor)


@router.get("/users/{username}", tags=["users"], response_model=am.UserPublic, summary="One user")
def get_user(username: str, platform: PlatformDep, actor: ActorDep) -> am.UserPublic:
    return platform.access.users.get(username, actor=actor)


@router.patch(
    "/users/{username}", tags=["users"], response_model=am.UserPublic, summary="Change a user"
)
def update_user(
    username: str, body: am.UserUpdate, platform: PlatformDep, actor: ActorDep
) -> am.UserPublic:
    return platform.access.users.update(username, body, actor=actor)


@router.post(
    "/users/{username}/password", tags=["users"], status_code=204, summary="Set a password"
)
def set_password(
    username: str, body: am.PasswordChange, platform: PlatformDep, actor: ActorDep
) -> Response:
    platform.access.users.set_password(username, body, actor=actor)
    return Response(status_code=204)


@router.put(
    "/users/{username}/roles/{org_code}",
    tags=["users"],
    response_model=am.UserPublic,
    summary="Give a role in an organisation",
)
def set_role(
    username: str, org_code: str, body: RoleSet, platform: PlatformDep, actor: ActorDep
) -> am.UserPublic:
    return platform.access.users.set_role(username, org_code, body.role, actor=actor)


@router.delete(
    "/users/{username}/roles/{org_code}",
    tags=["users"],
    response_model=am.UserPublic,
    summary="Take away a role",
)
def remove_role(
    username: str, org_code: str, platform: PlatformDep, actor: ActorDep
) -> am.UserPublic:
    return platform.access.users.set_role(username, org_code, None, actor=actor)


# tokens --------------------------------------------------------------------------------------------
@router.get(
    "/tokens", tags=["tokens"], response_model=list[am.TokenPublic], summary="List API tokens"
)
def list_tokens(
    platform: PlatformDep, actor: ActorDep, username: str | None = None
) -> list[am.TokenPublic]:
    return platform.access.tokens.list(actor=actor, username=username)


@router.post(
    "/tokens",
    tags=["tokens"],
    response_model=am.TokenCreated,
    status_code=201,
    summary="Create an API token (the secret is shown once)",
)
def create_token(body: am.TokenCreate, platform: PlatformDep, actor: ActorDep) -> am.TokenCreated:
    _require_signed_in(actor)
    return platform.access.tokens.create(body, actor=actor)


@router.delete(
    "/tokens/{token_id}", tags=["tokens"], response_model=am.TokenPublic, summary="Revoke a token"
)
def revoke_token(token_id: RowId, platform: PlatformDep, actor: ActorDep) -> am.TokenPublic:
    return platform.access.tokens.revoke(token_id, actor=actor)


# grants --------------------------------------------------------------------------------------------
@router.get("/grants", tags=["grants"], response_model=list[am.GrantPublic], summary="List grants")
def list_grants(
    platform: PlatformDep,
    actor: ActorDep,
    dataset: str | None = None,
    include_inactive: bool = False,
) -> list[am.GrantPublic]:
    _require_signed_in(actor)
    return platform.access.grants.list(
        actor=actor, dataset=dataset, include_inactive=include_inactive
    )


@router.post(
    "/grants",
    tags=["grants"],
    response_model=am.GrantPublic,
    status_code=201,
    summary="Grant read access to an organisation or a user",
)
def create_grant(body: am.GrantCreate, platform: PlatformDep, actor: ActorDep) -> am.GrantPublic:
    _require_signed_in(actor)
    return platform.access.grants.create(body, actor=actor)


@router.delete(
    "/grants/{grant_id}", tags=["grants"], response_model=am.GrantPublic, summary="Revoke a grant"
)
def revoke_grant(
    grant_id: RowId,
    platform: PlatformDep,
    actor: ActorDep,
    reason: Annotated[
        str | None, Query(max_length=2000, description="Why; kept in the audit log")
    ] = None,
) -> am.GrantPublic:
    _require_signed_in(actor)
    return platform.access.grants.revoke(grant_id, actor=actor, reason=reason)


# access requests -----------------------------------------------------------------------------------
@router.get(
    "/requests",
    tags=["requests"],
    response_model=list[am.RequestPublic],
    summary="List access requests",
)
def list_requests(
    platform: PlatformDep,
    actor: ActorDep,
    status: am.RequestState | None = None,
    dataset: str | None = None,
    mine: bool = False,
) -> list[am.RequestPublic]:
    _require_signed_in(actor)
    return platform.access.requests.list(actor=actor, status=status, dataset=dataset, mine=mine)


@router.post(
    "/requests",
    tags=["requests"],
    response_model=am.RequestPublic,
    status_code=201,
    summary="Ask for access to a dataset",
)
def create_request(
    body: am.RequestCreate, platform: PlatformDep, actor: ActorDep
) -> am.RequestPublic:
    _require_signed_in(actor)
    return platform.access.requests.create(body, actor=actor)


@router.get(
    "/requests/{request_id}",
    tags=["requests"],
    response_model=am.RequestPublic,
    summary="One request",
)
def get_request(request_id: RowId, platform: PlatformDep, actor: ActorDep) -> am.RequestPublic:
    _require_signed_in(actor)
    return platform.access.requests.get(request_id, actor=actor)


@router.post(
    "/requests/{request_id}/approve",
    tags=["requests"],
    response_model=am.RequestPublic,
    summary="Approve, possibly narrower",
)
def approve_request(
    request_id: RowId, body: am.RequestApprove, platform: PlatformDep, actor: ActorDep
) -> am.RequestPublic:
    _require_signed_in(actor)
    return platform.access.requests.approve(request_id, body, actor=actor)


@router.post(
    "/requests/{request_id}/refuse",
    tags=["requests"],
    response_model=am.RequestPublic,
    summary="Refuse with a reason",
)
def refuse_request(
    request_id: RowId, body: am.RequestRefuse, platform: PlatformDep, actor: ActorDep
) -> am.RequestPublic:
    _require_signed_in(actor)
    return platform.access.requests.refuse(request_id, body.reason, actor=actor)


@router.post(
    "/requests/{request_id}/withdraw",
    tags=["requests"],
    response_model=am.RequestPublic,
    summary="Withdraw one's own pending request",
)
def withdraw_request(request_id: RowId, platform: PlatformDep, actor: ActorDep) -> am.RequestPublic:
    _require_signed_in(actor)
    return platform.access.requests.withdraw(request_id, actor=actor)


# audit ---------------------------------------------------------------------------------------------
@router.get(
    "/audit",
    tags=["audit"],
    response_model=list[am.AuditEntryPublic],
    summary="Audit log, newest first",
)
def list_audit(
    platform: PlatformDep,
    actor: ActorDep,
    who: Annotated[str | None, Query(alias="actor", max_length=200)] = None,
    dataset: Annotated[str | None, Query(max_length=63)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=0, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0, lt=2**62)] = 0,
) -> list[am.AuditEntryPublic]:
    _require_signed_in(actor)
    return platform.access.log.list(
        actor,
        who=who,
        dataset=dataset,
        action=action,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/audit/verify",
    tags=["audit"],
    response_model=am.AuditVerification,
    summary="Check the hash chain of the audit log",
)
def verify_audit(platform: PlatformDep, actor: ActorDep) -> am.AuditVerification:
    _require_signed_in(actor)
    return platform.access.log.verify(actor)


def _require_signed_in(actor: Actor) -> None:
    if actor.is_anonymous:
        raise Unauthenticated(
            "Sign in or send an API token first.",
            hint="POST /api/v1/auth/login, or send `Authorization: Bearer kho_…`.",
        )
