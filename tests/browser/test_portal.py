"""A citizen's journey on the open portal, in real headless Chromium."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def test_citizen_finds_population_without_diacritics(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")
    page.get_by_role("searchbox").fill("dan so ha noi")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=dan+so+ha+noi*")
    shot(page, "01-search-dan-so-ha-noi")
    link = page.get_by_role("link", name="Dân số trung bình theo tỉnh, thành phố")
    assert link.count() == 1
    link.click()
    page.wait_for_url("**/datasets/dan_so_trung_binh")
    assert "Hà Nội" in page.locator("table.data").inner_text()
    assert "Từ điển dữ liệu" in page.content()
    shot(page, "02-dataset-page-vi")


def test_preview_sorts_and_pages(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/datasets/ho_so_mot_cua")
    count = page.locator(".count").first.inner_text()
    assert "4.994" in count  # Vietnamese number format
    page.get_by_role("link", name="le_phi_dong").click()
    page.get_by_role("link", name="le_phi_dong ▲").click()
    first_fee = page.locator("table.data tbody tr").first.locator("td").nth(9).inner_text()
    assert first_fee.replace(".", "").isdigit() and int(first_fee.replace(".", "")) >= 100_000
    page.get_by_role("link", name="Sau →").click()
    assert "26–50" in page.locator(".count").first.inner_text()
    shot(page, "03-preview-sorted-page-2")


def test_language_switch_changes_visible_words(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/datasets/ho_so_mot_cua")
    page.get_by_role("link", name="English").click()
    text = page.locator("main").inner_text()
    assert "Data preview" in text and "Xem trước" not in text
    assert "One-stop-shop administrative dossiers" in text
    assert "4,994" in page.locator(".count").first.inner_text()
    page.goto(server + "/")  # the choice is remembered
    assert "Search" in page.locator("main").inner_text()
    shot(page, "04-english")
    page.get_by_role("link", name="Tiếng Việt").click()
    assert "Tìm kiếm" in page.locator("main").inner_text()


def test_missing_dataset_page_is_a_clear_404(page, server: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(server + "/datasets/khong_ton_tai")
    assert response is not None and response.status == 404
    assert "Không tìm thấy" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Về trang chủ").count() == 1
