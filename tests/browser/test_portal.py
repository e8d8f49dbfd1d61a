"""A citizen's journey on the open portal, in real headless Chromium, with a screenshot per step."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, shot

pytestmark = pytest.mark.browser
DOC_IMAGES = ROOT / "docs" / "img"
POPULATION = "Dân số trung bình theo tỉnh, thành phố"

# Words that must appear on one language's pages and never on the other's.
VI_WORDS = [
    "Bộ dữ liệu",
    "Cơ quan",
    "Đăng nhập",
    "Từ điển dữ liệu",
    "Xem trước dữ liệu",
    "Tải về",
    "Vẽ biểu đồ",
    "Các phiên bản",
    "Thông tin bộ dữ liệu",
    "Giấy phép",
    "Trang chủ",
]
EN_WORDS = [
    "Datasets",
    "Organisations",
    "Sign in",
    "Data dictionary",
    "Data preview",
    "Download",
    "Draw a chart",
    "Versions",
    "About this dataset",
    "Licence",
    "Home",
]


def keep_for_docs(path: Path) -> None:
    """The journey's screenshots illustrate the user guide (refreshed with KHO_UPDATE_DOC_IMAGES=1,
    so an ordinary test run never rewrites tracked files)."""
    if os.environ.get("KHO_UPDATE_DOC_IMAGES") != "1":
        return
    DOC_IMAGES.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOC_IMAGES / path.name)


def test_citizen_finds_filters_downloads_and_charts_population(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")
    assert page.locator(".stat-n").first.inner_text() == "3"
    keep_for_docs(shot(page, "portal-01-home"))

    page.get_by_label("Tìm bộ dữ liệu").fill("dan so ha noi")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=dan+so+ha+noi")
    marks = page.locator(".results mark").all_inner_texts()
    assert {"Dân", "số", "Hà", "Nội"} <= set(marks)  # typed without diacritics, shown with them
    keep_for_docs(shot(page, "portal-02-search"))

    page.get_by_role("link", name=POPULATION).click()
    page.wait_for_url("**/datasets/dan_so_trung_binh")
    assert "Từ điển dữ liệu" in page.locator("main").inner_text()
    assert page.locator("table.data th").first.inner_text().startswith("Mã tỉnh")
    keep_for_docs(shot(page, "portal-03-dataset"))

    page.get_by_label("Cột").select_option(label="Tỉnh/Thành phố")
    page.get_by_label("Điều kiện").select_option("contains")
    page.get_by_label("Giá trị").fill("ha noi")
    page.get_by_role("button", name="Lọc", exact=True).click()
    page.wait_for_url("**fv=ha+noi**")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 6
    assert all("Hà Nội" in r for r in rows.all_inner_texts())
    assert "Dòng 1–6 trên tổng số 6" in page.locator(".count").inner_text()
    page.locator("#preview-title").scroll_into_view_if_needed()
    keep_for_docs(shot(page, "portal-04-filtered"))

    csv_link = page.locator("a[data-format=csv]")
    href = csv_link.get_attribute("href") or ""
    assert href == "/api/v1/datasets/dan_so_trung_binh/export.csv?tinh_thanh_pho__contains=ha+noi"
    with page.expect_download() as info:
        csv_link.click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to show diacritics"
    text = data.decode("utf-8-sig")
    assert "Hà Nội" in text and len(text.strip().splitlines()) == 7  # header + 6 filtered rows

    page.get_by_role("link", name="Vẽ biểu đồ").click()
    page.get_by_label("Nhóm theo (trục ngang)").select_option(label="Năm")
    page.get_by_label("Phép tính").select_option("sum")
    page.get_by_label("Cột giá trị (trục dọc)").select_option(label="Dân số trung bình - Tổng số")
    page.get_by_role("button", name="Vẽ", exact=True).click()
    page.wait_for_url("**x=nam**")
    assert (
        "fv=ha+noi" in page.url
    )  # the filter followed the reader to the chart, and is in the link
    page.wait_for_function("document.getElementById('chart').width > 0")
    assert page.locator(".chart-table tbody tr").count() == 6
    keep_for_docs(shot(page, "portal-05-chart"))
    with page.expect_download() as png:
        page.get_by_role("button", name="Tải ảnh PNG").click()
    assert Path(png.value.path()).read_bytes().startswith(b"\x89PNG")
    assert png.value.suggested_filename == "dan_so_trung_binh-bar.png"
    svg = page.request.get(server + (page.locator("#svg").get_attribute("href") or ""))
    assert svg.ok and svg.text().startswith("<svg") and "Hà Nội" not in svg.text()  # 6 years


def test_language_switch_changes_every_visible_word(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/datasets/dan_so_trung_binh")
    vi_text = page.locator("body").inner_text()
    assert all(w in vi_text for w in VI_WORDS)
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en")
    en_text = page.locator("body").inner_text()
    missing = [w for w in EN_WORDS if w not in en_text]
    left = [w for w in VI_WORDS if w in en_text]
    assert not missing and not left, (missing, left)
    assert "Average population by province" in en_text
    assert "Rows 1–25 of 204" in en_text  # numbers too: 1,234 style in English
    keep_for_docs(shot(page, "portal-06-english"))
    page.goto(server + "/")  # the choice is remembered
    assert "Open data of the province" in page.locator("main").inner_text()
    page.get_by_role("link", name="Tiếng Việt").click()
    assert "Dữ liệu mở của tỉnh" in page.locator("main").inner_text()
    assert not [w for w in EN_WORDS if w in page.locator("nav.nav").inner_text()]


def test_phone_width_has_no_sideways_scroll(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        locale="vi-VN",
        is_mobile=True,
        has_touch=True,
    )
    pg = context.new_page()
    try:
        for path, name in [
            ("/", "portal-07-phone-home"),
            ("/search?q=ho+so", "portal-08-phone-search"),
            ("/datasets/dan_so_trung_binh", "portal-09-phone-dataset"),
        ]:
            pg.goto(server + path)
            width = pg.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{path} is {width}px wide on a 375px phone"
            keep_for_docs(shot(pg, name))
        pg.goto(server + "/search?q=ho+so")
        assert pg.locator("details#facets").get_attribute("open") is None  # facets fold away
    finally:
        context.close()


def test_keyboard_reaches_search_and_focus_is_visible(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


@pytest.mark.parametrize(
    ("path", "lang", "status", "heading"),
    [
        ("/datasets/khong_ton_tai", "vi", 404, "Không tìm thấy trang"),
        ("/khong/co/trang/nay", "en", 404, "Page not found"),
        ("/orgs/KHONG-CO", "vi", 404, "Không tìm thấy trang"),
        ("/datasets/dan_so_trung_binh?offset=-1", "en", 400, "The request could not be handled"),
    ],
)
def test_error_pages_speak_the_readers_language(
    page,
    server: str,
    path: str,
    lang: str,  # type: ignore[no-untyped-def]
    status: int,
    heading: str,
) -> None:
    sep = "&" if "?" in path else "?"
    response = page.goto(f"{server}{path}{sep}lang={lang}")
    assert response is not None and response.status == status
    assert page.locator("h1").inner_text() == heading
    assert (
        page.get_by_role("link", name="Về trang chủ" if lang == "vi" else "Back to home").count()
        == 1
    )
    if status == 404 and lang == "vi":
        keep_for_docs(shot(page, "portal-10-not-found"))
