"""Catalog changes over the JSON API: create, update, dictionary edits, inventory, delete — with a token."""

from __future__ import annotations

import httpx
import pytest

from kho.access.actors import SYSTEM
from kho.access.models import TokenCreate, UserCreate
from kho.platform import Platform
from kho.web.app import create_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def clients(loaded_platform: Platform):  # type: ignore[no-untyped-def]
    p = loaded_platform
    p.access.users.create(
        UserCreate.model_validate(
            {
                "username": "bien_tap",
                "password": "mat-khau-dai-1",
                "memberships": [{"org_code": "SO-TP", "role": "editor"}],
            }
        ),
        actor=SYSTEM,
    )
    p.access.users.create(
        UserCreate(username="nguoi_ngoai", password="mat-khau-dai-2"), actor=SYSTEM
    )
    editor = p.access.tokens.create(
        TokenCreate(name="t", scopes=["read", "write"], username="bien_tap"), actor=SYSTEM
    )
    other = p.access.tokens.create(
        TokenCreate(name="t", scopes=["read", "write"], username="nguoi_ngoai"), actor=SYSTEM
    )
    transport = httpx.ASGITransport(app=create_app(p))
    async with (
        httpx.AsyncClient(
            transport=transport,
            base_url="http://kho.test",
            headers={"Authorization": f"Bearer {editor.token}"},
        ) as ed,
        httpx.AsyncClient(
            transport=transport,
            base_url="http://kho.test",
            headers={"Authorization": f"Bearer {other.token}"},
        ) as ot,
        httpx.AsyncClient(transport=transport, base_url="http://kho.test") as anon,
    ):
        yield ed, ot, anon


async def test_editor_creates_updates_describes_and_deletes(clients) -> None:  # type: ignore[no-untyped-def]
    ed, ot, anon = clients
    body = {"slug": "dan_so", "org_code": "SO-TP", "title_vi": "Dân số", "access_level": "public"}
    assert (await anon.post("/api/v1/datasets", json=body)).status_code in (401, 403)
    assert (await ot.post("/api/v1/datasets", json=body)).status_code == 403
    r = await ed.post("/api/v1/datasets", json=body)
    assert r.status_code == 201, r.text
    assert (await ed.post("/api/v1/datasets", json=body)).status_code == 409
    r = await ed.patch(
        "/api/v1/datasets/dan_so", json={"title_en": "Population", "keywords": ["dân số"]}
    )
    assert r.status_code == 200 and r.json()["title_en"] == "Population"
    found = (await anon.get("/api/v1/datasets", params={"q": "population"})).json()
    assert [d["slug"] for d in found["items"]] == ["dan_so"]
    r = await ed.patch(
        "/api/v1/datasets/ho_so/columns/le_phi_dong", json={"unit": "đồng", "label": "Lệ phí"}
    )
    assert r.status_code == 200 and r.json()["unit"] == "đồng"
    cols = (await anon.get("/api/v1/datasets/ho_so")).json()["tables"][0]["columns"]
    assert {c["name"]: c["label"] for c in cols}["le_phi_dong"] == "Lệ phí"
    assert (await ot.delete("/api/v1/datasets/dan_so")).status_code == 403
    assert (await ed.delete("/api/v1/datasets/dan_so")).status_code == 204
    assert (await anon.get("/api/v1/datasets/dan_so")).status_code == 404


async def test_bad_catalog_input_is_a_400_envelope(clients) -> None:  # type: ignore[no-untyped-def]
    ed, _ot, _anon = clients
    for body in (
        {"slug": "Bad Slug!", "org_code": "SO-TP", "title_vi": "x"},
        {"slug": "ok", "org_code": "SO-TP", "title_vi": ""},
        {"slug": "ok", "org_code": "SO-TP", "title_vi": "x", "access_level": "secret"},
        {"slug": "ok"},
    ):
        r = await ed.post("/api/v1/datasets", json=body)
        assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_input", body
    r = await ed.patch("/api/v1/datasets/ho_so/columns/khong_co", json={"unit": "x"})
    assert r.status_code == 404 and "columns" in r.json()["error"]["message"]


async def test_inventory_is_for_signed_in_users(clients) -> None:  # type: ignore[no-untyped-def]
    ed, ot, anon = clients
    r = await ed.post(
        "/api/v1/inventory",
        json={
            "org_code": "SO-TP",
            "title": "Sổ hộ tịch 1990–2005",
            "format": "Giấy",
            "volume": "80 sổ",
        },
    )
    assert r.status_code == 201, r.text
    assert (await anon.get("/api/v1/inventory")).status_code in (401, 403)
    assert [i["title"] for i in (await ot.get("/api/v1/inventory")).json()] == [
        "Sổ hộ tịch 1990–2005"
    ]
    assert (
        await ot.post("/api/v1/inventory", json={"org_code": "SO-TP", "title": "x"})
    ).status_code == 403


async def test_null_for_a_required_field_leaves_it_unchanged(clients) -> None:  # type: ignore[no-untyped-def]
    ed, _ot, anon = clients
    r = await ed.patch("/api/v1/datasets/ho_so", json={"title_vi": None, "sector": "Hộ tịch"})
    assert r.status_code == 200 and r.json()["title_vi"] == "Hồ sơ một cửa Hà Nội"
    r = await ed.patch("/api/v1/datasets/ho_so/columns/ma_ho_so", json={"label": None, "unit": "mã"})
    assert r.status_code == 200 and r.json()["label"] == "Mã hồ sơ"
