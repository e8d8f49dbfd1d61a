"""The workspace pages for targets and reported values through the real ASGI app: the assign grid,
proposals, decisions and entered values, each tried with wrong, hostile and repeated input.

World: tests/integration/api/targets_world.py (TINH above SO-A and SO-B; TINH2 above SO-X).
Each test uses its own period so the tests do not depend on each other.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI

from kho.web.app import create_app
from tests.integration.api.conftest import _cheap_argon2  # noqa: F401 - cheap hashing fixture
from tests.integration.api.targets_world import MEETINGS, ONLINE, PASSWORD, World, build

pytestmark = pytest.mark.anyio
Client = httpx.AsyncClient
SignIn = Callable[..., Awaitable[tuple[Client, str]]]
ASSIGN = f"/workspace/indicators/{ONLINE}/assign"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = build(tmp_path_factory.mktemp("ws-targets"), None)
    yield w
    w.platform.close()


@pytest.fixture(scope="module")
def app(world: World) -> FastAPI:
    return create_app(world.platform)


@pytest.fixture
async def sign_in(app: FastAPI) -> AsyncIterator[SignIn]:
    """A browser-like client signed in as someone, with the session's CSRF token."""
    from kho.web.auth import ip_failures

    ip_failures.clear("127.0.0.1")
    clients: list[Client] = []

    async def open_as(username: str, lang: str = "vi") -> tuple[Client, str]:
        c = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://kho.test",
            headers={"accept-language": lang, "accept": "text/html"},
        )
        clients.append(c)
        form = (await c.get("/login")).text
        token = re.search(r'name="login_csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        r = await c.post(
            "/login", data={"username": username, "password": PASSWORD, "login_csrf": token}
        )
        assert r.status_code == 303, r.text
        page = (await c.get("/workspace/indicators")).text
        return c, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    yield open_as
    for c in clients:
        await c.aclose()


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def alert(page: str) -> str:
    found = re.search(r'role="alert"[^>]*>(.*?)</', page, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def history(world: World, org: str, period: str) -> list[float | None]:
    return [
        x.value for x in world.platform.indicators.targets.history(ONLINE, org=org, period=period)
    ]


async def test_nav_and_overview_show_what_i_can_do(sign_in: SignIn) -> None:
    admin, _ = await sign_in("admin_tinh")
    page = (await admin.get("/workspace/indicators")).text
    assert 'href="/workspace/indicators" aria-current="page">Chỉ tiêu<' in page
    words = text_of(page)
    assert "Chờ tôi quyết định" in words and "Giao chỉ tiêu" in words and "Tính lại" in words
    officer, _ = await sign_in("editor_a", "en")
    words = text_of((await officer.get("/workspace/indicators")).text)
    assert "Propose a target" in words and "Enter a value" in words and "Recompute" not in words
    viewer, _ = await sign_in("viewer_tinh")
    page = (await viewer.get("/workspace/indicators")).text
    assert "chỉ xem" in text_of(page) and "/assign" not in page and "/propose" not in page


async def test_assign_grid_sets_changed_rows_once_and_keeps_history(
    sign_in: SignIn, world: World
) -> None:
    admin, csrf = await sign_in("admin_tinh")
    page = await admin.get(ASSIGN, params={"parent": "TINH", "period": "2027Q1"})
    assert page.status_code == 200
    assert 'name="value__SO-A"' in page.text and 'name="value__SO-B"' in page.text
    assert 'name="value__SO-X"' not in page.text  # another province's department
    form = {"csrf_token": csrf, "parent": "TINH", "period": "2027Q1", "note": "QĐ 12/QĐ-UBND"}
    r = await admin.post(
        ASSIGN, data={**form, "value__SO-A": "70", "low__SO-B": "40,5", "high__SO-B": "60"}
    )
    assert r.status_code == 303 and "saved=2" in r.headers["location"]
    shown = await admin.get(r.headers["location"])
    assert "Đã giao 2 chỉ tiêu" in text_of(shown.text)
    assert "40,5 – 60" in text_of(shown.text)  # the range, in Vietnamese number format
    again = await admin.post(
        ASSIGN, data={**form, "value__SO-A": "70", "low__SO-B": "40,5", "high__SO-B": "60"}
    )
    assert "saved=0" in again.headers["location"]  # the same form sent twice changes nothing
    assert "Không có gì để lưu" in text_of((await admin.get(again.headers["location"])).text)
    raised = await admin.post(ASSIGN, data={**form, "value__SO-A": "1.000"})  # vi: one thousand
    assert "saved=1" in raised.headers["location"]
    assert history(world, "SO-A", "2027Q1") == [70, 1000]
    assert [x.set_by for x in world.platform.indicators.targets.history(ONLINE, org="SO-A")][
        -2:
    ] == ["admin_tinh"] * 2


@pytest.mark.parametrize(
    ("fields", "vi", "en"),
    [
        ({"value__SO-A": "bảy mươi"}, "«bảy mươi» không phải là số", "«bảy mươi» is not a number"),
        ({"value__SO-A": "1e5"}, "không phải là số", "is not a number"),
        ({"value__SO-A": "9" * 30}, "quá lớn", "too large"),
        ({"value__SO-A": "9" * 500}, "không phải là số", "is not a number"),
        (
            {"low__SO-A": "80", "high__SO-A": "50"},
            "cận dưới không được lớn hơn cận trên",
            "the start must not be above the end",
        ),
        ({"value__SO-A": "70", "low__SO-A": "60"}, "không nhập cả hai", "not both"),
        ({"period": "2027-Q1", "value__SO-A": "70"}, "không phải là kỳ", "is not a period"),
        ({"period": "202701", "value__SO-A": "70"}, "không phải là kỳ", "is not a period"),
        (
            {"value__SO-X": "70"},
            "không phải đơn vị trực thuộc TINH",
            "is not a unit directly below TINH",
        ),
        (
            {"parent": "TINH2", "value__SO-X": "70"},
            "không thể giao chỉ tiêu",
            "cannot assign targets",
        ),
        (
            {"value__SO-A": "70", "note": "x" * 2500},
            "chỉ được tối đa 2000",
            "keep it to 2000 or fewer",
        ),
    ],
)
async def test_assign_grid_refuses_bad_input_in_both_languages(
    sign_in: SignIn, world: World, fields: dict[str, str], vi: str, en: str
) -> None:
    before = history(world, "SO-A", "2027Q3")
    for lang, words in (("vi", vi), ("en", en)):
        admin, csrf = await sign_in("admin_tinh", lang)
        data = {"csrf_token": csrf, "parent": "TINH", "period": "2027Q3", **fields}
        r = await admin.post(ASSIGN, data=data)
        assert r.status_code in (400, 403), r.text
        assert words in text_of(r.text), (lang, alert(r.text))
    assert history(world, "SO-A", "2027Q3") == before  # nothing saved


async def test_officer_cannot_assign_and_csrf_is_required(sign_in: SignIn) -> None:
    officer, csrf = await sign_in("editor_a")
    page = await officer.get(ASSIGN)
    assert "không thể giao chỉ tiêu" in text_of(page.text) and "assign-grid" not in page.text
    r = await officer.post(
        ASSIGN, data={"csrf_token": csrf, "parent": "TINH", "period": "2027", "value__SO-A": "99"}
    )
    assert r.status_code == 403
    admin, _ = await sign_in("admin_tinh")
    forged = await admin.post(
        ASSIGN, data={"parent": "TINH", "period": "2027", "value__SO-A": "99"}
    )
    assert forged.status_code == 403 and "CSRF" in forged.text


async def test_proposal_sent_back_with_hostile_note_then_approved(
    sign_in: SignIn, world: World
) -> None:
    officer, o_csrf = await sign_in("editor_a")
    url = f"/workspace/indicators/{ONLINE}/propose"
    proposal = {
        "csrf_token": o_csrf,
        "org": "SO-A",
        "period": "2028",
        "value": "65,5",
        "note": "theo năng lực",
    }
    r = await officer.post(url, data=proposal)
    assert r.status_code == 303 and "done=proposed" in r.headers["location"]
    pid = world.platform.indicators.targets.history(ONLINE, org="SO-A", period="2028")[-1].id
    twice = await officer.post(url, data=proposal)
    assert twice.status_code == 400 and f"Đăng ký số {pid}" in alert(twice.text)
    other = await officer.post(url, data={**proposal, "org": "SO-B"})
    assert other.status_code == 400 and "biên tập viên hoặc quản trị" in alert(other.text)

    decide = f"/workspace/indicators/targets/{pid}"
    viewer, v_csrf = await sign_in("viewer_tinh")
    refused = await viewer.post(f"{decide}/approve", data={"csrf_token": v_csrf})
    assert refused.status_code == 400 and "Chỉ biên tập viên và quản trị" in alert(refused.text)
    admin, a_csrf = await sign_in("admin_tinh")
    assert f'id="proposal-{pid}"' in (await admin.get("/workspace/indicators")).text
    no_reason = await admin.post(f"{decide}/send-back", data={"csrf_token": a_csrf, "note": "  "})
    assert no_reason.status_code == 400 and "ghi lý do" in alert(no_reason.text)
    hostile = "<script>alert(1)</script> quá thấp"
    back = await admin.post(f"{decide}/send-back", data={"csrf_token": a_csrf, "note": hostile})
    assert back.status_code == 303
    mine = (await officer.get("/workspace/indicators")).text
    assert (
        "<script>alert(1)</script>" not in mine
        and "&lt;script&gt;alert(1)&lt;/script&gt; quá thấp" in mine
    )
    assert (
        "bị trả lại" in text_of(mine)
        and f"/workspace/indicators/{ONLINE}/propose?org=SO-A&amp;period=2028" in mine
    )
    again = await admin.post(f"{decide}/approve", data={"csrf_token": a_csrf})
    assert again.status_code == 400 and "đã được quyết định" in alert(again.text)

    r = await officer.post(url, data={**proposal, "value": "70"})
    assert r.status_code == 303
    second = world.platform.indicators.targets.history(ONLINE, org="SO-A", period="2028")[-1].id
    ok = await admin.post(
        f"/workspace/indicators/targets/{second}/approve", data={"csrf_token": a_csrf}
    )
    assert ok.status_code == 303 and "done=approved" in ok.headers["location"]
    view = world.platform.indicators.targets.overview(ONLINE, org="SO-A", period="2028")
    assert view.effective is not None and view.effective.id == second
    assert [x.status for x in view.history] == ["sent_back", "approved"]
    missing = await admin.post(
        "/workspace/indicators/targets/999999999/approve", data={"csrf_token": a_csrf}
    )
    assert missing.status_code == 400 and "Không có đăng ký số 999999999" in alert(missing.text)


async def test_reported_value_entry_and_decision(sign_in: SignIn, world: World) -> None:
    officer, o_csrf = await sign_in("editor_a")
    url = f"/workspace/indicators/{MEETINGS}/enter"
    entry = {
        "csrf_token": o_csrf,
        "org": "SO-A",
        "period": "2026Q2",
        "value": "",
        "note": "<b>đủ</b>",
    }
    for value, words in (
        ("", "Hãy nhập số liệu"),
        ("năm", "không phải là số"),
        ("1" * 20, "quá lớn"),
    ):
        r = await officer.post(url, data={**entry, "value": value})
        assert r.status_code == 400 and words in alert(r.text), value
    wrong_period = await officer.post(url, data={**entry, "value": "5", "period": "2026W10"})
    assert wrong_period.status_code == 400 and "không phải là kỳ của chỉ tiêu" in alert(
        wrong_period.text
    )
    assert (await officer.post(url, data={**entry, "value": "5"})).status_code == 303
    assert (
        await officer.post(url, data={**entry, "value": "6"})
    ).status_code == 303  # a correction

    admin, a_csrf = await sign_in("admin_tinh", "en")
    page = (await admin.get("/workspace/indicators")).text
    assert "&lt;b&gt;đủ&lt;/b&gt;" in page and "Approve" in page
    viewer, v_csrf = await sign_in("viewer_tinh")
    decision = {"org": "SO-A", "period": "2026Q2"}
    denied = await viewer.post(
        f"/workspace/indicators/{MEETINGS}/entries/approve", data={**decision, "csrf_token": v_csrf}
    )
    assert denied.status_code == 400 and "Chỉ biên tập viên và quản trị" in alert(denied.text)
    ok = await admin.post(
        f"/workspace/indicators/{MEETINGS}/entries/approve", data={**decision, "csrf_token": a_csrf}
    )
    assert ok.status_code == 303
    twice = await admin.post(
        f"/workspace/indicators/{MEETINGS}/entries/send-back",
        data={**decision, "csrf_token": a_csrf},
    )
    assert twice.status_code == 400 and "already decided" in alert(twice.text)
    locked = await officer.post(url, data={**entry, "value": "9"})
    assert locked.status_code == 400 and "đã được duyệt và khóa" in alert(locked.text)
    [saved] = [e for e in world.platform.indicators.reporting.entries(MEETINGS, period="2026Q2")]
    assert (saved.value, saved.status, saved.entered_by, saved.decided_by) == (
        6,
        "approved",
        "editor_a",
        "admin_tinh",
    )
    computed = await officer.get(f"/workspace/indicators/{ONLINE}/enter")
    assert computed.status_code == 400 and "được tính từ dữ liệu" in alert(computed.text)


async def test_recompute_only_for_the_owner(sign_in: SignIn) -> None:
    admin, a_csrf = await sign_in("admin_tinh")
    r = await admin.post(f"/workspace/indicators/{ONLINE}/compute", data={"csrf_token": a_csrf})
    assert r.status_code == 303 and "done=computed" in r.headers["location"]
    assert "Đã tính lại" in text_of((await admin.get(r.headers["location"])).text)
    officer, o_csrf = await sign_in("editor_a")
    denied = await officer.post(
        f"/workspace/indicators/{ONLINE}/compute", data={"csrf_token": o_csrf}
    )
    assert denied.status_code == 403 and "Bạn không có quyền làm việc này" in alert(denied.text)


@pytest.mark.parametrize(
    "path",
    [
        "/workspace/indicators/KHONG_CO/assign",
        "/workspace/indicators/KHONG_CO/propose",
        "/workspace/indicators/KHONG_CO/enter",
        f"{ASSIGN}?period=" + "Q" * 40,
        f"{ASSIGN}?parent=%00&period=2025Q1",
        f"/workspace/indicators/{ONLINE}/propose?org=SO-A&period=<script>x</script>",
        "/workspace/indicators?done=computed&n=-1",
    ],
)
async def test_odd_addresses_never_crash(sign_in: SignIn, path: str) -> None:
    admin, _ = await sign_in("admin_tinh")
    r = await admin.get(path)
    assert r.status_code in (200, 400, 404), (path, r.status_code)
    assert "<script>x</script>" not in r.text
