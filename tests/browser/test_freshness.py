"""The freshness board in real headless Chromium against a real `kho serve`: a citizen checks how
up to date the open data is; the statistics office's admin finds last night's failed sync.

Set-up (through the CLI, as an administrator would): the demo (three public datasets, loaded
now, with daily/yearly frequencies), an admin of CTK-KH, and the sync `mot-cua` copying two
tables of a SQLite file for CTK-KH. Its first run succeeds; then `le_phi` is dropped from the
source and the second run fails on that table.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, shot
from tests.kho_process import kho_serve

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-do-cap-nhat-1"
DOC_IMAGES = ROOT / "docs" / "img"


def keep_for_docs(path: Path) -> None:
    """Screenshots illustrate docs/migration.md, refreshed only with KHO_UPDATE_DOC_IMAGES=1."""
    if os.environ.get("KHO_UPDATE_DOC_IMAGES") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOC_IMAGES / path.name)


def _source(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE tiep_nhan (id INTEGER PRIMARY KEY, noi_dung TEXT)")
    conn.execute("INSERT INTO tiep_nhan VALUES (1, 'Hồ sơ đất đai'), (2, 'Hộ tịch')")
    conn.execute("CREATE TABLE le_phi (id INTEGER PRIMARY KEY, so_tien INTEGER)")
    conn.execute("INSERT INTO le_phi VALUES (1, 50000)")
    conn.commit()
    conn.close()
    return path


@pytest.fixture(scope="module")
def board_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("kho-freshness")
    env = {**os.environ, "KHO_HOME": str(home), "KHO_PASSWORD": PASSWORD}
    env.pop("KHO_DATABASE_URL", None)
    kho = [sys.executable, "-m", "kho.cli.main"]

    def run(*args: str, check: bool = True) -> None:
        subprocess.run([*kho, *args], env=env, check=check, capture_output=True, timeout=300)

    run("demo")
    run("users", "create", "quantri", "--role", "CTK-KH:admin")
    source = _source(home / "mot_cua.db")
    run("sync", "add", "mot-cua", f"sqlite:///{source}", "-t", "tiep_nhan", "-t", "le_phi",
        "--org", "CTK-KH", "--schedule", "daily 02:00")  # fmt: skip
    run("sync", "run", "mot-cua")
    conn = sqlite3.connect(source)
    conn.execute("DROP TABLE le_phi")
    conn.commit()
    conn.close()
    run("sync", "run", "mot-cua", "--retries", "1", "--backoff", "0", check=False)  # exits 1
    with kho_serve(env) as base:
        yield base


def test_citizen_sees_the_public_board_and_filters_it(page, board_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(board_server + "/")
    page.get_by_role("link", name="Độ cập nhật dữ liệu").click()
    page.wait_for_url("**/freshness")
    assert page.locator("h1").inner_text() == "Độ cập nhật dữ liệu"
    rows = page.locator("table.fr-table tbody tr")
    assert rows.count() == 3  # the demo's three public datasets, all loaded just now
    assert all("Cập nhật đúng hạn" in r for r in rows.all_inner_texts())
    assert page.locator(".fr-count.fr-fresh .fr-n").inner_text() == "3"
    assert "mot-cua" not in page.content()  # syncs are for signed-in members only
    keep_for_docs(shot(page, "freshness-01-public"))

    page.get_by_label("Trạng thái", exact=True).select_option("late")
    page.get_by_role("button", name="Lọc", exact=True).click()
    page.wait_for_url("**status=late**")
    assert "Không có bộ dữ liệu nào khớp bộ lọc." in page.locator("main").inner_text()

    page.goto(board_server + "/freshness?status=%3Cb%3Emu%C3%B4n%3C/b%3E")
    assert "Không có trạng thái “<b>muôn</b>”" in page.locator(".error").inner_text()
    page.get_by_role("link", name="English").click()
    assert "There is no status “<b>muôn</b>”" in page.locator(".error").inner_text()
    assert page.locator("h1").inner_text() == "Data freshness"


def test_admin_finds_the_failed_sync_on_the_board_and_the_workspace(
    page, board_server: str
) -> None:  # type: ignore[no-untyped-def]
    page.goto(board_server + "/login?next=/workspace")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/workspace")
    banner = page.locator(".fr-alerts")
    assert "Đồng bộ mot-cua bị lỗi" in banner.inner_text() and "le_phi" in banner.inner_text()
    keep_for_docs(shot(page, "freshness-02-workspace-alert"))

    page.get_by_role("link", name="Mở bảng độ cập nhật dữ liệu").click()
    page.wait_for_url("**/freshness")
    alert = page.locator("#h-alerts + ul").inner_text()
    assert "le_phi" in alert and "lần thử 2, số lần thử lại: 1" in alert
    flagged = page.locator("tr", has=page.get_by_role("link", name="main.le_phi"))
    assert "Lần đồng bộ gần nhất bị lỗi" in flagged.inner_text()
    syncs = page.locator("section[aria-labelledby=h-syncs] tbody tr")
    assert syncs.count() == 1 and "Lỗi" in syncs.inner_text()
    keep_for_docs(shot(page, "freshness-03-alert"))

    page.get_by_role("link", name="Lịch sử chạy của mot-cua").first.click()
    page.wait_for_url("**/freshness/syncs/mot-cua")
    runs = page.locator("table.fr-table tbody tr")
    assert runs.count() == 3 and page.locator("tr.fr-row-failed").count() == 2
    assert "thêm 2, sửa 0, xóa 0" in runs.last.inner_text()  # the first, good run
    keep_for_docs(shot(page, "freshness-04-history"))
