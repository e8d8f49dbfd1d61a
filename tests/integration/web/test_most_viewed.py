"""Counting dataset views and downloads, and "most viewed" on the home and search pages, on both
metadata backends through the real ASGI app."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from kho.access.actors import SYSTEM
from kho.catalog.models import DatasetCreate
from kho.catalog.views import DatasetViews
from kho.platform import Platform
from kho.web.app import create_app

pytestmark = pytest.mark.anyio
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def app(loaded_platform: Platform) -> FastAPI:
    return create_app(loaded_platform)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://kho.test",
        headers={"user-agent": BROWSER, "accept-language": "vi"},
    ) as c:
        yield c


def stored(platform: Platform) -> dict[str, tuple[int, int]]:
    with platform.engine.connect() as c:
        rows = c.execute(text("SELECT dataset_slug, views, downloads FROM kho_dataset_views")).all()
    return {slug: (int(v), int(d)) for slug, v, d in rows}


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


async def test_only_successful_views_by_people_are_counted(
    app: FastAPI, client: httpx.AsyncClient, loaded_platform: Platform
) -> None:
    for _ in range(3):
        assert (await client.get("/datasets/ho_so")).status_code == 200
    not_counted = [
        client.get(
            "/datasets/ho_so", headers={"user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"}
        ),
        client.get("/datasets/ho_so", headers={"user-agent": "Mozilla/5.0 HeadlessChrome/140"}),
        client.get("/datasets/ho_so", headers={"user-agent": ""}),
        client.head("/datasets/ho_so"),
        client.get(  # paging inside the page is not a new view
            "/datasets/ho_so?offset=25", headers={"referer": "http://kho.test/datasets/ho_so"}
        ),
        client.get("/datasets/khong_co"),  # 404
        client.get("/datasets/noi_bo"),  # restricted: 404 for the public
        client.get("/datasets/ho_so/chart"),
        client.get("/datasets/ho_so.jsonld"),
    ]
    for request in not_counted:
        await request
    for _ in range(2):
        r = await client.get("/api/v1/datasets/ho_so/export.csv")
        assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    await client.get("/api/v1/datasets/noi_bo/export.csv")  # refused: not counted
    app.state.views.flush()
    assert stored(loaded_platform) == {"ho_so": (3, 2)}


async def test_counts_from_several_processes_add_up(
    app: FastAPI, client: httpx.AsyncClient, loaded_platform: Platform
) -> None:
    await client.get("/datasets/ho_so")
    app.state.views.flush()
    other_process = DatasetViews(loaded_platform.sessions)
    for _ in range(4):
        other_process.count("ho_so", "view")
    other_process.count("ho_so", "download")
    other_process.flush()
    await client.get("/datasets/ho_so")
    app.state.views.flush()
    assert stored(loaded_platform) == {"ho_so": (6, 1)}
    assert app.state.views.flush() == 0  # nothing pending, nothing written


async def test_home_lists_the_most_viewed_with_numbers_in_the_reader_language(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    views = app.state.views
    for _ in range(1234):
        views.count("ho_so", "view")
    for _ in range(3):
        views.count("ho_so", "download")
    for _ in range(5000):
        views.count("noi_bo", "view")  # restricted: never shown to the public
    views.flush()
    vi = text_of((await client.get("/")).text)
    assert "Xem nhiều nhất" in vi and "Hồ sơ một cửa Hà Nội 1.234 lượt xem 3 lượt tải" in vi
    assert "Dữ liệu nội bộ" not in vi and "5.000" not in vi
    en = text_of((await client.get("/?lang=en")).text)
    assert "Most viewed" in en and "Ha Noi one-stop dossiers 1,234 views 3 downloads" in en


async def test_home_says_when_nothing_was_viewed_yet(client: httpx.AsyncClient) -> None:
    assert "Chưa có lượt xem nào." in text_of((await client.get("/")).text)


async def test_search_sorts_by_most_viewed(
    app: FastAPI, client: httpx.AsyncClient, loaded_platform: Platform
) -> None:
    loaded_platform.catalog.create(
        DatasetCreate(
            slug="ho_so_cu",
            org_code="SO-TP",
            title_vi="Hồ sơ một cửa cũ",
            access_level="public",
        ),
        actor=SYSTEM,
    )
    for _ in range(5):
        app.state.views.count("ho_so_cu", "download")
    app.state.views.count("ho_so", "view")
    r = await client.get("/search", params={"q": "ho so", "sort": "views"})
    titles = re.findall(r'<article class="card" data-title="([^"]+)"', r.text)
    assert titles == ["Hồ sơ một cửa cũ", "Hồ sơ một cửa Hà Nội"]
    assert '<strong aria-current="true">xem nhiều nhất</strong>' in r.text
    page2 = await client.get("/search", params={"q": "ho so", "sort": "views", "offset": 1})
    assert re.findall(r'data-title="([^"]+)"', page2.text) == ["Hồ sơ một cửa Hà Nội"]
    assert (await client.get("/search", params={"sort": "<b>"})).status_code == 400
