"""A leader's journey through the indicator pages on a real `kho serve` with the demo loaded:
the list, one indicator's charts, the rows behind a value, the quarterly report, printing it."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, shot
from tests.browser.test_portal import keep_for_docs

pytestmark = pytest.mark.browser
ONLINE = "Tỷ lệ hồ sơ nộp trực tuyến"


def number(text: str, lang: str = "vi") -> float:
    """A figure as the page prints it (53,6% or 53.6%) back to a float."""
    raw = text.strip().rstrip("%").strip()
    thousands, decimal = (".", ",") if lang == "vi" else (",", ".")
    return float(raw.replace(thousands, "").replace(decimal, "."))


def test_leader_opens_an_indicator_its_trend_ranking_and_the_rows_behind_it(
    page, server: str
) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")
    page.get_by_role("link", name="Chỉ tiêu", exact=True).click()
    page.wait_for_url("**/indicators")
    assert page.locator("nav.nav a[aria-current=page]").inner_text() == "Chỉ tiêu"
    assert page.locator("h2", has_text="Dịch vụ công trực tuyến").count() == 1
    assert page.locator("h2", has_text="Kho dữ liệu dùng chung").count() == 1
    row = page.locator("tr[data-indicator=DVC_NOP_TRUC_TUYEN]")
    assert row.get_attribute("data-status") in ("achieved", "missed")  # 2025 is over
    keep_for_docs(shot(page, "indicators-01-list"))

    page.get_by_role("link", name=ONLINE, exact=True).click()
    page.wait_for_url("**/indicators/DVC_NOP_TRUC_TUYEN")
    trend = page.locator("#trend-chart svg")
    assert trend.is_visible() and trend.bounding_box()["width"] > 500  # type: ignore[index]
    assert page.locator("#trend-chart .target-line").count() >= 4  # the four quarters of 2025
    assert page.locator("#ranking-chart svg rect.bar").count() == 34  # the 34 provinces
    page.get_by_label("Kỳ", exact=True).select_option("2025Q1")
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_url("**period=2025Q1**")
    assert "Quý 1/2025" in page.locator("#summary-title").inner_text()
    actual = number(page.locator(".ind-figures dd").first.inner_text())
    target = number(page.locator(".ind-figures dd").nth(1).inner_text())
    pct = number(page.locator(".ind-figures dd").nth(2).inner_text())
    assert target == 70.0 and pct == pytest.approx(100 * actual / target, abs=0.06)
    page.locator("#trend-title").scroll_into_view_if_needed()
    keep_for_docs(shot(page, "indicators-02-indicator"))
    if page.locator("#unit-map svg").count():
        page.locator("#map-title").scroll_into_view_if_needed()
        keep_for_docs(shot(page, "indicators-03-map"))

    first = page.locator(".rank-table tbody tr").first
    unit = first.locator("th").inner_text()
    shown = first.locator("td a").first.inner_text()
    first.locator("td a").first.click()
    page.wait_for_url("**/trace?**")
    assert page.locator("h1").inner_text() == "Dữ liệu gốc của một giá trị"
    assert unit in page.locator(".lead").inner_text()
    facts = dict(
        zip(
            page.locator(".trace-value dt").all_inner_texts(),
            page.locator(".trace-value dd").all_inner_texts(),
            strict=True,
        )
    )
    num, den = number(facts["Tử số"]), number(facts["Mẫu số"])
    assert number(shown) == pytest.approx(100 * num / den, abs=0.05)  # the value is num/den × 100
    rows = page.locator("table.trace-rows tbody tr")
    assert rows.count() == min(20, int(den))
    assert page.locator("table.trace-rows tr.in-numerator").count() <= num
    assert "SELECT" in page.locator("#value-sql").inner_text()
    assert page.get_by_role("link", name=re.compile(r"ho_so_mot_cua@\d+")).count() == 1
    keep_for_docs(shot(page, "indicators-04-trace"))


def test_quarterly_report_prints_cleanly_and_speaks_english(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/indicators/report?period=2025Q1")
    assert page.locator("h1").inner_text() == "Báo cáo chỉ tiêu: Quý 1/2025"
    rows = page.locator("tr[data-indicator=DVC_NOP_TRUC_TUYEN]")
    assert rows.count() == 35  # the whole scope and the 34 provinces
    statuses = set(
        page.locator("tr[data-indicator=DVC_NOP_TRUC_TUYEN] td.status").all_inner_texts()
    )
    assert statuses <= {"Đạt", "Không đạt"} and statuses  # a closed quarter
    scope = rows.first
    target = number(scope.locator("td[data-col=target]").inner_text())
    actual = number(scope.locator("td[data-col=actual]").inner_text())
    achieved = number(scope.locator("td[data-col=achieved]").inner_text())
    assert achieved == pytest.approx(100 * actual / target, abs=0.06)
    assert (scope.get_attribute("data-status") == "achieved") == (actual >= target)
    print_button = page.get_by_role("button", name="In hoặc lưu PDF")
    assert print_button.is_visible()  # shown by the page's script
    keep_for_docs(shot(page, "indicators-05-report"))

    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not print_button.is_visible()
    assert not page.locator("form.period-form").is_visible()
    assert page.locator(".report-head").is_visible()
    keep_for_docs(shot(page, "indicators-06-report-print"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "indicators-report-2025Q1.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3
    page.emulate_media(media="screen")

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en**")
    assert page.locator("h1").inner_text() == "Indicator report: Q1 2025"
    body = page.locator("main").inner_text()
    assert "Missed" in body and "Target" in body and "% achieved" in body
    assert not [w for w in ("Không đạt", "Kế hoạch", "Thực hiện", "Tỷ lệ đạt") if w in body]
    en_actual = number(
        page.locator(
            "tr[data-indicator=DVC_NOP_TRUC_TUYEN] td[data-col=actual]"
        ).first.inner_text(),
        "en",
    )
    assert en_actual == actual  # the same figure, written the English way
    keep_for_docs(shot(page, "indicators-07-report-english"))


def test_indicator_pages_fit_a_phone(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="vi-VN", is_mobile=True
    )
    pg = context.new_page()
    try:
        for path in ("/indicators", "/indicators/DVC_DUNG_HAN", "/indicators/report?period=2025Q4"):
            pg.goto(server + path)
            width = pg.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{path} is {width}px wide on a 375px phone"
    finally:
        context.close()
