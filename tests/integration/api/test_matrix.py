"""The authorization matrix: every dataset route × every kind of caller × every access level → one expected status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.integration.api.conftest import LEVELS, ApiWorld

pytestmark = pytest.mark.anyio

WHO = ["anonymous", "viewer_other", "granted", "editor_owner", "admin_owner", "padmin"]
WRITERS = {"editor_owner", "admin_owner", "padmin"}


def may_read(who: str, level: str) -> bool:
    """The access model of DESIGN.md: public for all, internal for any signed-in user, restricted for owner + grants."""
    if level == "public":
        return True
    if level == "internal":
        return who != "anonymous"
    return who in {"granted", *WRITERS}


@dataclass(frozen=True)
class Route:
    name: str
    kind: str  # read | write | public-only
    call: Callable[[httpx.AsyncClient, ApiWorld, str, dict[str, str]], Any]
    ok: int = 200

    def expected(self, who: str, level: str) -> int:
        if self.kind == "public-only":  # DCAT publishes public datasets only, to everyone
            return self.ok if level == "public" else 404
        if not may_read(who, level):
            return 404  # as if absent: no hint that a restricted dataset exists
        if self.kind == "write" and who not in WRITERS:
            return 403  # anonymous too: the service says "anonymous may not change datasets of …"
        return self.ok


def _get(path: str, **params: Any) -> Callable[..., Any]:
    async def call(
        c: httpx.AsyncClient, w: ApiWorld, slug: str, h: dict[str, str]
    ) -> httpx.Response:
        return await c.get(
            path.format(
                slug=slug, load=w.platform.ingest.loads(slug, actor=w.actors["padmin"])[0].load_id
            ),
            params={k: v.format(slug=slug) for k, v in params.items()},
            headers=h,
        )

    return call


async def _sql(c: httpx.AsyncClient, w: ApiWorld, slug: str, h: dict[str, str]) -> httpx.Response:
    return await c.post("/api/v1/sql", json={"sql": f"SELECT count(*) AS n FROM {slug}"}, headers=h)


async def _upload(
    c: httpx.AsyncClient, w: ApiWorld, slug: str, h: dict[str, str]
) -> httpx.Response:
    files = {"file": ("ho_so.csv", w.csv.read_bytes(), "text/csv")}
    return await c.post(
        f"/api/v1/datasets/{slug}/uploads", files=files, data={"mode": "append"}, headers=h
    )


ROUTES = [
    Route("dataset", "read", _get("/api/v1/datasets/{slug}")),
    Route("versions", "read", _get("/api/v1/datasets/{slug}/versions")),
    Route("rows", "read", _get("/api/v1/datasets/{slug}/rows", _limit="2")),
    Route("rows filtered", "read", _get("/api/v1/datasets/{slug}/rows", ma_ho_so="HS-0001")),
    Route("export.csv", "read", _get("/api/v1/datasets/{slug}/export.csv")),
    Route("export.parquet", "read", _get("/api/v1/datasets/{slug}/export.parquet")),
    Route("loads", "read", _get("/api/v1/datasets/{slug}/loads")),
    Route("load report", "write", _get("/api/v1/loads/{load}")),
    Route("rejects", "write", _get("/api/v1/datasets/{slug}/rejects")),
    Route("rejects.csv", "write", _get("/api/v1/datasets/{slug}/rejects.csv")),
    Route("upload", "write", _upload, ok=201),
    Route("sql", "read", _sql),
    Route("ckan package_show", "read", _get("/api/3/action/package_show", id="{slug}")),
    Route(
        "ckan datastore_search",
        "read",
        _get("/api/3/action/datastore_search", resource_id="{slug}"),
    ),
    Route("ckan datastore dump", "read", _get("/datastore/dump/{slug}")),
    Route("dcat dataset", "public-only", _get("/datasets/{slug}.jsonld")),
]
CASES = [(r, who, level) for r in ROUTES for who in WHO for level in LEVELS]


@pytest.mark.parametrize(
    ("route", "who", "level"), CASES, ids=[f"{r.name}-{w}-{lv}" for r, w, lv in CASES]
)
async def test_matrix(
    api_client: httpx.AsyncClient, api_world: ApiWorld, route: Route, who: str, level: str
) -> None:
    r = await route.call(api_client, api_world, LEVELS[level], api_world.headers(who))
    expected = route.expected(who, level)
    assert r.status_code == expected, (
        f"{route.name} as {who} on {level}: {r.status_code} {r.text[:300]}"
    )
    if expected >= 400 and r.headers.get("content-type", "").startswith("application/json"):
        body = r.json()
        assert "error" in body or body.get("success") is False, body
