"""API tokens: `kho_` + 32 random bytes, shown once, kept as SHA-256, scoped, expiring, revocable."""

from __future__ import annotations

import builtins
import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kho.access import _clock
from kho.access.actors import Actor
from kho.access.audit import append
from kho.access.models import State, TokenCreate, TokenCreated, TokenPublic
from kho.access.users import _get as get_user
from kho.access.users import actor_of
from kho.errors import NotFound, PermissionDenied
from kho.metadata import models as db

PREFIX = "kho_"
TOKEN_SHAPE = re.compile(r"^kho_[A-Za-z0-9_-]{43}$")
USE_AUDIT_EVERY = timedelta(
    minutes=1
)  # one "token.use" entry per token per minute, not per request


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Tokens:
    """Create, list, revoke and check API tokens."""

    def __init__(self, sessions: Callable[[], Session]):
        self._sessions = sessions

    def create(self, data: TokenCreate, *, actor: Actor) -> TokenCreated:
        """A new token for the caller (or, for platform admins, for ``data.username``); the secret is returned once."""
        raw = PREFIX + secrets.token_urlsafe(32)
        with self._sessions() as s, s.begin():
            user = self._owner(s, actor, data.username)
            scopes = sorted(set(data.scopes))
            if "admin" in scopes and not (
                user.is_platform_admin or any(m.role == "admin" for m in user.memberships)
            ):
                raise PermissionDenied(
                    f"{user.username!r} holds no admin role, so a token cannot have the admin scope."
                )
            now = _clock.now()
            row = db.ApiToken(
                user_id=user.id,
                name=data.name,
                token_hash=digest(raw),
                prefix=raw[:10],
                scopes=scopes,
                expires_at=now + timedelta(days=data.expires_in_days),
                created_at=now,
            )
            s.add(row)
            s.flush()
            append(
                s,
                actor,
                action="token.create",
                resource=f"token:{row.id}",
                details={
                    "user": user.username,
                    "name": data.name,
                    "scopes": scopes,
                    "expires_at": row.expires_at.isoformat() if row.expires_at else None,
                },
            )
            return TokenCreated(**_public(row, user.username).model_dump(), token=raw)

    def list(self, *, actor: Actor, username: str | None = None) -> builtins.list[TokenPublic]:
        with self._sessions() as s:
            stmt = select(db.ApiToken, db.User.username).join(
                db.User, db.User.id == db.ApiToken.user_id
            )
            if username:
                stmt = stmt.where(db.User.username == username)
            if not actor.is_platform_admin:
                if actor.user_id is None:
                    raise PermissionDenied(f"{actor} has no tokens.", hint="Sign in first.")
                stmt = stmt.where(db.ApiToken.user_id == actor.user_id)
            return [_public(t, name) for t, name in s.execute(stmt.order_by(db.ApiToken.id))]

    def revoke(self, token_id: int, *, actor: Actor) -> TokenPublic:
        with self._sessions() as s, s.begin():
            row = s.get(db.ApiToken, token_id)
            if row is None or not (actor.is_platform_admin or row.user_id == actor.user_id):
                raise NotFound(
                    f"No token {token_id}.", hint="Run `kho tokens list` to see token ids."
                )
            if row.revoked_at is None:
                row.revoked_at = _clock.now()
            owner = s.get(db.User, row.user_id)
            append(s, actor, action="token.revoke", resource=f"token:{token_id}")
            return _public(row, owner.username if owner else "?")

    def authenticate(self, raw: str) -> Actor:
        """The actor a token stands for; unknown, malformed, expired and revoked tokens are refused alike."""
        raw = (raw or "").strip()
        if not TOKEN_SHAPE.match(raw):
            raise PermissionDenied(
                "Malformed API token.", hint="Tokens look like kho_ followed by 43 characters."
            )
        now = _clock.now()
        with self._sessions() as s, s.begin():
            row = s.scalar(select(db.ApiToken).where(db.ApiToken.token_hash == digest(raw)))
            user = s.get(db.User, row.user_id) if row is not None else None
            state = _state(row) if row is not None else "unknown"
            if row is None or user is None or state != "active" or not user.is_active:
                raise PermissionDenied(
                    f"API token is {state if state != 'active' else 'not usable'}.",
                    hint="Create a new one with `kho tokens create`.",
                )
            last = _clock.aware(row.last_used_at)
            row.last_used_at = now
            actor = actor_of(user, kind="token", scopes=frozenset(row.scopes), name=user.username)
            if last is None or now - last >= USE_AUDIT_EVERY:
                append(s, actor, action="token.use", resource=f"token:{row.id}")
            return actor

    def _owner(self, s: Session, actor: Actor, username: str | None) -> db.User:
        if username and username != actor.name or actor.user_id is None:
            if not (actor.is_platform_admin and actor.has_scope("admin")):
                raise PermissionDenied(f"{actor} may only create tokens for themself.")
            if not username:
                raise PermissionDenied("Say which user the token is for (`--user NAME`).")
            return get_user(s, username)
        if actor.kind == "token" and not actor.has_scope("admin"):
            raise PermissionDenied("A token without the admin scope cannot create tokens.")
        user = s.get(db.User, actor.user_id)
        if user is None:
            raise NotFound(f"No user {actor.name!r}.")
        return user


def _state(row: db.ApiToken) -> State:
    if row.revoked_at is not None:
        return "revoked"
    expires = _clock.aware(row.expires_at)
    return "expired" if expires is not None and expires <= _clock.now() else "active"


def _public(row: db.ApiToken, username: str) -> TokenPublic:
    a = _clock.aware
    return TokenPublic(
        id=row.id,
        username=username,
        name=row.name,
        prefix=row.prefix,
        scopes=list(row.scopes),
        expires_at=a(row.expires_at),
        revoked_at=a(row.revoked_at),
        last_used_at=a(row.last_used_at),
        created_at=a(row.created_at) or row.created_at,
        state=_state(row),
    )
