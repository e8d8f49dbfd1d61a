"""The acting principal every service call takes explicitly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ActorKind = Literal["system", "user", "token", "anonymous"]


@dataclass(frozen=True)
class Actor:
    """A person, a token or the anonymous public; ``org_codes`` are the organisations it belongs to."""

    kind: ActorKind
    name: str
    org_codes: frozenset[str] = field(default_factory=frozenset)
    is_platform_admin: bool = False
    user_id: int | None = None
    roles: dict[str, str] = field(
        default_factory=dict, hash=False
    )  # org code -> admin|editor|viewer
    token_scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_user(self) -> bool:
        """A signed-in person, directly or through one of their tokens."""
        return self.user_id is not None

    def has_scope(self, scope: str) -> bool:
        """Tokens carry scopes; people and the local operator hold every scope."""
        return self.kind != "token" or scope in self.token_scopes or "admin" in self.token_scopes

    def role_in(self, org_code: str) -> str | None:
        return self.roles.get(org_code)

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"

    def __str__(self) -> str:
        return self.name


ANONYMOUS = Actor(kind="anonymous", name="anonymous")
SYSTEM = Actor(kind="system", name="system", is_platform_admin=True)


def local_operator() -> Actor:
    """Whoever runs the CLI on the server: a platform administrator (the shell is the credential)."""
    import getpass

    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        user = "operator"
    return Actor(kind="system", name=f"cli:{user}", is_platform_admin=True)


def can_read(actor: Actor, *, access_level: str, org_code: str) -> bool:
    """Foundation rule: public for all, internal for any signed-in principal, restricted for the owner org."""
    if access_level == "public" or actor.is_platform_admin:
        return True
    if actor.is_anonymous:
        return False
    if access_level == "internal":
        return True
    return org_code in actor.org_codes
