"""Two organisations, a restricted dataset with real columns, and one user per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kho.access import _clock
from kho.access.actors import SYSTEM, Actor
from kho.access.models import MembershipPublic, OrgCreate, UserCreate
from kho.catalog.models import DatasetCreate
from kho.platform import Platform
from tests.integration.flow.conftest import messy_dossiers_csv  # noqa: F401 - re-exported fixture

PASSWORD = "mat-khau-rat-dai-123"
# username -> (organisation, role) ; None = no membership
PEOPLE: dict[str, tuple[str, str] | None] = {
    "viewer_other": ("SO-YT", "viewer"),
    "granted": ("SO-YT", "viewer"),
    "editor_owner": ("SO-TP", "editor"),
    "admin_owner": ("SO-TP", "admin"),
    "padmin": None,
}


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters so tests stay fast; the algorithm and code path are the real ones."""
    from argon2 import PasswordHasher

    from kho.access import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


class Clock:
    """Moves the access concern's notion of 'now' forward."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.offset = timedelta()
        real = _clock.now
        monkeypatch.setattr(_clock, "now", lambda: real() + self.offset)

    def advance(self, **kw: float) -> None:
        self.offset += timedelta(**kw)

    def now(self) -> datetime:
        return _clock.now()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@dataclass
class World:
    platform: Platform
    actors: dict[str, Actor]


@pytest.fixture
def world(settings, messy_dossiers_csv: Path) -> Iterator[World]:  # type: ignore[no-untyped-def]  # noqa: F811
    """SO-TP owns `ho_so` (restricted, loaded) ; SO-YT is another department; users of every role."""
    p = Platform(settings)
    p.init()
    a = p.access
    a.orgs.create(OrgCreate(code="HN", name_vi="Thành phố Hà Nội", kind="province"), actor=SYSTEM)
    a.orgs.create(OrgCreate(code="SO-TP", name_vi="Sở Tư pháp", parent_code="HN"), actor=SYSTEM)
    a.orgs.create(OrgCreate(code="SO-YT", name_vi="Sở Y tế", parent_code="HN"), actor=SYSTEM)
    p.catalog.create(
        DatasetCreate(
            slug="ho_so", org_code="SO-TP", title_vi="Hồ sơ một cửa", access_level="restricted"
        ),
        actor=SYSTEM,
    )
    p.ingest.load(messy_dossiers_csv, dataset="ho_so", actor=SYSTEM)
    for name, member in PEOPLE.items():
        ms = [MembershipPublic(org_code=member[0], role=member[1])] if member else []  # type: ignore[arg-type]
        a.users.create(
            UserCreate(
                username=name, password=PASSWORD, memberships=ms, is_platform_admin=name == "padmin"
            ),
            actor=SYSTEM,
        )
    actors = {name: a.actor_for_user(name) for name in PEOPLE}
    yield World(p, actors)
    p.close()
