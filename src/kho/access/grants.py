"""Grants of read access to restricted datasets, and the read policy they add up to."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from kho.access import _clock, rowfilters
from kho.access.actors import Actor
from kho.access.audit import append
from kho.access.models import GrantCreate, GrantPublic, ReadPolicy, RowCondition, State, has_nul
from kho.access.orgs import predecessors
from kho.errors import InvalidInput, NotFound, PermissionDenied
from kho.metadata import models as db

FULL = None  # a policy field of None means "no limit"


class Grants:
    """Give, list and revoke grants; compute what an actor may read."""

    def __init__(self, sessions: Callable[[], Session]):
        self._sessions = sessions

    def create(
        self, data: GrantCreate, *, actor: Actor, request_id: int | None = None
    ) -> GrantPublic:
        with self._sessions() as s, s.begin():
            row = add_grant(s, data, actor=actor, request_id=request_id)
            return _public(s, row)

    def list(
        self, *, actor: Actor, dataset: str | None = None, include_inactive: bool = False
    ) -> builtins.list[GrantPublic]:
        """Grants the actor may see: all for platform admins, their datasets' for org admins, their own otherwise."""
        with self._sessions() as s:
            stmt = select(db.Grant).order_by(db.Grant.id)
            if dataset:
                stmt = stmt.where(db.Grant.dataset_slug == dataset)
            rows = [g for g in s.scalars(stmt) if _may_see(s, actor, g)]
            out = [_public(s, g) for g in rows]
        return out if include_inactive else [g for g in out if g.state == "active"]

    def revoke(self, grant_id: int, *, actor: Actor, reason: str | None = None) -> GrantPublic:
        """Revoke at once; the reason (if given) is recorded in the same audit entry."""
        reason = (reason or "").strip() or None
        if reason is not None and len(reason) > 2000:
            raise InvalidInput(
                f"The reason is {len(reason):,} characters long; the limit is 2,000.",
                hint="Summarise the reason; details belong in the organisation's own records.",
            )
        with self._sessions() as s, s.begin():
            g = s.get(db.Grant, grant_id)
            if g is None or not _may_see(s, actor, g):
                raise NotFound(
                    f"No grant {grant_id}.", hint="Run `kho grants list` to see grant ids."
                )
            require_manager(s, actor, g.dataset_slug)
            if g.revoked_at is None:
                g.revoked_at = _clock.now()
            append(
                s,
                actor,
                action="grant.revoke",
                resource=f"grant:{grant_id}",
                dataset=g.dataset_slug,
                details={"reason": reason} if reason else None,
            )
            return _public(s, g)

    def policy(
        self, actor: Actor, *, dataset_slug: str, org_code: str, access_level: str
    ) -> ReadPolicy | None:
        """Public: anyone; internal: any signed-in principal; restricted: owner org, platform admins, grants."""
        if access_level == "public":
            return ReadPolicy(FULL, FULL, "public dataset")
        if actor.is_platform_admin:
            return ReadPolicy(FULL, FULL, "platform administrator")
        if actor.is_anonymous:
            return None
        if access_level == "internal":
            return ReadPolicy(FULL, FULL, "internal dataset, signed in")
        if access_level != "restricted":
            return None
        with self._sessions() as s:
            orgs = effective_orgs(s, actor.org_codes)
            if org_code in orgs:
                return ReadPolicy(FULL, FULL, f"member of owner organisation {org_code}")
            return _policy_from(active_grants(s, dataset_slug, actor.user_id, orgs))


def add_grant(
    s: Session, data: GrantCreate, *, actor: Actor, request_id: int | None = None
) -> db.Grant:
    """Check and insert one grant inside the caller's transaction."""
    if (data.org_code is None) == (data.username is None):
        raise InvalidInput(
            "A grant goes to exactly one organisation (org_code) or one user (username)."
        )
    require_manager(s, actor, data.dataset)
    columns = dataset_columns(s, data.dataset)
    if data.columns is not None:
        check_columns(data.columns, columns)
    rows = rowfilters.validate(data.rows, columns) if data.rows else None
    if data.expires_at is not None and _utc(data.expires_at) <= _clock.now():
        raise InvalidInput("The expiry date is in the past.", hint="Give a future date or none.")
    user_id = None
    if data.username is not None:
        user_id = s.scalar(select(db.User.id).where(db.User.username == data.username))
        if user_id is None:
            raise NotFound(f"No user {data.username!r}.", hint="Run `kho users list`.")
    elif s.scalar(select(db.Organisation.id).where(db.Organisation.code == data.org_code)) is None:
        raise NotFound(f"No organisation {data.org_code!r}.", hint="Run `kho orgs list`.")
    g = db.Grant(
        dataset_slug=data.dataset,
        org_code=data.org_code,
        user_id=user_id,
        columns=list(dict.fromkeys(data.columns)) if data.columns is not None else None,
        row_filter=[r.model_dump(mode="json") for r in rows] if rows else None,
        expires_at=_utc(data.expires_at) if data.expires_at else None,
        request_id=request_id,
        note=data.note,
        created_by=actor.name[:200],
        created_at=_clock.now(),
    )
    s.add(g)
    s.flush()
    append(
        s,
        actor,
        action="grant.create",
        resource=f"grant:{g.id}",
        dataset=data.dataset,
        details={
            "org_code": data.org_code,
            "username": data.username,
            "columns": g.columns,
            "rows": g.row_filter,
            "expires_at": g.expires_at.isoformat() if g.expires_at else None,
            "request_id": request_id,
        },
    )
    return g


def effective_orgs(s: Session, codes: Collection[str]) -> set[str]:
    """An actor's organisations plus those merged into them: a successor inherits its predecessors' data."""
    out = set(codes)
    for code in list(out):
        out.update(predecessors(s, code))
    return out


def active_grants(s: Session, slug: str, user_id: int | None, orgs: set[str]) -> list[db.Grant]:
    who: list[ColumnElement[bool]] = [db.Grant.org_code.in_(sorted(orgs))] if orgs else []
    if user_id is not None:
        who.append(db.Grant.user_id == user_id)
    if not who:
        return []
    rows = s.scalars(
        select(db.Grant)
        .where(db.Grant.dataset_slug == slug, db.Grant.revoked_at.is_(None), or_(*who))
        .order_by(db.Grant.id)
    )
    now = _clock.now()
    return [g for g in rows if g.expires_at is None or (_clock.aware(g.expires_at) or now) > now]


def _policy_from(grants: list[db.Grant]) -> ReadPolicy | None:
    """Several grants add up like PostgreSQL's column privileges (union) and permissive row policies (OR)."""
    if not grants:
        return None
    merged: list[str] = []
    for g in grants:
        merged.extend(c for c in g.columns or [] if c not in merged)
    columns = None if any(g.columns is None for g in grants) else merged
    filters = [
        rowfilters.render([RowCondition(**r) for r in g.row_filter]) if g.row_filter else None
        for g in grants
    ]
    ids = [g.id for g in grants]
    return ReadPolicy(
        columns, rowfilters.combine(filters), "grant " + ", ".join(f"#{i}" for i in ids), ids
    )


def dataset_owner(s: Session, slug: str) -> str:
    owner = (
        None
        if has_nul(slug)
        else s.scalar(select(db.Dataset.org_code).where(db.Dataset.slug == slug))
    )
    if owner is None:
        raise NotFound(f"No dataset {slug!r}.", hint="Run `kho datasets list` to see datasets.")
    return owner


def dataset_columns(s: Session, slug: str) -> list[str]:
    """Physical column names over every table of the dataset, in table order."""
    stmt = (
        select(db.Column.name)
        .join(db.Resource, db.Resource.id == db.Column.resource_id)
        .join(db.Dataset, db.Dataset.id == db.Resource.dataset_id)
        .where(db.Dataset.slug == slug)
        .order_by(db.Resource.id, db.Column.position)
    )
    return list(dict.fromkeys(s.scalars(stmt)))


def is_manager(s: Session, actor: Actor, owner: str) -> bool:
    """Platform admins, and admins of the owner organisation or of its successor."""
    if actor.is_platform_admin and actor.has_scope("admin"):
        return True
    if not actor.has_scope("admin"):
        return False
    admin_of = {c for c, r in actor.roles.items() if r == "admin"}
    return owner in effective_orgs(s, admin_of)


def require_manager(s: Session, actor: Actor, slug: str) -> str:
    owner = dataset_owner(s, slug)
    if not is_manager(s, actor, owner):
        raise PermissionDenied(
            f"{actor} may not decide who reads {slug!r}.",
            hint=f"Ask an administrator of {owner!r}.",
        )
    return owner


def check_columns(wanted: Sequence[str], columns: Sequence[str]) -> None:
    if not wanted:
        raise InvalidInput("The column list is empty.", hint="Leave it out to allow all columns.")
    unknown = [c for c in wanted if c not in columns]
    if unknown:
        raise InvalidInput(
            f"Columns not in the dataset: {', '.join(map(repr, unknown[:10]))}.",
            hint=f"Columns: {', '.join(columns) or '(none loaded yet)'}.",
        )


def _may_see(s: Session, actor: Actor, g: db.Grant) -> bool:
    if actor.is_platform_admin or g.user_id is not None and g.user_id == actor.user_id:
        return True
    if g.org_code is not None and g.org_code in effective_orgs(s, actor.org_codes):
        return True
    owner = s.scalar(select(db.Dataset.org_code).where(db.Dataset.slug == g.dataset_slug))
    return owner is not None and is_manager(s, actor, owner)


def _utc(value: datetime) -> datetime:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def state_of(revoked: datetime | None, expires: datetime | None) -> State:
    if revoked is not None:
        return "revoked"
    exp = _clock.aware(expires)
    return "expired" if exp is not None and exp <= _clock.now() else "active"


def _public(s: Session, g: db.Grant) -> GrantPublic:
    username = (
        s.scalar(select(db.User.username).where(db.User.id == g.user_id)) if g.user_id else None
    )
    rows = [RowCondition(**r) for r in g.row_filter] if g.row_filter else None
    return GrantPublic(
        id=g.id,
        dataset=g.dataset_slug,
        org_code=g.org_code,
        username=username,
        columns=g.columns,
        rows=rows,
        row_filter_sql=rowfilters.render(rows) if rows else None,
        expires_at=_clock.aware(g.expires_at),
        revoked_at=_clock.aware(g.revoked_at),
        request_id=g.request_id,
        note=g.note,
        created_by=g.created_by,
        created_at=_clock.aware(g.created_at) or g.created_at,
        state=state_of(g.revoked_at, g.expires_at),
    )
