"""Administrators at work in real Chromium against a real `kho serve`: an analyst asks for a hidden
dataset from its page, the owner's admin approves two columns then revokes the grant (the analyst's
SQL stops working), and a platform admin deactivates and reactivates a user."""

from __future__ import annotations

import os
import shutil
from urllib.parse import quote

import pytest

from tests.browser.conftest import ROOT, shot
from tests.browser.workspace.conftest import PASSWORD, RESTRICTED, Workspace

pytestmark = pytest.mark.browser
DOC_IMAGES = ROOT / "docs" / "img"
GRANTED_SQL = f"SELECT xa_phuong, so_ho_so FROM {RESTRICTED} ORDER BY xa_phuong"


def doc_shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A journey screenshot; with KHO_UPDATE_DOC_IMAGES=1 it also illustrates the guides."""
    path = shot(page, name)
    if os.environ.get("KHO_UPDATE_DOC_IMAGES") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOC_IMAGES / f"workspace-{name}.png")


def sign_in(page, ws: Workspace, username: str, target: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{ws.url}/login?next={quote(target, safe='')}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**" + target.split("?")[0] + "*")


def test_admin_revokes_a_grant_and_the_analyst_can_no_longer_query(  # type: ignore[no-untyped-def]
    new_page, workspace: Workspace
) -> None:
    analyst = new_page()
    analyst.goto(f"{workspace.url}/datasets/{RESTRICTED}")
    analyst.get_by_role("link", name="Đăng nhập để xem").click()  # anonymous: sign in, come back
    analyst.get_by_label("Tên đăng nhập").fill("dieutra")
    analyst.get_by_label("Mật khẩu").fill(PASSWORD)
    analyst.get_by_role("button", name="Đăng nhập").click()
    analyst.wait_for_url(f"**/datasets/{RESTRICTED}")
    assert "404" in analyst.locator(".error-code").inner_text()  # still hidden from SNV-KH
    doc_shot(analyst, "ws-20-request-access-button")
    analyst.get_by_role("link", name="Yêu cầu quyền truy cập").click()
    analyst.wait_for_url(f"**/workspace/requests/new?dataset={RESTRICTED}")
    assert analyst.get_by_label("Bộ dữ liệu (tên ngắn)").input_value() == RESTRICTED
    analyst.get_by_label("Mục đích").fill("Đối chiếu số hồ sơ đất đai theo xã.")
    analyst.get_by_role("button", name="Gửi yêu cầu").click()
    analyst.wait_for_url("**/workspace/requests?created=*")

    admin = new_page()
    sign_in(admin, workspace, "quantri", "/workspace/requests")
    card = admin.locator("article.ws-card", has_text="dieutra").filter(has_text="Chờ duyệt")
    card.get_by_label("Số hồ sơ").check()
    card.get_by_label("Xã, phường").check()
    card.get_by_role("button", name="Duyệt").click()
    admin.wait_for_url("**/workspace/requests")

    analyst.goto(f"{workspace.url}/datasets/{RESTRICTED}")
    assert "Bạn chỉ xem được một phần" in analyst.locator("#limited-access").inner_text()
    headers = analyst.locator("table.data thead").inner_text()
    assert "so_ho_so" in headers and "so_dien_thoai" not in headers
    doc_shot(analyst, "ws-21-partly-readable-dataset")
    analyst.goto(f"{workspace.url}/workspace/sql?sql={quote(GRANTED_SQL)}")
    assert analyst.locator("#sql-result tbody tr").count() == 20
    analyst.goto(f"{workspace.url}/workspace/grants")
    mine = analyst.locator("#my-access").inner_text()
    assert RESTRICTED in mine and "xa_phuong, so_ho_so" in mine and "đang hiệu lực" in mine

    admin.get_by_role("link", name="Quyền đã cấp").click()
    admin.wait_for_url("**/workspace/grants")
    row = admin.locator("#managed-grants tr", has_text="dieutra")
    assert "xa_phuong, so_ho_so" in row.inner_text() or "so_ho_so, xa_phuong" in row.inner_text()
    doc_shot(admin, "ws-22-grants-page")
    row.get_by_role("link", name="Thu hồi…").click()
    admin.get_by_label("Lý do (được ghi vào nhật ký kiểm toán)").fill("Đã xong đợt đối chiếu.")
    doc_shot(admin, "ws-23-revoke-confirm")
    admin.get_by_role("button", name="Thu hồi quyền").click()
    admin.wait_for_url("**/workspace/grants?revoked=*")
    assert "Đã thu hồi quyền" in admin.locator("#revoked-note").inner_text()

    analyst.goto(f"{workspace.url}/workspace/sql?sql={quote(GRANTED_SQL)}")
    assert analyst.locator("#sql-result tbody tr").count() == 0
    assert RESTRICTED in analyst.locator("#sql-error").inner_text()
    response = analyst.goto(f"{workspace.url}/datasets/{RESTRICTED}")
    assert response is not None and response.status == 404


def test_admin_deactivates_a_user_who_then_cannot_sign_in_until_reactivated(  # type: ignore[no-untyped-def]
    new_page, workspace: Workspace
) -> None:
    admin = new_page()
    sign_in(admin, workspace, "hethong", "/workspace/admin")
    tree = admin.locator("#orgs").inner_text()
    assert "CTK-KH" in tree and "SNV-KH" in tree
    admin.locator("#user-tamnghi").get_by_role("link", name="Vô hiệu hóa…").click()
    admin.wait_for_url("**/workspace/admin/users/tamnghi/deactivate")
    doc_shot(admin, "ws-25-deactivate-confirm")
    admin.get_by_role("button", name="Vô hiệu hóa người dùng").click()
    assert "Đã vô hiệu hóa người dùng tamnghi" in admin.locator("#admin-done").inner_text()
    assert "đã vô hiệu hóa" in admin.locator("#user-tamnghi").inner_text().lower()
    doc_shot(admin, "ws-24-admin-tree")
    admin.locator("#user-tamnghi").scroll_into_view_if_needed()
    doc_shot(admin, "ws-26-user-deactivated")

    user = new_page()
    user.goto(f"{workspace.url}/login")
    user.get_by_label("Tên đăng nhập").fill("tamnghi")
    user.get_by_label("Mật khẩu").fill(PASSWORD)
    user.get_by_role("button", name="Đăng nhập").click()
    assert "Sai tên đăng nhập hoặc mật khẩu" in user.locator("[role=alert]").inner_text()

    admin.locator("#user-tamnghi").get_by_role("button", name="Kích hoạt lại").click()
    assert "tamnghi đã có thể đăng nhập lại" in admin.locator("#admin-done").inner_text()
    user.get_by_label("Tên đăng nhập").fill("tamnghi")
    user.get_by_label("Mật khẩu").fill(PASSWORD)
    user.get_by_role("button", name="Đăng nhập").click()
    user.wait_for_url("**/workspace")
    assert "tamnghi" in user.locator(".ws-me").inner_text()
