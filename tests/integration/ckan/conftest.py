"""A platform with public, restricted and tagged datasets; an ASGI client; a real `kho serve` with the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from kho.access.actors import SYSTEM
from kho.catalog.models import DatasetCreate, Organisation
from kho.platform import Platform
from kho.web.app import create_app
from tests.integration.web.conftest import loaded_platform, messy_dossiers_csv  # noqa: F401
from tests.kho_process import kho_serve


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def ckan_platform(loaded_platform: Platform, messy_dossiers_csv: Path) -> Platform:  # noqa: F811
    """``ho_so`` (public, SO-TP, sector Tư pháp), ``noi_bo`` (restricted) and ``so_lieu`` (public, tagged)."""
    p = loaded_platform
    p.catalog.ensure_organisation(
        Organisation(
            code="CTK-KH", name_vi="Thống kê tỉnh Khánh Hòa", name_en="Khanh Hoa Statistics Office"
        ),
        actor=SYSTEM,
    )
    p.catalog.create(
        DatasetCreate(
            slug="so_lieu",
            org_code="CTK-KH",
            title_vi="Số liệu dân số Khánh Hòa",
            title_en="Khanh Hoa population figures",
            access_level="public",
            sector="Dân số và lao động",
            keywords=["dân số", "thống kê"],
            licence="CC0-1.0",
            contact="Phòng Thống kê — tk@khanhhoa.gov.vn",
        ),
        actor=SYSTEM,
    )
    p.ingest.load(messy_dossiers_csv, dataset="so_lieu", actor=SYSTEM)
    return p


@pytest.fixture
async def ckan_client(ckan_platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(ckan_platform)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://kho.test"
    ) as c:
        yield c



@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real `kho serve` process with the demo datasets loaded (SQLite metadata)."""
    home = tmp_path_factory.mktemp("ckan_serve") / "home"
    env = {**os.environ, "KHO_HOME": str(home)}
    env.pop("KHO_DATABASE_URL", None)
    kho = [sys.executable, "-m", "kho.cli.main"]
    subprocess.run([*kho, "demo"], env=env, check=True, capture_output=True, timeout=300)
    with kho_serve(env) as base:
        yield base
