"""A platform with a public demo-like dataset, and an HTTP client over the real ASGI app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from kho.access.actors import SYSTEM
from kho.catalog.models import DatasetCreate, Organisation
from kho.platform import Platform
from kho.web.app import create_app
from tests.integration.flow.conftest import messy_dossiers_csv  # noqa: F401 - re-exported fixture


@pytest.fixture
def loaded_platform(settings, messy_dossiers_csv: Path) -> Iterator[Platform]:  # type: ignore[no-untyped-def]  # noqa: F811
    p = Platform(settings)
    p.init()
    p.catalog.ensure_organisation(
        Organisation(code="SO-TP", name_vi="Sở Tư pháp Hà Nội"), actor=SYSTEM
    )
    p.catalog.create(
        DatasetCreate(
            slug="ho_so",
            org_code="SO-TP",
            title_vi="Hồ sơ một cửa Hà Nội",
            title_en="Ha Noi one-stop dossiers",
            access_level="public",
            sector="Tư pháp",
        ),
        actor=SYSTEM,
    )
    p.catalog.create(
        DatasetCreate(
            slug="noi_bo", org_code="SO-TP", title_vi="Dữ liệu nội bộ", access_level="restricted"
        ),
        actor=SYSTEM,
    )
    p.ingest.load(messy_dossiers_csv, dataset="ho_so", actor=SYSTEM)
    p.ingest.load(messy_dossiers_csv, dataset="noi_bo", actor=SYSTEM)
    yield p
    p.close()


@pytest.fixture
async def public_client(loaded_platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(loaded_platform)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://kho.test"
    ) as c:
        yield c
