"""The chart builder's map through the real ASGI app: the demo population table by province, a
small table with old province names and coordinates, and hostile settings."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from kho.access.actors import SYSTEM
from kho.catalog.models import DatasetCreate, Organisation
from kho.platform import Platform
from kho.web.app import create_app

pytestmark = pytest.mark.anyio
SVG = "{http://www.w3.org/2000/svg}"
DEMO_XLSX = (
    Path(__file__).resolve().parents[3] / "src" / "kho" / "demo" / "data" / "dan_so_trung_binh.xlsx"
)
POPULATION_2024 = [
    ("type", "map"),
    ("x", "tinh_thanh_pho"),
    ("y", "dan_so_trung_binh_tong_so"),
    ("agg", "sum"),
    ("fc", "nam"),
    ("fo", "eq"),
    ("fv", "2024"),
]
# Health stations: two old provinces (Quảng Nam → Đà Nẵng, Bình Dương → Hồ Chí Minh), a region
# that is no province, a hostile name, and coordinates that are swapped or abroad.
STATIONS = """Tên trạm,Tỉnh/Thành phố,Số ca,Vĩ độ,Kinh độ
Trạm Ba Đình,Hà Nội,10,21.0341,105.8372
Trạm Hải Châu,Đà Nẵng,4,16.0471,108.2068
Trạm Tam Kỳ,Quảng Nam,6,15.5736,108.4740
Trạm Quận 1,TP.HCM,7,10.7769,106.7009
Trạm Thủ Dầu Một,Bình Dương,3,10.9804,106.6519
Trạm Trường Sa,Khánh Hòa,1,8.6453,111.9201
Trạm lỗi,Miền Trung,5,105.8000,21.0000
Trạm Paris,<script>alert(1)</script>,2,48.8566,2.3522
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def map_svg(page: str) -> ET.Element:
    found = re.search(r'<figure class="map-figure" id="map-figure">(.*?)</figure>', page, re.S)
    assert found is not None, "no map on the page"
    return ET.fromstring(found.group(1))


def region_titles(svg: ET.Element) -> dict[str, str]:
    out = {}
    for p in svg.iter(f"{SVG}path"):
        if p.get("class") == "region":
            title = p.find(f"{SVG}title")
            out[p.get("data-code", "")] = "" if title is None else (title.text or "")
    return out


def hatched(svg: ET.Element) -> set[str]:
    return {
        p.get("data-code", "")
        for p in svg.iter(f"{SVG}path")
        if p.get("class") == "region" and p.get("fill", "").endswith("-missing)")
    }


def population_2024_by_hand() -> dict[str, float]:
    """Province code → 2024 total, read from the demo workbook with openpyxl, not through Kho."""
    from openpyxl import load_workbook

    sheet = load_workbook(DEMO_XLSX, read_only=True).active
    out = {}
    for row in sheet.iter_rows(min_row=5, values_only=True):
        code, _name, year, total = row[:4]
        if year == 2024:
            out[str(code)] = float(total)
    return out


@pytest.fixture
def demo_client(settings) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    from kho.demo.load import load_demo

    p = Platform(settings)
    p.init()
    load_demo(p, actor=SYSTEM)
    yield p
    p.close()


@pytest.fixture
async def demo(demo_client: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(demo_client)), base_url="http://kho.test"
    ) as c:
        yield c


async def test_population_by_province_on_the_demo(demo: httpx.AsyncClient) -> None:
    expected = population_2024_by_hand()
    assert len(expected) == 34
    page = await demo.get("/datasets/dan_so_trung_binh/chart", params=POPULATION_2024)
    assert page.status_code == 200
    body = text_of(page.text)
    assert "34/34 dòng (100%) thuộc một tỉnh, thành phố trên bản đồ" in body
    svg = map_svg(page.text)
    titles = region_titles(svg)
    assert sorted(titles) == sorted(expected) and not hatched(svg)
    hanoi = f"{expected['01']:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert titles["01"] == f"Hà Nội: {hanoi}"
    # the numbers behind the map, largest first, as the hand count says
    first = max(expected, key=lambda c: expected[c])
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">([^<]+)</td></tr>", page.text)
    assert rows[0][0] == titles[first].split(":")[0]
    # shareable: the link carries the whole map; the SVG export is the same map
    assert "type=map" in page.text and "map=provinces" in page.text
    export = await demo.get("/datasets/dan_so_trung_binh/chart.svg", params=POPULATION_2024)
    assert export.status_code == 200 and export.headers["content-type"].startswith("image/svg+xml")
    assert region_titles(ET.fromstring(export.text)) == titles
    english = await demo.get(
        "/datasets/dan_so_trung_binh/chart", params=[*POPULATION_2024, ("lang", "en")]
    )
    assert "34 of 34 rows (100%) are in a province on the map" in text_of(english.text)
    assert "Legend" in text_of(english.text) and "East Sea" in text_of(english.text)
    # the dossiers' province column is found without being named; old names count in the new
    dossiers = await demo.get(
        "/datasets/ho_so_mot_cua/chart", params={"type": "map", "agg": "count", "lang": "vi"}
    )
    assert len(region_titles(map_svg(dossiers.text))) == 34
    assert "4.994/4.994 dòng (100%) thuộc một tỉnh, thành phố trên bản đồ" in text_of(dossiers.text)
    # the other chart kinds are untouched
    bar = await demo.get(
        "/datasets/dan_so_trung_binh/chart", params={"type": "bar", "x": "tinh_thanh_pho"}
    )
    assert bar.status_code == 200 and 'id="chart-data"' in bar.text and "map-figure" not in bar.text


@pytest.fixture
async def stations(sqlite_settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    source = tmp_path / "tram_y_te.csv"
    source.write_text(STATIONS, encoding="utf-8")
    p = Platform(sqlite_settings)
    p.init()
    p.catalog.ensure_organisation(Organisation(code="SYT", name_vi="Sở Y tế"), actor=SYSTEM)
    p.catalog.create(
        DatasetCreate(
            slug="tram_y_te",
            org_code="SYT",
            title_vi="Trạm y tế",
            title_en="Health stations",
            access_level="public",
        ),
        actor=SYSTEM,
    )
    p.ingest.load(source, dataset="tram_y_te", actor=SYSTEM)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(p)), base_url="http://kho.test"
    ) as c:
        yield c
    p.close()


async def test_old_provinces_count_in_their_successor_and_the_rest_is_reported(
    stations: httpx.AsyncClient,
) -> None:
    params = {
        "type": "map",
        "map": "provinces",
        "x": "tinh_thanh_pho",
        "y": "so_ca",
        "agg": "sum",
        "lang": "en",
    }
    page = await stations.get("/datasets/tram_y_te/chart", params=params)
    svg = map_svg(page.text)
    titles = region_titles(svg)
    # by hand: Đà Nẵng 4 + Quảng Nam 6; Hồ Chí Minh 7 + Bình Dương 3
    assert titles["48"] == "Đà Nẵng: 10" and titles["79"] == "Hồ Chí Minh: 10"
    assert titles["01"] == "Hà Nội: 10" and titles["56"] == "Khánh Hòa: 1"
    assert len(hatched(svg)) == 30
    body = text_of(page.text)
    assert "6 of 8 rows (75) are in a province on the map" in body.replace("%", "")
    assert 'class="map-share warn"' in page.text
    assert "Not on the map: 2 values that are not provinces" in body
    assert "Miền Trung" in body and "<script>alert" not in page.text
    # an average over a merged province is over its rows, not an average of averages
    avg = await stations.get("/datasets/tram_y_te/chart", params={**params, "agg": "avg"})
    assert region_titles(map_svg(avg.text))["48"] == "Đà Nẵng: 5"
    high = await stations.get("/datasets/tram_y_te/chart", params={**params, "agg": "max"})
    assert region_titles(map_svg(high.text))["79"] == "Hồ Chí Minh: 7"
    count = await stations.get("/datasets/tram_y_te/chart", params={**params, "agg": "count"})
    assert region_titles(map_svg(count.text))["48"] == "Đà Nẵng: 2"


async def test_point_map_draws_coordinates_and_lists_the_rest(stations: httpx.AsyncClient) -> None:
    params = {"type": "map", "map": "points", "x": "ten_tram"}
    page = await stations.get("/datasets/tram_y_te/chart", params=params)
    assert page.status_code == 200
    svg = map_svg(page.text)
    points = [
        c for g in svg.iter(f"{SVG}g") if g.get("class") == "points" for c in g.iter(f"{SVG}circle")
    ]
    assert len(points) == 6
    body = text_of(page.text)
    assert (
        "Đã vẽ 6/8 dòng." in body
        and "Không vẽ: 2 dòng nằm ngoài Việt Nam hoặc không có tọa độ" in body
    )
    assert "Trạm lỗi (105.8, 21.0) — nhầm vĩ độ với kinh độ?" in body
    assert 'name="lat"' in page.text and "vi_do" in page.text and "kinh_do" in page.text
    export = await stations.get("/datasets/tram_y_te/chart.svg", params=params)
    assert export.status_code == 200 and export.text.count("<circle") > 6


HOSTILE_MAPS = [
    {"type": "map", "map": "<script>x</script>"},
    {"type": "map", "map": "points", "lat": 'vi_do" FROM x; --', "lon": "kinh_do"},
    {"type": "map", "map": "points", "lat": "ten_tram", "lon": "kinh_do"},
    {"type": "map", "map": "provinces", "x": "khong_co", "agg": "count"},
    {"type": "map", "map": "provinces", "x": "tinh_thanh_pho", "y": "ten_tram", "agg": "sum"},
    {"type": "map", "map": "provinces", "x": "tinh_thanh_pho", "y": "ten_tram", "agg": "min"},
    {"type": "map", "map": "points", "lat": "x" * 20_000, "lon": "kinh_do"},
]


@pytest.mark.parametrize("params", HOSTILE_MAPS)
async def test_map_refuses_hostile_settings_in_both_languages(
    stations: httpx.AsyncClient, params: dict[str, str]
) -> None:
    vi = await stations.get("/datasets/tram_y_te/chart", params=params)
    assert vi.status_code == 200 and "Không vẽ được biểu đồ này" in vi.text
    assert "<script>x" not in vi.text and "map-figure" not in vi.text
    en = await stations.get("/datasets/tram_y_te/chart", params={**params, "lang": "en"})
    assert en.status_code == 200 and "This chart could not be drawn" in en.text
    svg = await stations.get("/datasets/tram_y_te/chart.svg", params=params)
    assert svg.status_code == 400 and svg.json()["error"]["type"] == "invalid_input"


async def test_map_messages_say_what_to_do(stations: httpx.AsyncClient) -> None:
    page = await stations.get("/datasets/tram_y_te/chart", params={"type": "map", "map": "nowhere"})
    assert "hãy chọn bản đồ theo tỉnh, thành phố hoặc bản đồ điểm" in text_of(page.text)
    en = await stations.get(
        "/datasets/tram_y_te/chart",
        params={"type": "map", "map": "points", "lat": "ten_tram", "lang": "en"},
    )
    assert "Column 'ten_tram' is not a decimal number, so it cannot be a coordinate." in text_of(
        en.text
    )
