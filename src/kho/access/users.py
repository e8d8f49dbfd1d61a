"""Users, their roles per organisation, password sign-in with lockout, and the Actor each one acts as."""

from __future__ import annotations

import builtins
import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from kho.access import _clock, passwords
from kho.access.actors import ANONYMOUS, Actor, ActorKind
from kho.access.audit import append
from kho.access.models import (
    MembershipPublic,
    PasswordChange,
    UserCreate,
    UserPublic,
    UserUpdate,
    has_nul,
)
from kho.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kho.metadata import models as db

BAD_SIGN_IN = "Wrong username or password."
RESET_PREFIX = "khr_"
RESET_LIFETIME = timedelta(hours=24)
BAD_RESET_LINK = "This password-reset link is unknown, already used or expired."


class Users:
    """People who sign in; only platform admins create them, org admins manage their org's roles."""

    def __init__(self, sessions: Callable[[], Session]):
        self._sessions = sessions

    def create(self, data: UserCreate, *, actor: Actor) -> UserPublic:
        _require_platform_admin(actor, f"create user {data.username!r}")
        with self._sessions() as s, s.begin():
            if _find(s, data.username) is not None:
                raise Conflict(
                    f"User {data.username!r} already exists.",
                    hint=f"Run `kho users show {data.username}`.",
                )
            user = db.User(
                username=data.username,
                full_name=data.full_name,
                email=data.email,
                password_hash=passwords.hash_password(data.password),
                is_platform_admin=data.is_platform_admin,
                is_active=True,
                failed_logins=0,
                created_at=_clock.now(),
            )
            s.add(user)
            for m in data.memberships:
                _require_org(s, m.org_code)
                user.memberships.append(db.Membership(org_code=m.org_code, role=m.role))
            s.flush()
            append(
                s,
                actor,
                action="user.create",
                resource=f"user:{data.username}",
                details=data.model_dump(mode="json", exclude={"password"}),
            )
            return _public(user)

    def list(self, *, actor: Actor, org_code: str | None = None) -> builtins.list[UserPublic]:
        """Platform admins see everyone; org admins see the members of their organisations."""
        if not actor.is_user and not actor.is_platform_admin:
            raise PermissionDenied(f"{actor} may not list users.", hint="Sign in first.")
        with self._sessions() as s:
            users = s.scalars(
                select(db.User)
                .options(selectinload(db.User.memberships))
                .order_by(db.User.username)
            ).all()
            visible = [u for u in users if _may_see(actor, u)]
            if org_code:
                visible = [u for u in visible if any(m.org_code == org_code for m in u.memberships)]
            return [_public(u) for u in visible]

    def get(self, username: str, *, actor: Actor) -> UserPublic:
        with self._sessions() as s:
            user = _get(s, username)
            if not _may_see(actor, user):
                raise NotFound(f"No user {username!r}.", hint="Run `kho users list`.")
            return _public(user)

    def update(self, username: str, data: UserUpdate, *, actor: Actor) -> UserPublic:
        changes = data.model_dump(exclude_unset=True)
        for flag in ("full_name", "is_platform_admin", "is_active"):  # null: leave as it is
            if flag in changes and changes[flag] is None:
                del changes[flag]
        if not changes:
            raise InvalidInput(
                "Nothing to change.", hint="Give at least one field, e.g. full_name."
            )
        with self._sessions() as s, s.begin():
            user = _get(s, username)
            if {"is_platform_admin", "is_active"} & changes.keys():
                _require_platform_admin(actor, f"change the status of user {username!r}")
                _keep_an_admin(s, actor, user, changes)
            elif actor.user_id != user.id:
                _require_platform_admin(actor, f"change user {username!r}")
            for key, value in changes.items():
                setattr(user, key, value)
            if changes.get("is_active") is True:
                user.failed_logins, user.locked_until = 0, None
            append(s, actor, action="user.update", resource=f"user:{username}", details=changes)
            return _public(user)

    def set_password(self, username: str, data: PasswordChange, *, actor: Actor) -> None:
        """People change their own password (giving the current one); platform admins reset anyone's."""
        with self._sessions() as s, s.begin():
            user = _get(s, username)
            is_self = actor.user_id == user.id and actor.kind == "user"
            if not is_self:
                _require_platform_admin(actor, f"set the password of {username!r}")
            elif not passwords.verify_password(user.password_hash, data.current_password or ""):
                raise PermissionDenied("The current password is wrong.")
            user.password_hash = passwords.hash_password(data.new_password)
            user.failed_logins, user.locked_until = 0, None
            s.execute(delete(db.SignInSession).where(db.SignInSession.user_id == user.id))
            append(s, actor, action="user.password", resource=f"user:{username}")

    def set_role(
        self, username: str, org_code: str, role: str | None, *, actor: Actor
    ) -> UserPublic:
        """Give (or with ``role=None`` take away) a role in one organisation."""
        if role is not None and role not in ("admin", "editor", "viewer"):
            raise InvalidInput(f"Role {role!r} is not one of admin, editor, viewer.")
        with self._sessions() as s, s.begin():
            user = _get(s, username)
            _require_org(s, org_code)
            is_platform_admin = actor.is_platform_admin and actor.has_scope("admin")
            if not is_platform_admin and (
                actor.role_in(org_code) != "admin" or not actor.has_scope("admin")
            ):
                raise PermissionDenied(
                    f"{actor} may not change roles in {org_code!r}.",
                    hint=f"Ask an administrator of {org_code!r}.",
                )
            existing = next((m for m in user.memberships if m.org_code == org_code), None)
            if role is None and existing is None:
                raise NotFound(f"{username!r} has no role in {org_code!r}.")
            if role is None:
                user.memberships.remove(existing)  # type: ignore[arg-type]
            elif existing is None:
                user.memberships.append(db.Membership(org_code=org_code, role=role))
            else:
                existing.role = role
            append(
                s,
                actor,
                action="user.role",
                resource=f"user:{username}",
                details={"org_code": org_code, "role": role},
            )
            s.flush()
            return _public(user)

    def issue_reset_link(self, username: str, *, actor: Actor) -> str:
        """A one-time secret for a password-reset link, valid 24 hours; earlier unused links stop working."""
        _require_platform_admin(actor, f"reset the password of {username!r}")
        raw = RESET_PREFIX + secrets.token_urlsafe(32)
        now = _clock.now()
        with self._sessions() as s, s.begin():
            user = _get(s, username)
            if not user.is_active:
                raise Conflict(
                    f"User {username!r} is deactivated.", hint="Reactivate the user first."
                )
            s.execute(
                delete(db.PasswordReset).where(
                    db.PasswordReset.user_id == user.id, db.PasswordReset.used_at.is_(None)
                )
            )
            s.add(
                db.PasswordReset(
                    user_id=user.id,
                    token_hash=_reset_digest(raw),
                    created_by=actor.name[:200],
                    created_at=now,
                    expires_at=now + RESET_LIFETIME,
                )
            )
            append(
                s,
                actor,
                action="user.reset_link",
                resource=f"user:{username}",
                details={"expires_at": (now + RESET_LIFETIME).isoformat()},
            )
        return raw

    def reset_link_user(self, raw: str) -> str:
        """The username a reset link is for, or PermissionDenied when it cannot be used."""
        with self._sessions() as s:
            return _usable_reset(s, raw)[1].username

    def reset_password(self, raw: str, data: PasswordChange) -> str:
        """Set a new password through a reset link (once); lifts a lockout and ends the user's sessions."""
        with self._sessions() as s, s.begin():
            reset, user = _usable_reset(s, raw)
            reset.used_at = _clock.now()
            user.password_hash = passwords.hash_password(data.new_password)
            user.failed_logins, user.locked_until = 0, None
            s.execute(delete(db.SignInSession).where(db.SignInSession.user_id == user.id))
            append(
                s, actor_of(user), action="user.password_reset", resource=f"user:{user.username}"
            )
            return user.username

    def unlock(self, username: str, *, actor: Actor) -> None:
        _require_platform_admin(actor, f"unlock {username!r}")
        with self._sessions() as s, s.begin():
            user = _get(s, username)
            user.failed_logins, user.locked_until = 0, None
            append(s, actor, action="user.unlock", resource=f"user:{username}")

    def authenticate_password(
        self, username: str, password: str, *, source: str | None = None
    ) -> Actor:
        """Check a password; failures are counted and, past a few, lock the account for a growing time."""
        now = _clock.now()
        error = PermissionDenied(BAD_SIGN_IN)
        with self._sessions() as s, s.begin():
            user = _find(s, username.strip().lower()) if isinstance(username, str) else None
            details: dict[str, Any] = {"source": source} if source else {}
            locked = _clock.aware(user.locked_until) if user else None
            if user is not None and locked is not None and locked > now:
                passwords.verify_password(None, password)
                seconds = int((locked - now).total_seconds()) + 1
                append(
                    s,
                    _who(username),
                    action="signin.locked",
                    resource=f"user:{user.username}",
                    details=details,
                )
                error = PermissionDenied(
                    f"Too many failed sign-ins for {user.username!r}; try again in {seconds} s.",
                    details={"retry_after": seconds},
                )
                ok = False
            else:
                ok = (
                    user is not None
                    and user.is_active
                    and passwords.verify_password(user.password_hash, password)
                )
            if not ok and "retry_after" not in error.details:
                if user is None:
                    passwords.verify_password(None, password)
                else:
                    user.failed_logins += 1
                    lock = passwords.lock_for(user.failed_logins)
                    user.locked_until = now + lock if lock else None
                append(
                    s,
                    _who(username),
                    action="signin.failed",
                    resource=f"user:{str(username)[:64]}",
                    details={
                        **details,
                        "reason": "inactive"
                        if user is not None and not user.is_active
                        else "bad_credentials",
                    },
                )
            elif ok:
                assert user is not None
                user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
                if user.password_hash and passwords.needs_rehash(user.password_hash):
                    user.password_hash = passwords.hash_password(password)
                append(
                    s,
                    actor_of(user),
                    action="signin.ok",
                    resource=f"user:{user.username}",
                    details=details,
                )
                return actor_of(user)
        raise error

    def actor_for_user(self, username: str) -> Actor:
        """The Actor a user acts as (for `kho sql --as USER` and the like)."""
        with self._sessions() as s:
            user = _get(s, username)
            if not user.is_active:
                raise PermissionDenied(f"User {username!r} is deactivated.")
            return actor_of(user)

    def actor_for_id(self, user_id: int, **extra: Any) -> Actor | None:
        with self._sessions() as s:
            user = s.get(db.User, user_id)
            return actor_of(user, **extra) if user is not None and user.is_active else None


def actor_of(
    user: db.User,
    *,
    kind: ActorKind = "user",
    scopes: frozenset[str] = frozenset(),
    name: str | None = None,
) -> Actor:
    roles = {m.org_code: m.role for m in user.memberships}
    is_admin = user.is_platform_admin and (kind == "user" or "admin" in scopes)
    return Actor(
        kind=kind,
        name=name or user.username,
        org_codes=frozenset(roles),
        is_platform_admin=is_admin,
        user_id=user.id,
        roles=roles,
        token_scopes=scopes,
    )


def _keep_an_admin(s: Session, actor: Actor, user: db.User, changes: dict[str, Any]) -> None:
    """Nobody locks themselves out, and the platform always keeps an active administrator."""
    if changes.get("is_active") is False and actor.user_id == user.id:
        raise Conflict(
            "You cannot deactivate yourself.", hint="Ask another platform administrator."
        )
    losing = changes.get("is_active") is False or changes.get("is_platform_admin") is False
    if not (losing and user.is_platform_admin and user.is_active):
        return
    others = s.scalar(
        select(func.count(db.User.id)).where(
            db.User.is_platform_admin.is_(True), db.User.is_active.is_(True), db.User.id != user.id
        )
    )
    if not others:
        raise Conflict(
            f"{user.username!r} is the last active platform administrator.",
            hint="Make another user a platform administrator first.",
        )


def _reset_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _usable_reset(s: Session, raw: str) -> tuple[db.PasswordReset, db.User]:
    refused = PermissionDenied(BAD_RESET_LINK, hint="Ask an administrator for a new link.")
    if not isinstance(raw, str) or not raw.startswith(RESET_PREFIX) or len(raw) > 100:
        raise refused
    reset = s.scalar(
        select(db.PasswordReset).where(db.PasswordReset.token_hash == _reset_digest(raw))
    )
    now = _clock.now()
    if reset is None or reset.used_at is not None or (_clock.aware(reset.expires_at) or now) <= now:
        raise refused
    user = s.get(db.User, reset.user_id)
    if user is None or not user.is_active:
        raise refused
    return reset, user


def _who(username: object) -> Actor:
    return (
        Actor(kind="anonymous", name=f"anonymous ({str(username)[:64]!r})")
        if username
        else ANONYMOUS
    )


def _may_see(actor: Actor, user: db.User) -> bool:
    if actor.is_platform_admin or actor.user_id == user.id:
        return True
    return any(actor.role_in(m.org_code) == "admin" for m in user.memberships)


def _find(s: Session, username: str) -> db.User | None:
    if has_nul(username):
        return None
    return s.scalar(select(db.User).where(db.User.username == username))


def _get(s: Session, username: str) -> db.User:
    user = _find(s, username)
    if user is None:
        raise NotFound(f"No user {username!r}.", hint="Run `kho users list` to see users.")
    return user


def _require_org(s: Session, code: str) -> None:
    if s.scalar(select(db.Organisation.id).where(db.Organisation.code == code)) is None:
        raise NotFound(
            f"No organisation {code!r}.", hint="Create it with `kho orgs create CODE NAME`."
        )


def _require_platform_admin(actor: Actor, what: str) -> None:
    if not (actor.is_platform_admin and actor.has_scope("admin")):
        raise PermissionDenied(
            f"{actor} may not {what}.", hint="Only platform administrators may do this."
        )


def _public(user: db.User) -> UserPublic:
    locked = _clock.aware(user.locked_until)
    return UserPublic(
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        is_platform_admin=user.is_platform_admin,
        is_active=user.is_active,
        is_locked=bool(locked and locked > _clock.now()),
        memberships=[
            MembershipPublic(org_code=m.org_code, role=m.role)  # type: ignore[arg-type]
            for m in user.memberships
        ],
        last_login_at=_clock.aware(user.last_login_at),
        created_at=_clock.aware(user.created_at) or user.created_at,
    )
