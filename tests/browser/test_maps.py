"""A reader draws maps in real headless Chromium: population by province, points from coordinates,
PNG/SVG export, English, a phone screen and no JavaScript; a screenshot per step."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, shot
from tests.kho_process import kho_serve

pytestmark = pytest.mark.browser
DOC_IMAGES = ROOT / "docs" / "img"
POPULATION_2024 = (
    "/datasets/dan_so_trung_binh/chart?type=map&map=provinces&x=tinh_thanh_pho"
    "&y=dan_so_trung_binh_tong_so&agg=sum&fc=nam&fo=eq&fv=2024"
)
POINTS = "/datasets/tram_y_te/chart?type=map&map=points&x=ten_tram"
STATIONS = """Tên trạm,Tỉnh/Thành phố,Số ca,Vĩ độ,Kinh độ
Trạm y tế phường Ba Đình,Hà Nội,10,21.0341,105.8372
Trạm y tế phường Hải Châu,Đà Nẵng,4,16.0471,108.2068
Trạm y tế phường Tam Kỳ,Quảng Nam,6,15.5736,108.4740
Trạm y tế phường Sài Gòn,TP.HCM,7,10.7769,106.7009
Trạm y tế phường Thủ Dầu Một,Bình Dương,3,10.9804,106.6519
Trạm y tế đặc khu Trường Sa,Khánh Hòa,1,8.6453,111.9201
Trạm y tế phường Nha Trang,Khánh Hòa,5,12.2388,109.1967
Trạm y tế phường Buôn Ma Thuột,Đắk Lắk,4,12.6667,108.0383
Trạm y tế phường Vinh,Nghệ An,6,18.6796,105.6813
Trạm y tế phường Hạ Long,Quảng Ninh,3,20.9517,107.0800
Trạm y tế phường Điện Biên Phủ,Điện Biên,2,21.3860,103.0230
Trạm y tế phường Ninh Kiều,Cần Thơ,5,10.0340,105.7880
Trạm nhập sai,Miền Trung,5,105.8000,21.0000
"""


def keep_for_docs(path: Path) -> None:
    """Screenshots illustrate the user guide only when KHO_UPDATE_DOC_IMAGES=1."""
    if os.environ.get("KHO_UPDATE_DOC_IMAGES") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOC_IMAGES / path.name)



@pytest.fixture(scope="module")
def map_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kho serve` over the demo plus a small table of health stations with coordinates."""
    home = tmp_path_factory.mktemp("kho-maps")
    env = {**os.environ, "KHO_HOME": str(home)}
    env.pop("KHO_DATABASE_URL", None)
    kho = [sys.executable, "-m", "kho.cli.main"]
    stations = home / "tram_y_te.csv"
    stations.write_text(STATIONS, encoding="utf-8")
    for args in (
        ["demo"],
        ["datasets", "create", "tram_y_te", "--org", "CTK-KH", "--title", "Trạm y tế",
         "--title-en", "Health stations", "--access", "public"],
        ["ingest", str(stations), "--dataset", "tram_y_te"],
    ):  # fmt: skip
        subprocess.run([*kho, *args], env=env, check=True, capture_output=True, timeout=300)
    with kho_serve(env) as base:
        yield base


def regions(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("#map-figure svg path.region").count())


def test_population_map_by_province_with_exports(page, map_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(map_server + "/datasets/dan_so_trung_binh/chart")
    page.get_by_label("Bản đồ", exact=True).check()
    page.get_by_role("button", name="Vẽ", exact=True).click()
    page.wait_for_selector("#map-figure svg")
    assert "type=map" in page.url and regions(page) == 34
    assert "thuộc một tỉnh, thành phố trên bản đồ" in page.inner_text(".map-share")

    page.goto(map_server + POPULATION_2024)
    assert regions(page) == 34
    hanoi = page.locator('#map-figure path.region[data-code="01"] title').text_content() or ""
    assert hanoi.startswith("Hà Nội: ")
    # screen readers reach every province by name and value, as hovering shows it
    assert page.get_by_role("img", name=re.compile(r"^Hà Nội: [\d.,]+$")).count() == 1
    assert page.get_by_role("group", name=re.compile("Dân số trung bình")).count() == 1
    labels = page.locator("#map-figure text")
    assert labels.filter(has_text="Quần đảo Hoàng Sa").count() == 1
    assert labels.filter(has_text="Quần đảo Trường Sa").count() == 1
    page.locator("#map-figure").scroll_into_view_if_needed()
    keep_for_docs(shot(page, "maps-01-population-vi"))

    png_button = page.get_by_role("button", name="Tải ảnh PNG")
    with page.expect_download() as png:
        png_button.click()
    data = Path(png.value.path()).read_bytes()
    assert png.value.suggested_filename == "dan_so_trung_binh-map.png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    with page.expect_download() as svg:
        page.get_by_role("link", name="Tải ảnh SVG").click()
    text = Path(svg.value.path()).read_text(encoding="utf-8")
    assert text.startswith("<svg") and text.count('class="region"') == 34

    page.get_by_role("link", name="English").click()
    page.wait_for_selector("#map-figure svg")
    drawn = page.inner_text("#map-figure")
    assert "Legend" in drawn and "East Sea" in drawn
    page.locator("#map-figure").scroll_into_view_if_needed()
    shot(page, "maps-02-population-en")


def test_point_map_from_latitude_and_longitude(page, map_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(map_server + POINTS)
    page.wait_for_selector("#map-figure svg")
    assert page.locator("#map-figure g.points circle").count() == 12
    side = page.inner_text(".map-side")
    assert "Đã vẽ 12/13 dòng." in side and "Trạm nhập sai" in side
    assert "nhầm vĩ độ với kinh độ?" in page.inner_text("#map-figure")
    page.locator("#map-figure").scroll_into_view_if_needed()
    keep_for_docs(shot(page, "maps-03-points"))


def test_map_fits_a_phone_and_works_without_javascript(browser, map_server: str) -> None:  # type: ignore[no-untyped-def]
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    pg = phone.new_page()
    pg.goto(map_server + POPULATION_2024)
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box = pg.locator("#map-figure svg").bounding_box()
    assert box is not None and box["width"] <= 390
    pg.locator("#map-figure").scroll_into_view_if_needed()
    shot(pg, "maps-04-phone")
    phone.close()

    plain = browser.new_context(java_script_enabled=False, locale="vi-VN")
    pg = plain.new_page()
    pg.goto(map_server + POPULATION_2024)
    assert pg.locator("#map-figure svg path.region").count() == 34
    assert not pg.locator("#png").is_visible()  # PNG needs JavaScript; SVG does not
    assert pg.get_by_role("link", name="Tải ảnh SVG").is_visible()
    plain.close()
