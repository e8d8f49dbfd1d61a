"""create_app() can be called many times in one process (tests, workers) without state piling up
in module-level routers: it once stacked the workspace routes and lifespans on every call, until a
long test run failed at start-up with RecursionError."""

from __future__ import annotations

from pathlib import Path

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kho.platform import Platform
from kho.settings import Settings
from kho.web.app import create_app
from kho.web.pages import workspace


def _paths(app: object) -> list[str]:
    return sorted(r.path for r in app.routes if isinstance(r, APIRoute))  # type: ignore[attr-defined]


def test_each_app_gets_the_same_routes_and_starts(tmp_path: Path) -> None:
    platform = Platform(Settings(home=tmp_path / "home"))
    platform.init()
    module_routes = len(workspace.router.routes)
    first = create_app(platform)
    for _ in range(30):
        app = create_app(platform)
    assert len(workspace.router.routes) == module_routes
    assert _paths(app) == _paths(first)
    assert len(set(_paths(app))) > 0
    with TestClient(app) as client:  # runs the lifespan
        assert client.get("/health").status_code == 200
        assert client.get("/workspace", follow_redirects=False).status_code in (302, 303, 307)
    platform.close()
