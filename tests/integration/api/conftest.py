"""One world per metadata backend, built once per module: three datasets of every access level, users of every role, tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kho.access.actors import SYSTEM, Actor
from kho.access.models import (
    GrantCreate,
    MembershipPublic,
    OrgCreate,
    RowCondition,
    TokenCreate,
    UserCreate,
)
from kho.catalog.models import DatasetCreate
from kho.platform import Platform
from kho.web.app import create_app
from tests.integration.flow.conftest import HEADER, ROWS

PASSWORD = "mat-khau-rat-dai-123"
LEVELS = {"public": "cong_khai", "internal": "noi_bo", "restricted": "han_che"}
# who -> (organisation, role); None = no membership
PEOPLE: dict[str, tuple[str, str] | None] = {
    "viewer_other": ("SO-YT", "viewer"),
    "granted": ("SO-YT", "viewer"),
    "editor_owner": ("SO-TP", "editor"),
    "admin_owner": ("SO-TP", "admin"),
    "padmin": None,
}
GRANTED_COLUMNS = ["ma_ho_so", "tinh_thanh_pho"]


@dataclass
class ApiWorld:
    platform: Platform
    actors: dict[str, Actor]
    tokens: dict[str, str]  # who -> raw token (read + write; admins also admin)
    csv: Path
    backend: str

    def headers(self, who: str) -> dict[str, str]:
        return {} if who == "anonymous" else {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module", autouse=True)
def _cheap_argon2() -> Iterator[None]:
    from argon2 import PasswordHasher

    from kho.access import passwords

    mp = pytest.MonkeyPatch()
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    mp.setattr(passwords, "_hasher", lambda: cheap)
    yield
    mp.undo()


def build_world(home: Path, database_url: str | None, backend: str, **settings: object) -> ApiWorld:
    """SO-TP owns one dataset per access level; SO-YT is another department; `granted` holds a narrow grant."""
    from kho.settings import Settings

    home.mkdir(parents=True, exist_ok=True)
    csv = home / "ho_so.csv"
    csv.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    p = Platform(Settings(home=home, database_url=database_url, **settings))  # type: ignore[arg-type]
    p.init()
    a = p.access
    a.orgs.create(OrgCreate(code="HN", name_vi="Thành phố Hà Nội", kind="province"), actor=SYSTEM)
    a.orgs.create(OrgCreate(code="SO-TP", name_vi="Sở Tư pháp", parent_code="HN"), actor=SYSTEM)
    a.orgs.create(OrgCreate(code="SO-YT", name_vi="Sở Y tế", parent_code="HN"), actor=SYSTEM)
    for level, slug in LEVELS.items():
        p.catalog.create(
            DatasetCreate(
                slug=slug, org_code="SO-TP", title_vi=f"Hồ sơ {level}", access_level=level
            ),  # type: ignore[arg-type]
            actor=SYSTEM,
        )
        p.ingest.load(csv, dataset=slug, actor=SYSTEM)
    for name, member in PEOPLE.items():
        ms = [MembershipPublic(org_code=member[0], role=member[1])] if member else []  # type: ignore[arg-type]
        a.users.create(
            UserCreate(
                username=name, password=PASSWORD, memberships=ms, is_platform_admin=name == "padmin"
            ),
            actor=SYSTEM,
        )
    a.grants.create(
        GrantCreate(
            dataset="han_che",
            username="granted",
            columns=GRANTED_COLUMNS,
            rows=[RowCondition(column="tinh_thanh_pho", value="Hà Nội")],
        ),
        actor=SYSTEM,
    )
    actors = {name: a.actor_for_user(name) for name in PEOPLE}
    tokens = {
        name: str(
            a.tokens.create(TokenCreate(name="t", scopes=_scopes(name)), actor=actors[name]).token
        )
        for name in PEOPLE
    }
    return ApiWorld(p, actors, tokens, csv, backend)


def _scopes(name: str) -> list[str]:
    return ["read", "write", "admin"] if name in ("admin_owner", "padmin") else ["read", "write"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiWorld]:
    home = tmp_path_factory.mktemp(f"api-{request.param}")
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_server").create_database()
    world = build_world(
        home, url, request.param, rate_limit_per_minute=0, sql_timeout_s=3.0, sql_memory_mb=256
    )
    yield world
    world.platform.close()


@pytest.fixture(scope="module")
async def api_client(api_world: ApiWorld) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(api_world.platform)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://kho.test"
    ) as c:
        yield c
