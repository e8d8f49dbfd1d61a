"""Web sign-in sessions: a random cookie secret kept as SHA-256, with its own CSRF token."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kho.access import _clock
from kho.access.actors import Actor
from kho.access.audit import append
from kho.access.tokens import digest
from kho.access.users import actor_of
from kho.metadata import models as db

LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class SignIn:
    """A live sign-in: who, and the CSRF token its forms and unsafe requests must carry."""

    actor: Actor
    csrf_token: str


class SignIns:
    """Open, look up and close web sign-in sessions."""

    def __init__(self, sessions: Callable[[], Session]):
        self._sessions = sessions

    def open(self, actor: Actor) -> tuple[str, str]:
        """Start a session for a signed-in user; returns (cookie secret, CSRF token)."""
        raw, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = _clock.now()
        with self._sessions() as s, s.begin():
            s.execute(delete(db.SignInSession).where(db.SignInSession.expires_at < now))
            s.add(
                db.SignInSession(
                    user_id=actor.user_id,
                    key_hash=digest(raw),
                    csrf_token=csrf,
                    created_at=now,
                    expires_at=now + LIFETIME,
                )
            )
        return raw, csrf

    def find(self, raw: str) -> SignIn | None:
        """The sign-in behind a cookie, or None if it is unknown, expired, or its user was deactivated."""
        if not raw or len(raw) > 200:
            return None
        with self._sessions() as s:
            row = s.scalar(select(db.SignInSession).where(db.SignInSession.key_hash == digest(raw)))
            if row is None or (_clock.aware(row.expires_at) or _clock.now()) <= _clock.now():
                return None
            user = s.get(db.User, row.user_id)
            if user is None or not user.is_active:
                return None
            return SignIn(actor=actor_of(user), csrf_token=row.csrf_token)

    def close(self, raw: str, *, actor: Actor) -> None:
        with self._sessions() as s, s.begin():
            s.execute(
                delete(db.SignInSession).where(db.SignInSession.key_hash == digest(raw or ""))
            )
            append(s, actor, action="signout", resource=f"user:{actor.name}")
