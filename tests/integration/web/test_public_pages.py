"""The public portal pages through the real ASGI app: search, dataset, organisations, charts, errors."""

from __future__ import annotations

import html
import json
import re

import httpx
import pytest

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


async def test_home_shows_counts_recent_and_sectors(public_client: httpx.AsyncClient) -> None:
    r = await public_client.get("/", headers={"accept-language": "vi-VN,vi;q=0.9"})
    body = text_of(r.text)
    assert r.status_code == 200 and r.headers["content-language"] == "vi"
    assert (
        "1 bộ dữ liệu" in body and "4 dòng dữ liệu" in body
    )  # restricted one not counted; 1 row rejected
    assert "Hồ sơ một cửa Hà Nội" in body and "Tư pháp" in body and "Dữ liệu nội bộ" not in body


async def test_browser_language_is_used_until_the_reader_chooses(
    public_client: httpx.AsyncClient,
) -> None:
    en = await public_client.get("/", headers={"accept-language": "en-US,en;q=0.8"})
    assert "Open data of the province" in en.text and "Dữ liệu mở của tỉnh" not in en.text
    chosen = await public_client.get("/?lang=vi", headers={"accept-language": "en"})
    assert "Dữ liệu mở của tỉnh" in chosen.text and chosen.cookies.get("lang") == "vi"


async def test_search_without_diacritics_highlights_the_words(
    public_client: httpx.AsyncClient,
) -> None:
    r = await public_client.get("/search", params={"q": "ho so ha noi"})
    assert "<mark>Hồ</mark> <mark>sơ</mark> một cửa <mark>Hà</mark> <mark>Nội</mark>" in r.text
    assert "1 bộ dữ liệu khớp với" in text_of(r.text)
    facet = await public_client.get("/search", params={"q": "ho so", "sector": "Tư pháp"})
    assert 'class="on"' in facet.text and "Bỏ tất cả bộ lọc" in facet.text
    none = await public_client.get("/search", params={"q": "khong co gi"})
    assert "Không tìm thấy bộ dữ liệu nào" in none.text


async def test_search_escapes_what_the_reader_typed(public_client: httpx.AsyncClient) -> None:
    r = await public_client.get("/search", params={"q": '<script>alert("x")</script>'})
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "&lt;script&gt;alert" in r.text


async def test_dataset_page_filters_sorts_and_links_exports(
    public_client: httpx.AsyncClient,
) -> None:
    params = [
        ("fc", "tinh_thanh_pho"),
        ("fo", "contains"),
        ("fv", "ha noi"),
        ("sort", "-le_phi_dong"),
    ]
    r = await public_client.get("/datasets/ho_so", params=params)
    body = text_of(r.text)
    assert r.status_code == 200 and "Dòng 1–2 trên tổng số 2" in body
    assert body.index("1.234.000") < body.index("12.500")  # sorted by fee, descending
    assert "Lệ phí (đồng)" in body and "le_phi_dong" in body  # label with the slug under it
    assert (
        'href="/api/v1/datasets/ho_so/export.csv?tinh_thanh_pho__contains=ha+noi&amp;_sort=-le_phi_dong"'
        in r.text
    )
    assert 'resource_id="ho_so"' in body and "RemoteCKAN" in body and "curl" in body
    assert 'href="/datasets/ho_so.jsonld"' in r.text


async def test_dataset_page_explains_a_bad_filter_instead_of_crashing(
    public_client: httpx.AsyncClient,
) -> None:
    bad = [("fc", "ngay_tiep_nhan"), ("fo", "gt"), ("fv", "not a date")]
    r = await public_client.get("/datasets/ho_so", params=bad)
    assert r.status_code == 200 and "Không áp dụng được điều kiện lọc này" in r.text
    unknown = await public_client.get("/datasets/ho_so", params=[("fc", 'x"; DROP'), ("fv", "1")])
    assert unknown.status_code == 200 and "No column" in unknown.text


async def test_old_versions_can_be_viewed(public_client: httpx.AsyncClient) -> None:
    r = await public_client.get("/datasets/ho_so", params={"version": 1})
    assert "phiên bản 1" in r.text
    missing = await public_client.get("/datasets/ho_so", params={"version": 99})
    assert missing.status_code == 200 and "there is no version 99" in missing.text


async def test_organisation_pages(public_client: httpx.AsyncClient) -> None:
    tree = await public_client.get("/orgs")
    assert tree.status_code == 200 and 'href="/orgs/SO-TP"' in tree.text
    org = await public_client.get("/orgs/SO-TP?lang=en")
    assert org.status_code == 200 and "Hồ sơ một cửa Hà Nội" not in org.text
    assert "Ha Noi one-stop dossiers" in org.text and "Dữ liệu nội bộ" not in org.text


async def test_chart_aggregates_on_the_server_and_exports_svg(
    public_client: httpx.AsyncClient,
) -> None:
    spec = {"type": "bar", "x": "tinh_thanh_pho", "agg": "count"}
    page = await public_client.get("/datasets/ho_so/chart", params=spec)
    data = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page.text)
    assert page.status_code == 200 and data is not None
    chart = json.loads(data.group(1))
    assert chart["labels"][0] == "Hà Nội" and chart["values"][0] == 2.0
    svg = await public_client.get("/datasets/ho_so/chart.svg", params={**spec, "type": "pie"})
    assert svg.headers["content-type"].startswith("image/svg+xml") and "Hà Nội" in svg.text
    line = await public_client.get(
        "/datasets/ho_so/chart.svg",
        params={"type": "line", "x": "ngay_tiep_nhan", "y": "le_phi_dong", "agg": "sum"},
    )
    assert line.status_code == 200 and "<polyline" in line.text


HOSTILE_CHARTS = [
    {"x": 'tinh_thanh_pho" FROM x; --', "agg": "count"},
    {"x": "tinh_thanh_pho", "y": "ten_thu_tuc", "agg": "sum"},
    {"x": "tinh_thanh_pho", "agg": "drop"},
    {"x": "tinh_thanh_pho", "agg": "count", "type": "radar"},
    {"x": "tinh_thanh_pho", "agg": "count", "limit": "lots"},
]


async def test_chart_refuses_hostile_settings(public_client: httpx.AsyncClient) -> None:
    for params in HOSTILE_CHARTS:
        page = await public_client.get("/datasets/ho_so/chart", params=params)
        assert page.status_code == 200 and "Không vẽ được biểu đồ này" in page.text, params
        svg = await public_client.get("/datasets/ho_so/chart.svg", params=params)
        assert svg.status_code == 400 and svg.json()["error"]["type"] == "invalid_input", params


async def test_chart_filter_value_cannot_break_out_of_its_quotes(
    public_client: httpx.AsyncClient,
) -> None:
    params = [
        ("x", "tinh_thanh_pho"),
        ("agg", "count"),
        ("fc", "tinh_thanh_pho"),
        ("fo", "eq"),
        ("fv", "x' OR '1'='1"),
    ]
    r = await public_client.get("/datasets/ho_so/chart", params=params)
    assert r.status_code == 200 and "Không có gì để vẽ" in r.text


ERRORS = [
    ("/khong-co-trang-nay", 404, "Không tìm thấy trang", "Page not found"),
    ("/datasets/noi_bo", 404, "Không tìm thấy trang", "Page not found"),
    ("/datasets/noi_bo/chart", 404, "Không tìm thấy trang", "Page not found"),
    ("/search?offset=-5", 400, "Không xử lý được yêu cầu", "The request could not be handled"),
]


async def test_error_pages_in_both_languages(public_client: httpx.AsyncClient) -> None:
    for path, status, vi, en in ERRORS:
        for lang, heading in (("vi", vi), ("en", en)):
            headers = {"accept": "text/html", "cookie": f"lang={lang}"}
            r = await public_client.get(path, headers=headers)
            assert r.status_code == status and r.headers["content-type"].startswith("text/html")
            assert f"<h1>{heading}</h1>" in r.text, (path, lang)


async def test_api_errors_stay_json(public_client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/khong-co", "/api/v1/datasets/noi_bo", "/datasets/noi_bo.jsonld"):
        r = await public_client.get(path, headers={"accept": "text/html"})
        assert r.status_code == 404 and r.json()["error"]["type"] == "not_found", path
