"""Buttons that need JavaScript stay hidden without it, whatever class styles them (`.btn` sets a
display that used to override the `hidden` attribute), and appear once the script runs."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
BAR_CHART = "/datasets/dan_so_trung_binh/chart?type=bar&x=nam&y=dan_so_trung_binh_tong_so&agg=sum"
DATASET = "/datasets/dan_so_trung_binh"


def test_script_buttons_are_hidden_without_javascript(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    plain = browser.new_context(java_script_enabled=False, locale="vi-VN")
    pg = plain.new_page()
    pg.goto(server + BAR_CHART)
    assert pg.get_by_role("link", name="Tải ảnh SVG").is_visible()  # works without a script
    assert not pg.locator("#png").is_visible()
    pg.goto(server + DATASET)
    assert pg.locator("pre#snip-curl").is_visible()
    assert pg.locator("[data-copy]").count() == 3
    assert not any(b.is_visible() for b in pg.locator("[data-copy]").all())
    plain.close()


def test_script_buttons_appear_with_javascript(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + BAR_CHART)
    page.wait_for_function("document.getElementById('chart').width > 0")
    assert page.get_by_role("button", name="Tải ảnh PNG").is_visible()
    page.goto(server + DATASET)
    assert page.get_by_role("button", name="Sao chép").first.is_visible()
