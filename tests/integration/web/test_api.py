"""The public JSON API and pages through the real ASGI app (anonymous caller)."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_health(public_client: httpx.AsyncClient) -> None:
    r = await public_client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


async def test_search_ignores_diacritics_and_hides_restricted(
    public_client: httpx.AsyncClient,
) -> None:
    for q in ("ha noi", "Hà Nội", "HÀ NỘI"):
        body = (await public_client.get("/api/v1/datasets", params={"q": q})).json()
        assert [d["slug"] for d in body["items"]] == ["ho_so"], q
    body = (await public_client.get("/api/v1/datasets")).json()
    assert body["total"] == 1 and body["facets"]["sector"] == {"Tư pháp": 1}
    r = await public_client.get("/api/v1/datasets/noi_bo")
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"


async def test_rows_filter_sort_paginate(public_client: httpx.AsyncClient) -> None:
    r = await public_client.get(
        "/api/v1/datasets/ho_so/rows",
        params={"tinh_thanh_pho": "Hà Nội", "_sort": "-le_phi_dong", "_limit": 1},
    )
    body = r.json()
    assert r.status_code == 200, body
    assert body["total"] == 2 and body["next_offset"] == 1
    assert body["rows"][0]["ma_ho_so"] == "HS-0001" and body["rows"][0]["le_phi_dong"] == 1234000
    r = await public_client.get(
        "/api/v1/datasets/ho_so/rows", params={"le_phi_dong__gte": "10000", "_columns": "ma_ho_so"}
    )
    assert sorted(x["ma_ho_so"] for x in r.json()["rows"]) == ["HS-0001", "HS-0005"]
    r = await public_client.get(
        "/api/v1/datasets/ho_so/rows", params={"ten_thu_tuc__contains": "giay phep"}
    )
    assert r.json()["total"] == 1


async def test_bad_input_gets_error_envelope(public_client: httpx.AsyncClient) -> None:
    cases = [
        ("/api/v1/datasets/ho_so/rows", {"khong_co": "1"}, 400),
        ("/api/v1/datasets/ho_so/rows", {"_limit": "-1"}, 400),
        ("/api/v1/datasets/ho_so/rows", {"_limit": "abc"}, 400),
        ("/api/v1/datasets/ho_so/rows", {"le_phi_dong__regex": "x"}, 400),
        ("/api/v1/datasets/ho_so/rows", {"_sort": "'; DROP TABLE x; --"}, 400),
        ("/api/v1/datasets/ho_so/rows", {"_version": "99"}, 404),
        ("/api/v1/datasets/ho_so/rows", {"ngay_tiep_nhan": "not a date"}, 400),
        ("/api/v1/datasets/" + "x" * 5000, {}, 404),
        ("/api/v1/datasets", {"q": "a" * 600}, 400),
    ]
    for path, params, status in cases:
        r = await public_client.get(path, params=params)
        assert r.status_code == status, (path, params, r.text)
        err = r.json()["error"]
        assert err["type"] and err["message"], r.text


async def test_pages_render_in_both_languages(public_client: httpx.AsyncClient) -> None:
    home = await public_client.get("/", params={"q": "ha noi"})
    assert (
        home.status_code == 200 and "Hồ sơ một cửa Hà Nội" in home.text and "Tìm kiếm" in home.text
    )
    en = await public_client.get("/datasets/ho_so", params={"lang": "en"})
    assert (
        en.status_code == 200
        and "Ha Noi one-stop dossiers" in en.text
        and "Data dictionary" in en.text
    )
    assert "1,234,000" in en.text
    vi = await public_client.get("/datasets/ho_so", params={"lang": "vi"})
    assert "1.234.000" in vi.text and "Từ điển dữ liệu" in vi.text
    missing = await public_client.get("/datasets/noi_bo")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.text
