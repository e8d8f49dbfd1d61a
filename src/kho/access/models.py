"""Schemas of the access concern: organisations, users, tokens, grants, requests, audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

OrgCode = str
Role = Literal["admin", "editor", "viewer"]
Scope = Literal["read", "write", "admin"]
State = Literal["active", "expired", "revoked"]
ROLES: tuple[str, ...] = ("admin", "editor", "viewer")
SCOPES: tuple[str, ...] = ("read", "write", "admin")
CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9_.@-]{1,63}$"


def has_nul(value: object) -> bool:
    """NUL characters are refused everywhere: PostgreSQL cannot store them and no real name has one."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


class Schema(BaseModel):
    """Base of the input schemas: every text field is checked for NUL characters."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


@dataclass(frozen=True)
class ReadPolicy:
    """What an actor may read of one dataset: columns (None = all) and a SQL row filter (None = all)."""

    columns: list[str] | None
    row_filter: str | None
    reason: str
    grant_ids: list[int] = field(default_factory=list)

    @property
    def is_limited(self) -> bool:
        return self.columns is not None or self.row_filter is not None


class OrgCreate(Schema):
    code: OrgCode = Field(pattern=CODE_PATTERN)
    name_vi: str = Field(min_length=1, max_length=500)
    name_en: str | None = Field(default=None, max_length=500)
    parent_code: OrgCode | None = Field(default=None, pattern=CODE_PATTERN)
    kind: str | None = Field(
        default=None, max_length=30, description="ministry, province, department, unit…"
    )
    admin_unit_code: str | None = Field(
        default=None, max_length=20, description="Official administrative unit code"
    )
    valid_from: date | None = None


class OrgUpdate(Schema):
    name_vi: str | None = Field(default=None, min_length=1, max_length=500)
    name_en: str | None = Field(default=None, max_length=500)
    parent_code: OrgCode | None = Field(default=None, pattern=CODE_PATTERN)
    kind: str | None = Field(default=None, max_length=30)
    admin_unit_code: str | None = Field(default=None, max_length=20)


class OrgPublic(BaseModel):
    code: OrgCode
    name_vi: str
    name_en: str | None = None
    parent_code: OrgCode | None = None
    kind: str | None = None
    admin_unit_code: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successor_code: OrgCode | None = None
    is_active: bool = True
    predecessors: list[OrgCode] = Field(default_factory=list)
    children: list[OrgCode] = Field(default_factory=list)


class OrgNode(BaseModel):
    """An organisation with its sub-organisations, for `kho orgs tree`."""

    code: OrgCode
    name_vi: str
    is_active: bool
    successor_code: OrgCode | None = None
    children: list[OrgNode] = Field(default_factory=list)


class OrgMerge(Schema):
    codes: list[OrgCode] = Field(min_length=1, max_length=100)
    into: OrgCode = Field(pattern=CODE_PATTERN)
    on: date | None = None


class OrgClose(Schema):
    successor_code: OrgCode | None = Field(default=None, pattern=CODE_PATTERN)
    on: date | None = None


class MembershipPublic(Schema):
    org_code: OrgCode
    role: Role


class UserCreate(Schema):
    username: str = Field(pattern=USERNAME_PATTERN)
    password: str = Field(min_length=10, max_length=1024)
    full_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=320)
    is_platform_admin: bool = False
    memberships: list[MembershipPublic] = Field(default_factory=list)


class UserUpdate(Schema):
    full_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    is_platform_admin: bool | None = None
    is_active: bool | None = None


class PasswordChange(Schema):
    new_password: str = Field(min_length=10, max_length=1024)
    current_password: str | None = Field(default=None, max_length=1024)


class UserPublic(BaseModel):
    username: str
    full_name: str
    email: str | None
    is_platform_admin: bool
    is_active: bool
    is_locked: bool = False
    memberships: list[MembershipPublic]
    last_login_at: datetime | None = None
    created_at: datetime


class TokenCreate(Schema):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(default_factory=lambda: list[Scope](["read"]), min_length=1)
    expires_in_days: int = Field(default=90, ge=1, le=3650)
    username: str | None = Field(
        default=None, description="Owner; default the caller (admins may choose)"
    )


class TokenPublic(BaseModel):
    id: int
    username: str
    name: str
    prefix: str
    scopes: list[str]
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime
    state: State


class TokenCreated(TokenPublic):
    token: str = Field(description="The secret, shown this once only")


Operator = Literal["=", "!=", "in", "<", "<=", ">", ">="]
Scalar = str | int | float | bool | None


class RowCondition(Schema):
    """One condition of a grant's row filter; all conditions of a grant must hold."""

    column: str = Field(min_length=1, max_length=63)
    op: Operator = "="
    value: Scalar | list[Scalar] = None


class GrantCreate(Schema):
    dataset: str = Field(min_length=1, max_length=63)
    org_code: OrgCode | None = Field(default=None, pattern=CODE_PATTERN)
    username: str | None = Field(default=None, max_length=64)
    columns: list[str] | None = Field(default=None, max_length=1000)
    rows: list[RowCondition] | None = Field(default=None, max_length=50)
    expires_at: datetime | None = None
    note: str | None = Field(default=None, max_length=2000)


class GrantPublic(BaseModel):
    id: int
    dataset: str
    org_code: OrgCode | None
    username: str | None
    columns: list[str] | None
    rows: list[RowCondition] | None
    row_filter_sql: str | None
    expires_at: datetime | None
    revoked_at: datetime | None
    request_id: int | None
    note: str | None
    created_by: str
    created_at: datetime
    state: State


class RequestCreate(Schema):
    dataset: str = Field(min_length=1, max_length=63)
    purpose: str = Field(min_length=5, max_length=5000)
    columns: list[str] | None = Field(default=None, max_length=1000)


class RequestApprove(Schema):
    columns: list[str] | None = Field(default=None, max_length=1000)
    rows: list[RowCondition] | None = Field(default=None, max_length=50)
    expires_at: datetime | None = None


class RequestRefuse(Schema):
    reason: str = Field(min_length=1, max_length=5000)


RequestState = Literal["pending", "approved", "refused", "expired", "withdrawn"]


class RequestPublic(BaseModel):
    id: int
    dataset: str
    owner_org: OrgCode | None
    username: str
    purpose: str
    columns: list[str] | None
    status: RequestState
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    grant_id: int | None
    expires_at: datetime | None
    created_at: datetime


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_kind: str
    action: str
    resource: str
    dataset: str | None
    details: dict[str, Any]
    rows: int | None
    hash: str


class AuditVerification(BaseModel):
    ok: bool
    entries: int
    first_broken_id: int | None = None
    message: str


class SignedIn(BaseModel):
    username: str
    full_name: str
    is_platform_admin: bool
    memberships: list[MembershipPublic]
    csrf_token: str | None = None
