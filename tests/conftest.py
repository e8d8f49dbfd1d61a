"""Shared fixtures: metadata backends (SQLite and a real PostgreSQL server), settings, platform."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pgserver import PostgresServer

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
if not REALDATA.exists():  # a clone placed elsewhere: look beside the repository root
    REALDATA = Path(os.environ.get("KHO_REALDATA", REALDATA))


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The shared corpus of real third-party files (used by path, never copied)."""
    if not REALDATA.exists():
        pytest.fail(f"realdata corpus not found at {REALDATA}; set KHO_REALDATA")
    return REALDATA


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty metadata database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kho.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database()


@pytest.fixture
def settings(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    from kho.settings import Settings

    return Settings(home=tmp_path / "home", database_url=database_url)


@pytest.fixture
def sqlite_settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    from kho.settings import Settings

    return Settings(home=tmp_path / "home")
