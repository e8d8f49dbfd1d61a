"""Access requests: a user asks for a dataset with a purpose; the owner's admins approve or refuse."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kho.access import _clock
from kho.access.actors import Actor
from kho.access.audit import append
from kho.access.grants import (
    add_grant,
    check_columns,
    dataset_columns,
    dataset_owner,
    effective_orgs,
    is_manager,
)
from kho.access.models import (
    GrantCreate,
    RequestApprove,
    RequestCreate,
    RequestPublic,
    RequestState,
)
from kho.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kho.metadata import models as db

DEFAULT_APPROVAL = timedelta(days=365)


class AccessRequests:
    """Ask, list, approve (possibly narrower), refuse, withdraw; approvals expire."""

    def __init__(self, sessions: Callable[[], Session]):
        self._sessions = sessions

    def create(self, data: RequestCreate, *, actor: Actor) -> RequestPublic:
        if actor.user_id is None:
            raise PermissionDenied(
                "Only a signed-in user can request access.", hint="Sign in, or use --as USER."
            )
        with self._sessions() as s, s.begin():
            dataset_owner(s, data.dataset)
            if data.columns is not None:
                check_columns(data.columns, dataset_columns(s, data.dataset))
            pending = s.scalar(
                select(db.AccessRequest.id).where(
                    db.AccessRequest.dataset_slug == data.dataset,
                    db.AccessRequest.user_id == actor.user_id,
                    db.AccessRequest.status == "pending",
                )
            )
            if pending is not None:
                raise Conflict(
                    f"You already asked for {data.dataset!r} (request {pending}); it awaits a decision."
                )
            row = db.AccessRequest(
                dataset_slug=data.dataset,
                user_id=actor.user_id,
                purpose=data.purpose.strip(),
                columns=data.columns,
                status="pending",
                created_at=_clock.now(),
            )
            s.add(row)
            s.flush()
            append(
                s,
                actor,
                action="request.create",
                resource=f"request:{row.id}",
                dataset=data.dataset,
                details={"purpose": row.purpose, "columns": data.columns},
            )
            return _public(s, row)

    def list(
        self,
        *,
        actor: Actor,
        status: str | None = None,
        dataset: str | None = None,
        mine: bool = False,
    ) -> builtins.list[RequestPublic]:
        """The actor's own requests and, for owner-org admins, the requests they decide."""
        self.expire_due()
        with self._sessions() as s:
            stmt = select(db.AccessRequest).order_by(db.AccessRequest.id.desc())
            if status:
                stmt = stmt.where(db.AccessRequest.status == status)
            if dataset:
                stmt = stmt.where(db.AccessRequest.dataset_slug == dataset)
            if mine:
                stmt = stmt.where(db.AccessRequest.user_id == (actor.user_id or -1))
            return [_public(s, r) for r in s.scalars(stmt) if _may_see(s, actor, r)]

    def get(self, request_id: int, *, actor: Actor) -> RequestPublic:
        self.expire_due()
        with self._sessions() as s:
            return _public(s, self._load(s, request_id, actor))

    def approve(self, request_id: int, data: RequestApprove, *, actor: Actor) -> RequestPublic:
        """Approve, optionally for fewer columns, some rows only, or a shorter time; creates the grant."""
        with self._sessions() as s, s.begin():
            row = self._decidable(s, request_id, actor)
            columns = data.columns if data.columns is not None else row.columns
            if row.columns is not None and data.columns is not None:
                wider = [c for c in data.columns if c not in row.columns]
                if wider:
                    raise InvalidInput(
                        f"Approval may only narrow the request; not asked for: {', '.join(wider)}."
                    )
            expires = data.expires_at or _clock.now() + DEFAULT_APPROVAL
            username = s.scalar(select(db.User.username).where(db.User.id == row.user_id))
            grant = add_grant(
                s,
                GrantCreate(
                    dataset=row.dataset_slug,
                    username=username,
                    columns=columns,
                    rows=data.rows,
                    expires_at=expires,
                    note=f"request {row.id}: {row.purpose[:200]}",
                ),
                actor=actor,
                request_id=row.id,
            )
            row.status, row.grant_id, row.expires_at = "approved", grant.id, grant.expires_at
            row.decided_by, row.decided_at = actor.name[:200], _clock.now()
            append(
                s,
                actor,
                action="request.approve",
                resource=f"request:{row.id}",
                dataset=row.dataset_slug,
                details={
                    "grant": grant.id,
                    "columns": columns,
                    "rows": grant.row_filter,
                    "expires_at": expires.isoformat(),
                },
            )
            return _public(s, row)

    def refuse(self, request_id: int, reason: str, *, actor: Actor) -> RequestPublic:
        if not (reason or "").strip():
            raise InvalidInput("A refusal needs a reason the requester can read.")
        with self._sessions() as s, s.begin():
            row = self._decidable(s, request_id, actor)
            row.status, row.reason = "refused", reason.strip()
            row.decided_by, row.decided_at = actor.name[:200], _clock.now()
            append(
                s,
                actor,
                action="request.refuse",
                resource=f"request:{row.id}",
                dataset=row.dataset_slug,
                details={"reason": row.reason},
            )
            return _public(s, row)

    def withdraw(self, request_id: int, *, actor: Actor) -> RequestPublic:
        with self._sessions() as s, s.begin():
            row = self._load(s, request_id, actor)
            if row.user_id != actor.user_id or row.status != "pending":
                raise Conflict(
                    f"Request {request_id} is {row.status}; only its requester can withdraw it "
                    "while pending."
                )
            row.status = "withdrawn"
            append(
                s,
                actor,
                action="request.withdraw",
                resource=f"request:{row.id}",
                dataset=row.dataset_slug,
            )
            return _public(s, row)

    def expire_due(self) -> int:
        """Mark approved requests whose time is up as expired (their grants lapse by themselves)."""
        now = _clock.now()
        with self._sessions() as s, s.begin():
            ids = [
                r.id
                for r in s.scalars(
                    select(db.AccessRequest).where(
                        db.AccessRequest.status == "approved",
                        db.AccessRequest.expires_at.is_not(None),
                    )
                )
                if (_clock.aware(r.expires_at) or now) <= now
            ]
            if ids:
                s.execute(
                    update(db.AccessRequest)
                    .where(db.AccessRequest.id.in_(ids))
                    .values(status="expired")
                )
            return len(ids)

    def _load(self, s: Session, request_id: int, actor: Actor) -> db.AccessRequest:
        row = s.get(db.AccessRequest, request_id)
        if row is None or not _may_see(s, actor, row):
            raise NotFound(f"No access request {request_id}.", hint="Run `kho requests list`.")
        return row

    def _decidable(self, s: Session, request_id: int, actor: Actor) -> db.AccessRequest:
        row = self._load(s, request_id, actor)
        owner = s.scalar(select(db.Dataset.org_code).where(db.Dataset.slug == row.dataset_slug))
        if owner is None or not is_manager(s, actor, owner):
            raise PermissionDenied(
                f"{actor} may not decide request {request_id}.",
                hint=f"Administrators of {owner!r} decide it.",
            )
        if row.status != "pending":
            raise Conflict(f"Request {request_id} is already {row.status}.")
        return row


def _may_see(s: Session, actor: Actor, r: db.AccessRequest) -> bool:
    if actor.is_platform_admin or (actor.user_id is not None and r.user_id == actor.user_id):
        return True
    owner = s.scalar(select(db.Dataset.org_code).where(db.Dataset.slug == r.dataset_slug))
    return owner is not None and owner in effective_orgs(
        s, actor.org_codes
    )  # the owner's staff see them


def _public(s: Session, r: db.AccessRequest) -> RequestPublic:
    a = _clock.aware
    return RequestPublic(
        id=r.id,
        dataset=r.dataset_slug,
        username=s.scalar(select(db.User.username).where(db.User.id == r.user_id)) or "?",
        owner_org=s.scalar(select(db.Dataset.org_code).where(db.Dataset.slug == r.dataset_slug)),
        purpose=r.purpose,
        columns=r.columns,
        status=cast(RequestState, r.status),
        decided_by=r.decided_by,
        decided_at=a(r.decided_at),
        reason=r.reason,
        grant_id=r.grant_id,
        expires_at=a(r.expires_at),
        created_at=a(r.created_at) or r.created_at.replace(tzinfo=UTC),
    )
