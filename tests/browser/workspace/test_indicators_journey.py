"""Targets journey in real headless Chromium against a real `kho serve` with a province of its own:
the province admin assigns quarterly targets to its departments, a department registers its own
target, the admin approves it, the dossiers are uploaded and the values computed, and the quarterly
report shows each unit's status.

Statuses for 2025Q1, computed by hand from DOSSIERS (share of dossiers submitted online):

| unit    | online / all | actual  | target in force                      | status    |
|---------|--------------|---------|--------------------------------------|-----------|
| SO-KH   | 3 / 4        | 75 %    | 70 (assigned)                        | achieved  |
| SO-NV   | 2 / 5        | 40 %    | 35 (its approved proposal beats 60)  | achieved  |
| SO-TP   | 0 / 2        | 0 %     | 50 (assigned)                        | missed    |
| SO-YT   | none in Q1   | –       | 40–60 (assigned range)               | no_data   |
| TINH-TN | 5 / 11       | 45.5 %  | none                                 | no_target |

(SO-YT appears in the report because it has a dossier in April; against the assigned 60 SO-NV
would have missed: 40 / 60 = 67 %.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import ROOT, shot
from tests.kho_process import kho_serve

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-chi-tieu-1"
CODE = "DVC_TRUC_TUYEN"
PROVINCE = "TINH-TN"
DEPARTMENTS = {
    "SO-KH": "Sở Kế hoạch",
    "SO-NV": "Sở Nội vụ",
    "SO-TP": "Sở Tư pháp",
    "SO-YT": "Sở Y tế",
}
EXPECTED = {
    PROVINCE: "no_target",
    "SO-KH": "achieved",
    "SO-NV": "achieved",
    "SO-TP": "missed",
    "SO-YT": "no_data",
}
DOSSIERS = """Mã hồ sơ,Đơn vị,Ngày tiếp nhận,Hình thức nộp
HS01,SO-KH,06/01/2025,Trực tuyến
HS02,SO-KH,15/01/2025,Trực tuyến
HS03,SO-KH,10/02/2025,Trực tuyến
HS04,SO-KH,12/03/2025,Trực tiếp
HS05,SO-NV,07/01/2025,Trực tuyến
HS06,SO-NV,20/02/2025,Trực tuyến
HS07,SO-NV,21/02/2025,Trực tiếp
HS08,SO-NV,03/03/2025,Trực tiếp
HS09,SO-NV,25/03/2025,Bưu chính
HS10,SO-TP,14/01/2025,Trực tiếp
HS11,SO-TP,28/03/2025,Trực tiếp
HS12,SO-YT,02/04/2025,Trực tuyến
HS13,SO-KH,05/04/2025,Trực tiếp
"""
PACK = f"""pack: tinh_thu_nghiem
access_level: public
indicators:
  - code: {CODE}
    name_vi: Tỷ lệ hồ sơ nộp trực tuyến
    name_en: Share of dossiers submitted online
    unit: "%"
    decimals: 1
    owner_org: {PROVINCE}
    source:
      dataset: ho_so_tinh
      org_column: don_vi
      date_column: ngay_tiep_nhan
      numerator: "count(*) FILTER (WHERE hinh_thuc_nop = 'Trực tuyến')"
      denominator: "count(*)"
      factor: 100
"""


def keep_for_docs(path: Path) -> None:
    """Screenshots illustrate docs/workspace-guide.md (refreshed with KHO_UPDATE_DOC_IMAGES=1)."""
    if os.environ.get("KHO_UPDATE_DOC_IMAGES") == "1":
        (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copy(path, ROOT / "docs" / "img" / f"workspace-{path.name}")


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `kho serve` of its own: the province, four departments, an admin, an officer, the pack."""
    home = tmp_path_factory.mktemp("kho-targets")
    env = {**os.environ, "KHO_HOME": str(home), "KHO_PASSWORD": PASSWORD}
    env.pop("KHO_DATABASE_URL", None)
    kho = [sys.executable, "-m", "kho.cli.main"]

    def run(*args: str) -> None:
        subprocess.run([*kho, *args], env=env, check=True, capture_output=True, timeout=300)

    run("init")
    run("orgs", "create", PROVINCE, "UBND tỉnh Thử Nghiệm", "--kind", "province")
    for code, name in DEPARTMENTS.items():
        run("orgs", "create", code, name, "--parent", PROVINCE, "--kind", "department")
    run("users", "create", "quantri", "--role", f"{PROVINCE}:admin", "--full-name", "Trần Quản Trị")
    run("users", "create", "canbo", "--role", "SO-NV:editor", "--full-name", "Lê Cán Bộ")
    (home / "pack.yaml").write_text(PACK, encoding="utf-8")
    run("indicators", "load-pack", str(home / "pack.yaml"))
    with kho_serve(env) as base:
        yield base


def sign_in(page, base: str, username: str, target: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + target)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**" + target)


def step(page, name: str) -> None:  # type: ignore[no-untyped-def]
    keep_for_docs(shot(page, name))


def test_admin_assigns_department_proposes_admin_approves_report_shows_statuses(  # type: ignore[no-untyped-def]
    new_page, province: str, tmp_path: Path
) -> None:
    admin = new_page()
    sign_in(admin, province, "quantri", "/workspace/indicators")
    assert admin.locator("nav [aria-current=page]").inner_text() == "Chỉ tiêu"
    step(admin, "ind-01-overview")

    admin.locator(f"#indicator-{CODE}").get_by_role("link", name="Giao chỉ tiêu").click()
    admin.get_by_label("Kỳ", exact=True).fill("2025Q1")
    admin.get_by_role("button", name="Xem").click()
    admin.wait_for_url("**period=2025Q1*")
    grid = admin.locator("#assign-grid")
    assert [grid.locator("tbody tr").nth(i).get_attribute("data-unit") for i in range(4)] == list(
        DEPARTMENTS
    )
    admin.get_by_label("Kế hoạch mới cho Sở Kế hoạch (SO-KH)").fill("70")
    admin.get_by_label("Kế hoạch mới cho Sở Nội vụ (SO-NV)").fill("60")
    admin.get_by_label("Kế hoạch mới cho Sở Tư pháp (SO-TP)").fill("năm mươi")
    admin.get_by_label("Cận dưới của khoảng cho Sở Y tế (SO-YT)").fill("40")
    admin.get_by_label("Cận trên của khoảng cho Sở Y tế (SO-YT)").fill("60")
    admin.get_by_label("Ghi chú lưu cùng các chỉ tiêu này").fill(
        "Quyết định 01/QĐ-UBND giao chỉ tiêu quý I"
    )
    admin.get_by_role("button", name="Giao chỉ tiêu").click()
    assert "chưa lưu gì cả" in admin.locator("#form-error").inner_text()
    assert "«năm mươi» không phải là số" in admin.locator("tr[data-unit=SO-TP]").inner_text()
    assert admin.get_by_label("Kế hoạch mới cho Sở Kế hoạch (SO-KH)").input_value() == "70"  # kept
    admin.get_by_label("Kế hoạch mới cho Sở Tư pháp (SO-TP)").fill("50")
    step(admin, "ind-02-assign-grid")
    admin.get_by_role("button", name="Giao chỉ tiêu").click()
    assert "Đã giao 4 chỉ tiêu" in admin.get_by_role("status").inner_text()
    in_force = {
        u: admin.locator(f"tr[data-unit={u}] .target-in-force").inner_text() for u in DEPARTMENTS
    }
    assert in_force == {"SO-KH": "70", "SO-NV": "60", "SO-TP": "50", "SO-YT": "40 – 60"}
    step(admin, "ind-03-assigned")

    officer = new_page()
    sign_in(officer, province, "canbo", "/workspace/indicators")
    officer.locator(f"#indicator-{CODE}").get_by_role("link", name="Đăng ký chỉ tiêu").click()
    officer.get_by_label("Kỳ", exact=True).fill("2025Q1")
    officer.get_by_role("button", name="Xem").click()
    officer.wait_for_url("**org=SO-NV&period=2025Q1")
    assert officer.locator("#in-force").inner_text() == "60"  # what the province assigned
    officer.get_by_label("Giá trị kế hoạch").fill("35")
    officer.get_by_label("Lý do đăng ký").fill(
        "Sở mới sáp nhập; <b>năng lực</b> số hóa còn hạn chế"
    )
    step(officer, "ind-04-propose")
    officer.get_by_role("button", name="Gửi cấp trên duyệt").click()
    officer.wait_for_url("**done=proposed")
    mine = officer.locator("#my-proposals tbody tr").first
    assert "chờ duyệt" in mine.inner_text() and "35" in mine.inner_text()

    admin.goto(f"{province}/workspace/indicators")
    card = admin.locator("#awaiting article").first
    assert "Sở Nội vụ (SO-NV)" in card.inner_text() and "<b>năng lực</b>" in card.inner_text()
    step(admin, "ind-05-proposal-to-decide")
    card.get_by_role("button", name="Duyệt").click()
    assert admin.get_by_role("status").inner_text() == "Đã duyệt."
    officer.reload()
    assert "Đã duyệt" in officer.locator("#my-proposals tbody tr").first.inner_text()

    admin.goto(f"{province}/workspace/upload")
    admin.get_by_label("Bộ dữ liệu", exact=True).select_option("__new__")
    admin.get_by_label("Tên ngắn (slug)").fill("ho_so_tinh")
    admin.get_by_label("Tiêu đề (tiếng Việt)").fill("Hồ sơ một cửa tỉnh Thử Nghiệm")
    admin.get_by_label("Cơ quan").select_option(PROVINCE)
    admin.get_by_label("Ai được xem").select_option("public")
    (tmp_path / "ho_so_quy_1.csv").write_text(DOSSIERS, encoding="utf-8")
    admin.get_by_label("Tệp", exact=True).set_input_files(str(tmp_path / "ho_so_quy_1.csv"))
    admin.get_by_role("button", name="Tải lên và nạp").click()
    admin.locator("#progress-done").wait_for(state="visible", timeout=30_000)
    assert "13 dòng đã nạp" in admin.locator("#progress-text").inner_text()

    admin.goto(f"{province}/workspace/indicators")
    admin.locator(f"#indicator-{CODE}").get_by_role("button", name="Tính lại").click()
    assert "Đã tính lại" in admin.get_by_role("status").inner_text()
    admin.goto(f"{province}/workspace/indicators/{CODE}/assign?parent={PROVINCE}&period=2025Q1")
    shown = {
        u: admin.locator(f"tr[data-unit={u}]").get_attribute("data-status") for u in DEPARTMENTS
    }
    assert shown == {u: s for u, s in EXPECTED.items() if u != PROVINCE}
    assert admin.locator("tr[data-unit=SO-NV] .target-in-force").inner_text() == "35"
    assert admin.locator("tr[data-unit=SO-KH] td.num").first.inner_text() == "75,0"
    step(admin, "ind-06-grid-with-statuses")

    report = httpx.get(
        f"{province}/api/v1/indicators/report",
        params={"period": "2025Q1", "org": PROVINCE, "indicator": CODE},
        timeout=30,
    ).json()
    assert {r["org"]: r["status"] for r in report["rows"]} == EXPECTED
    assert round(report["rows"][0]["actual"], 2) == 45.45  # 5 / 11, not the mean of the ratios

    admin.goto(f"{province}/indicators/report?period=2025Q1&org={PROVINCE}")
    rows = admin.locator(f"tr[data-indicator={CODE}]")
    assert {
        rows.nth(i).get_attribute("data-org"): rows.nth(i).get_attribute("data-status")
        for i in range(rows.count())
    } == EXPECTED
    step(admin, "ind-07-quarterly-report")
