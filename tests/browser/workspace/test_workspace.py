"""Agency workspace journeys in real headless Chromium against a real `kho serve`."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import shot
from tests.browser.workspace.conftest import PASSWORD, RESTRICTED, Workspace
from tests.browser.workspace.messy import write_messy_xlsx

pytestmark = pytest.mark.browser


def sign_in(page, ws: Workspace, username: str, target: str = "/workspace") -> None:  # type: ignore[no-untyped-def]
    page.goto(ws.url + target)
    page.wait_for_url("**/login?next=*")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**" + target)


def test_officer_uploads_xlsx_reads_report_and_downloads_rejects(  # type: ignore[no-untyped-def]
    new_page, workspace: Workspace, tmp_path: Path
) -> None:
    page = new_page()
    page.goto(workspace.url + "/workspace")
    page.wait_for_url("**/login?next=%2Fworkspace")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.locator("[role=alert]").inner_text()
    shot(page, "ws-01-login-wrong-password")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/workspace")
    assert "Thống kê tỉnh Khánh Hòa" in page.locator("main").inner_text()  # my organisation
    shot(page, "ws-02-home")

    page.get_by_role("link", name="Tải tệp lên").first.click()
    page.get_by_label("Bộ dữ liệu", exact=True).select_option("__new__")
    page.get_by_label("Tên ngắn (slug)").fill("ho_so_quy_3")
    page.get_by_label("Tiêu đề (tiếng Việt)").fill("Hồ sơ tiếp nhận quý III/2025")
    page.get_by_label("Cơ quan").select_option("CTK-KH")
    page.get_by_label("Tệp", exact=True).set_input_files(
        str(write_messy_xlsx(tmp_path / "Báo cáo quý 3.xlsx"))
    )
    shot(page, "ws-03-upload-form")
    page.get_by_role("button", name="Tải lên và nạp").click()
    page.locator("#upload-progress").wait_for(state="visible")
    page.locator("#progress-done").wait_for(state="visible", timeout=30_000)
    assert page.locator("#bar-upload").evaluate("e => e.value") == 100
    assert page.locator("#bar-process").evaluate("e => e.value") == 100
    status = page.locator("#progress-text").inner_text()
    assert "58 dòng đã nạp" in status and "2 dòng bị loại" in status
    shot(page, "ws-04-upload-progress-done")

    page.get_by_role("link", name="Mở báo cáo nạp").click()
    page.wait_for_url(re.compile(r".*/workspace/loads/\d+$"))
    assert page.locator("#rows-loaded").inner_text() == "58"
    assert page.locator("#rows-rejected").inner_text() == "2"
    columns = page.locator("#report-columns").inner_text()
    assert "Ngày tiếp nhận" in columns and "ngay_tiep_nhan" in columns and "date" in columns
    rejects = page.locator("#rejects").inner_text()
    assert "32/13/2025" in rejects and "không rõ" in rejects
    assert (
        "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA" in page.locator("main").inner_text()
    )  # skipped title row
    shot(page, "ws-05-load-report")

    with page.expect_download() as info:
        page.locator("#download-rejects").click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens it with its accents
    lines = raw.decode("utf-8-sig").splitlines()
    assert "kho_reject_reason" in lines[0] and "Mã hồ sơ" in lines[0]
    assert len(lines) == 3 and any("32/13/2025" in line for line in lines)

    page.get_by_role("link", name="Tải lên tệp đã sửa").click()
    assert page.get_by_label("Bộ dữ liệu", exact=True).input_value() == "ho_so_quy_3"
    assert page.get_by_label("Cách nạp").input_value() == "append"


def test_analyst_requests_access_admin_approves_columns_analyst_queries_and_charts(  # type: ignore[no-untyped-def]
    new_page, workspace: Workspace
) -> None:
    analyst = new_page()
    sign_in(analyst, workspace, "phantich")
    response = analyst.goto(f"{workspace.url}/datasets/{RESTRICTED}")
    assert response is not None and response.status == 404  # not even its existence shows
    shot(analyst, "ws-10-analyst-cannot-see-restricted")

    analyst.goto(f"{workspace.url}/workspace/requests/new?dataset={RESTRICTED}")
    analyst.get_by_label("Mục đích").fill("Tổng hợp số hồ sơ đất đai theo xã cho báo cáo quý.")
    shot(analyst, "ws-11-request-form")
    analyst.get_by_role("button", name="Gửi yêu cầu").click()
    analyst.wait_for_url("**/workspace/requests?created=*")
    assert "Chờ duyệt" in analyst.locator("#my-requests").inner_text()

    admin = new_page()
    sign_in(admin, workspace, "quantri")
    assert "phantich" in admin.locator("main").inner_text()  # waiting for my decision
    admin.goto(workspace.url + "/workspace/requests")
    card = admin.locator("article.ws-card", has_text="phantich")
    card.get_by_label("Số hồ sơ").check()
    card.get_by_label("Xã, phường").check()
    shot(admin, "ws-12-admin-approves-two-columns")
    card.get_by_role("button", name="Duyệt").click()
    admin.wait_for_url("**/workspace/requests")
    assert "Đã duyệt" in admin.locator("article.ws-card", has_text="phantich").inner_text()

    analyst.reload()
    assert "Đã duyệt" in analyst.locator("#my-requests").inner_text()
    shot(analyst, "ws-13-analyst-sees-approval")
    analyst.get_by_role("link", name="Truy vấn").first.click()
    analyst.wait_for_url("**/workspace/sql?sql=*")
    headers = analyst.locator("#sql-result thead").inner_text()
    assert "xa_phuong" in headers and "so_ho_so" in headers
    assert "so_dien_thoai" not in headers and "dien_tich" not in headers  # not granted

    editor = analyst.locator("#sql")
    editor.fill(f"SELECT so_dien_thoai_nguoi_nop FROM {RESTRICTED}")
    analyst.get_by_role("button", name="Chạy").click()
    assert "so_dien_thoai_nguoi_nop" in analyst.locator("#sql-error").inner_text()

    editor.fill(
        f"SELECT xa_phuong, sum(so_ho_so) AS tong_ho_so FROM {RESTRICTED}\n"
        "GROUP BY xa_phuong ORDER BY tong_ho_so DESC"
    )
    with analyst.expect_navigation():
        editor.press("Control+Enter")
    assert analyst.locator("#sql-result tbody tr").count() == 5
    assert analyst.locator("#sql-highlight .hljs-keyword").count() >= 3  # highlighted editor
    analyst.get_by_label("Nhãn (trục X)").select_option("xa_phuong")
    analyst.get_by_label("Giá trị (trục Y)").select_option("tong_ho_so")
    analyst.get_by_role("button", name="Vẽ").click()
    assert analyst.locator("#chart").get_attribute("data-points") == "5"
    assert "chart=bar" in analyst.url  # the chart is shareable by its URL
    analyst.get_by_label("Lưu truy vấn này với tên").fill("Hồ sơ theo xã")
    analyst.get_by_role("button", name="Lưu", exact=True).click()
    assert analyst.get_by_role("link", name="Hồ sơ theo xã").count() == 1
    shot(analyst, "ws-14-sql-saved")
    analyst.locator("#chart").scroll_into_view_if_needed()
    shot(analyst, "ws-15-chart")


def test_anonymous_visitors_are_sent_to_sign_in(workspace: Workspace) -> None:
    r = httpx.get(workspace.url + "/workspace/sql?sql=select+1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fworkspace%2Fsql%3Fsql%3Dselect%2B1"


def _signed_in_client(ws: Workspace, username: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=ws.url, headers={"Accept-Language": "vi"})
    form = client.get("/login").text
    token = re.search(r'name="login_csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": username, "password": PASSWORD, "login_csrf": token})
    page = client.get("/workspace/tokens").text
    return client, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_forms_without_the_csrf_token_are_refused(workspace: Workspace) -> None:
    client, csrf = _signed_in_client(workspace, "khoa")
    with closing(client):
        r = client.post("/workspace/tokens", data={"name": "lấy trộm", "scopes": "read"})
        assert r.status_code == 403 and "CSRF" in r.text
        assert "lấy trộm" not in client.get("/workspace/tokens").text
        r = client.post(
            "/workspace/tokens", data={"name": "kịch bản", "scopes": "read", "csrf_token": csrf}
        )
        assert r.status_code == 200 and re.search(r"kho_[A-Za-z0-9_-]{43}", r.text)  # shown once


def test_viewers_may_not_open_admin_pages_or_the_audit_log(workspace: Workspace) -> None:
    client, _ = _signed_in_client(workspace, "khoa")
    with closing(client):
        for path in ("/workspace/admin", "/workspace/audit"):
            r = client.get(path)
            assert r.status_code == 403 and "Bạn không có quyền xem trang này" in r.text


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(
    workspace: Workspace,
) -> None:
    with httpx.Client(base_url=workspace.url, headers={"Accept-Language": "en"}) as client:
        token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
        statuses = []
        for _ in range(6):
            r = client.post(
                "/login", data={"username": "thu", "password": "wrong", "login_csrf": token}
            )
            statuses.append(r.status_code)
        assert statuses[:5] == [401] * 5 and statuses[5] == 429
        assert "Too many failed sign-ins" in r.text and int(r.headers["retry-after"]) > 0
