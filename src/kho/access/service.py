"""The access facade (``platform.access``): who may read what, sign-in, tokens, grants, requests, audit."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from kho.access.actors import Actor
from kho.access.audit import AuditLog
from kho.access.grants import Grants
from kho.access.models import ReadPolicy
from kho.access.orgs import Organisations
from kho.access.requests import AccessRequests
from kho.access.signins import SignIns
from kho.access.tokens import Tokens
from kho.access.users import Users


class Access:
    """One entry point over the access concern; adapters call the parts (``orgs``, ``users``, …) directly."""

    def __init__(self, sessions: Callable[[], Session]):
        self._sessions = sessions
        self.orgs = Organisations(sessions)
        self.users = Users(sessions)
        self.tokens = Tokens(sessions)
        self.grants = Grants(sessions)
        self.requests = AccessRequests(sessions)
        self.signins = SignIns(sessions)

    @cached_property
    def log(self) -> AuditLog:
        return AuditLog(self._sessions)

    def read_policy(
        self, actor: Actor, *, dataset_slug: str, org_code: str, access_level: str
    ) -> ReadPolicy | None:
        """What the actor may read of the dataset (None: nothing); column and row limits come from grants."""
        return self.grants.policy(
            actor, dataset_slug=dataset_slug, org_code=org_code, access_level=access_level
        )

    def authenticate_token(self, raw: str) -> Actor:
        return self.tokens.authenticate(raw)

    def authenticate_password(
        self, username: str, password: str, *, source: str | None = None
    ) -> Actor:
        return self.users.authenticate_password(username, password, source=source)

    def actor_for_user(self, username: str) -> Actor:
        return self.users.actor_for_user(username)

    def audit(
        self,
        actor: Actor,
        *,
        action: str,
        resource: str,
        details: dict[str, Any] | None = None,
        rows: int | None = None,
        dataset: str | None = None,
    ) -> None:
        """Append one entry to the hash-chained audit log (e.g. a read of non-public data and its row count)."""
        if dataset is None and resource.startswith("dataset:"):
            dataset = resource.removeprefix("dataset:").split("/", 1)[0] or None
        self.log.record(
            actor, action=action, resource=resource, details=details, rows=rows, dataset=dataset
        )

    def org_names_for_search(self, code: str) -> list[str]:
        """Current, predecessor and successor names, for the catalog's search text."""
        return self.orgs.names_for_search(code)

    def can_write(self, actor: Actor, *, org_code: str) -> bool:
        """Editors and admins of the owner organisation (or its successor), and platform admins, with a write scope."""
        from kho.access.grants import effective_orgs

        if not actor.has_scope("write"):
            return False
        if actor.is_platform_admin:
            return True
        writers = {c for c, r in actor.roles.items() if r in ("admin", "editor")}
        if not writers:
            return False
        with self._sessions() as s:
            return org_code in effective_orgs(s, writers)
