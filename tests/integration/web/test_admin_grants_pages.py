"""The grants page, the organisation and user administration pages, password-reset links and the
"request access" hints, through the real ASGI app on both metadata backends, with hostile input."""

# ruff: noqa: F811 - the access fixtures imported below are the parameters of these tests
from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from kho.access.actors import SYSTEM
from kho.access.models import GrantCreate, MembershipPublic, OrgCreate, UserCreate
from kho.web.app import create_app
from kho.web.i18n import local_time
from tests.integration.access.conftest import (  # noqa: F401 - fixtures used by these tests
    PASSWORD,
    World,
    fast_argon2,
    messy_dossiers_csv,
    world,
)

pytestmark = pytest.mark.anyio
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36"
SignIn = Callable[[str], Awaitable[tuple[httpx.AsyncClient, str]]]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def fresh_address_backoff() -> None:
    """Failed sign-ins of earlier tests must not slow this one down (same client address)."""
    from kho.web.auth import ip_failures

    ip_failures.clear("127.0.0.1")


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def part(page: str, tag: str, element_id: str) -> str:
    """The text of one element (a table row or table) of a page, found by its id."""
    found = re.search(rf'<{tag}[^>]* id="{re.escape(element_id)}"[^>]*>.*?</{tag}>', page, re.S)
    assert found is not None, f"no <{tag} id={element_id!r}>"
    return text_of(found.group(0))


@pytest.fixture
def app(world: World) -> FastAPI:
    return create_app(world.platform)


@pytest.fixture
async def sign_in(app: FastAPI) -> AsyncIterator[SignIn]:
    """Open a browser-like client signed in as a user; returns it with the session's CSRF token."""
    clients: list[httpx.AsyncClient] = []

    async def open_as(username: str, lang: str = "vi") -> tuple[httpx.AsyncClient, str]:
        c = anonymous(app, lang)
        clients.append(c)
        r = await login(c, username, PASSWORD)
        assert r.status_code == 303, r.text
        page = (await c.get("/workspace/grants")).text
        return c, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    yield open_as
    for c in clients:
        await c.aclose()


def anonymous(app: FastAPI, lang: str = "vi") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://kho.test",
        headers={"accept-language": lang, "user-agent": BROWSER},
    )


async def login(c: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    form = (await c.get("/login")).text
    token = re.search(r'name="login_csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    return await c.post(
        "/login", data={"username": username, "password": password, "login_csrf": token}
    )


def grant_columns(world: World, username: str = "granted") -> int:
    """A grant of two columns of `ho_so` to one user, expiring in 30 days; returns its id."""
    g = world.platform.access.grants.create(
        GrantCreate(
            dataset="ho_so",
            username=username,
            columns=["ma_ho_so", "tinh_thanh_pho"],
            expires_at=datetime.now(UTC) + timedelta(days=30),
        ),
        actor=SYSTEM,
    )
    return g.id


def add_user(world: World, name: str, org: str | None, role: str, *, admin: bool = False) -> None:
    ms = [MembershipPublic.model_validate({"org_code": org, "role": role})] if org else []
    world.platform.access.users.create(
        UserCreate(username=name, password=PASSWORD, memberships=ms, is_platform_admin=admin),
        actor=SYSTEM,
    )


# grants ----------------------------------------------------------------------------------------
async def test_org_admin_sees_and_revokes_a_grant_with_a_reason(
    world: World, sign_in: SignIn
) -> None:
    gid = grant_columns(world)
    admin, csrf = await sign_in("admin_owner")
    page = await admin.get("/workspace/grants")
    row = part(page.text, "tr", f"grant-{gid}")
    assert "granted" in row and "ho_so" in row and "ma_ho_so, tinh_thanh_pho" in row
    assert "tất cả các dòng" in row and "đang hiệu lực" in row
    expires = local_time(datetime.now(UTC) + timedelta(days=30)).strftime("%d/%m/%Y")  # as shown
    assert expires in row  # the expiry, written the Vietnamese way

    confirm = await admin.get(f"/workspace/grants/{gid}/revoke")
    assert confirm.status_code == 200 and "Thu hồi quyền" in confirm.text
    no_reason = await admin.post(
        f"/workspace/grants/{gid}/revoke", data={"csrf_token": csrf, "confirm": "yes"}
    )
    assert no_reason.status_code == 400 and "Hãy ghi lý do thu hồi" in no_reason.text
    granted = world.actors["granted"]
    assert world.platform.access.read_policy(
        granted, dataset_slug="ho_so", org_code="SO-TP", access_level="restricted"
    )  # still readable: nothing happened without a reason

    reason = "Hết dự án; <b>không</b> cần nữa"
    done = await admin.post(
        f"/workspace/grants/{gid}/revoke",
        data={"csrf_token": csrf, "confirm": "yes", "reason": reason},
    )
    assert (
        done.status_code == 303 and done.headers["location"] == f"/workspace/grants?revoked={gid}"
    )
    after = await admin.get(done.headers["location"] + "&state=all")
    assert f"Đã thu hồi quyền {gid}" in text_of(after.text)
    assert "Đã thu hồi" in part(after.text, "tr", f"grant-{gid}")
    assert (
        world.platform.access.read_policy(
            granted, dataset_slug="ho_so", org_code="SO-TP", access_level="restricted"
        )
        is None
    )
    log = world.platform.access.log.list(SYSTEM, action="grant.revoke")
    assert [e.action for e in log] == ["grant.revoke"]
    assert log[0].details == {"reason": reason} and log[0].actor == "admin_owner"


async def test_revoking_twice_says_it_was_already_revoked(world: World, sign_in: SignIn) -> None:
    gid = grant_columns(world)
    admin, csrf = await sign_in("admin_owner", "en")
    form = {"csrf_token": csrf, "confirm": "yes", "reason": "no longer needed"}
    assert (await admin.post(f"/workspace/grants/{gid}/revoke", data=form)).status_code == 303
    again = await admin.post(f"/workspace/grants/{gid}/revoke", data=form)
    assert again.status_code == 409
    assert (
        f"Grant {gid} was already revoked on" in again.text and "Revoke the grant" not in again.text
    )
    log = world.platform.access.log.list(SYSTEM, action="grant.revoke")
    assert len(log) == 1  # one revocation with its reason, nothing for the second try


async def test_grants_of_other_organisations_are_not_found_and_unknown_ids_are_404(
    world: World, sign_in: SignIn
) -> None:
    gid = grant_columns(world)
    add_user(world, "admin_yt", "SO-YT", "admin")
    other, csrf = await sign_in("admin_yt")
    listing = await other.get("/workspace/grants")
    assert f'id="grant-{gid}"' not in listing.text
    for path in (f"/workspace/grants/{gid}/revoke", "/workspace/grants/999999/revoke"):
        assert (await other.get(path)).status_code == 404
        r = await other.post(path, data={"csrf_token": csrf, "confirm": "yes", "reason": "x"})
        assert r.status_code == 404 and "Không có quyền" in r.text
    assert (await other.get("/workspace/grants/abc/revoke")).status_code == 400
    assert (await other.get(f"/workspace/grants/{2**70}/revoke")).status_code == 404
    grantee, gcsrf = await sign_in("granted")
    r = await grantee.post(
        f"/workspace/grants/{gid}/revoke",
        data={"csrf_token": gcsrf, "confirm": "yes", "reason": "tự thu hồi"},
    )
    # the grantee sees the grant but may not revoke it
    assert r.status_code == 403 and "Chưa thu hồi được quyền" in r.text
    assert [g.state for g in world.platform.access.grants.list(actor=SYSTEM)] == ["active"]


async def test_revoking_without_the_csrf_token_is_refused(world: World, sign_in: SignIn) -> None:
    gid = grant_columns(world)
    admin, _csrf = await sign_in("admin_owner")
    r = await admin.post(
        f"/workspace/grants/{gid}/revoke", data={"confirm": "yes", "reason": "forged"}
    )
    assert r.status_code == 403 and "CSRF" in r.text
    assert world.platform.access.grants.list(actor=SYSTEM)[0].state == "active"


async def test_huge_reason_and_filters_are_refused_with_a_page(
    world: World, sign_in: SignIn
) -> None:
    gid = grant_columns(world)
    admin, csrf = await sign_in("admin_owner")
    r = await admin.post(
        f"/workspace/grants/{gid}/revoke",
        data={"csrf_token": csrf, "confirm": "yes", "reason": "x" * 100_000},
    )
    assert r.status_code == 400 and "<html" in r.text
    assert (await admin.get("/workspace/grants", params={"state": "<b>"})).status_code == 400
    for hostile in ("<script>x</script>", "ho_so\x00", "x" * 64):
        bad = await admin.get("/workspace/grants", params={"dataset": hostile})
        assert bad.status_code == 400 and "<script>x" not in bad.text
    only = await admin.get("/workspace/grants", params={"dataset": "khong_co"})
    assert only.status_code == 200 and "Không có quyền nào phù hợp" in only.text
    assert world.platform.access.grants.list(actor=SYSTEM)[0].state == "active"


async def test_every_user_sees_their_own_access_until_when(world: World, sign_in: SignIn) -> None:
    grant_columns(world)
    world.platform.access.grants.create(
        GrantCreate(dataset="ho_so", org_code="SO-YT", columns=["ma_ho_so"]), actor=SYSTEM
    )
    me, _ = await sign_in("granted", "en")
    page = await me.get("/workspace/grants")
    mine = part(page.text, "table", "my-access")
    assert "user granted" in mine and "organisation SO-YT" in mine and "no end date" in mine
    assert local_time(datetime.now(UTC) + timedelta(days=30)).strftime("%d %b %Y") in mine
    assert "Grants on our datasets" not in page.text  # a viewer administers nothing


# organisations ---------------------------------------------------------------------------------
async def test_platform_admin_closes_an_organisation_after_confirming(
    world: World, sign_in: SignIn
) -> None:
    padmin, csrf = await sign_in("padmin")
    ask = await padmin.get("/workspace/admin/orgs/SO-YT/close")
    assert ask.status_code == 200 and "Giải thể cơ quan SO-YT" in ask.text
    unconfirmed = await padmin.post("/workspace/admin/orgs/SO-YT/close", data={"csrf_token": csrf})
    assert unconfirmed.status_code == 200 and world.platform.access.orgs.get("SO-YT").is_active
    bad_day = await padmin.post(
        "/workspace/admin/orgs/SO-YT/close",
        data={"csrf_token": csrf, "confirm": "yes", "on": "31/12/2025"},
    )
    assert bad_day.status_code == 400 and "Chưa giải thể được cơ quan" in bad_day.text
    done = await padmin.post(
        "/workspace/admin/orgs/SO-YT/close", data={"csrf_token": csrf, "confirm": "yes"}
    )
    assert done.status_code == 200 and "Đã giải thể cơ quan SO-YT" in done.text
    row = part(done.text, "tr", "org-SO-YT")
    assert "đã đóng" in row and "Giải thể…" not in row
    again = await padmin.post(
        "/workspace/admin/orgs/SO-YT/close", data={"csrf_token": csrf, "confirm": "yes"}
    )
    assert again.status_code == 409 and "Cơ quan 'SO-YT' đã ngừng hoạt động" in text_of(again.text)
    assert [e.action for e in world.platform.access.log.list(SYSTEM, action="org.close")] == [
        "org.close"
    ]


async def test_merge_marks_the_tree_and_refuses_bad_successors(
    world: World, sign_in: SignIn
) -> None:
    orgs = world.platform.access.orgs
    orgs.create(OrgCreate(code="SO-XD", name_vi="Sở Xây dựng", parent_code="HN"), actor=SYSTEM)
    orgs.create(OrgCreate(code="SO-CU", name_vi="Sở cũ"), actor=SYSTEM)
    orgs.close("SO-CU", actor=SYSTEM)
    padmin, csrf = await sign_in("padmin")
    form = {"csrf_token": csrf, "confirm": "yes"}
    cases = [
        ("SO-YT", "SO-YT", 400, "Không thể sáp nhập 'SO-YT' vào chính nó"),
        ("SO-YT", "SO-CU", 409, "Cơ quan 'SO-CU' đã ngừng hoạt động; hãy sáp nhập vào"),
        ("SO-YT", "KHONG-CO", 404, "Không tìm thấy cơ quan 'KHONG-CO'"),
        ("SO-YT", "", 400, "Hãy chọn cơ quan kế thừa"),
        ("SO-YT", "<img src=x onerror=alert(1)>", 404, "&lt;img src=x"),
        ("KHONG-CO", "SO-TP", 404, "Không tìm thấy"),
    ]
    for code, into, status, message in cases:
        r = await padmin.post(f"/workspace/admin/orgs/{code}/merge", data={**form, "into": into})
        shown = r.text if message.startswith("&") else text_of(r.text)
        assert r.status_code == status and message in shown, (code, into, r.status_code)
        assert "<img src=x" not in r.text
    english, en_csrf = await sign_in("padmin", "en")
    r = await english.post(
        "/workspace/admin/orgs/SO-YT/merge",
        data={"csrf_token": en_csrf, "confirm": "yes", "into": "SO-YT"},
    )
    assert "The organisation was not merged. Cannot merge 'SO-YT' into itself." in text_of(r.text)
    # a closure planned for later names SO-YT as successor: merging SO-YT into it would loop
    future = datetime.now(UTC).date() + timedelta(days=30)
    orgs.close("SO-XD", actor=SYSTEM, successor="SO-YT", on=future)
    loop = await padmin.post("/workspace/admin/orgs/SO-YT/merge", data={**form, "into": "SO-XD"})
    assert loop.status_code == 400 and "không được tạo thành vòng lặp" in text_of(loop.text)

    merged = await padmin.post("/workspace/admin/orgs/SO-YT/merge", data={**form, "into": "SO-TP"})
    assert merged.status_code == 200 and "Đã sáp nhập cơ quan SO-YT vào SO-TP" in merged.text
    row = part(merged.text, "tr", "org-SO-YT")
    assert "đã sáp nhập" in row and "SO-TP" in row
    successor = part(merged.text, "tr", "org-SO-TP")
    assert "hình thành từ SO-XD, SO-YT" in successor  # SO-XD will follow SO-YT into it
    assert world.platform.access.orgs.get("SO-YT").successor_code == "SO-TP"


async def test_only_platform_admins_close_or_merge(world: World, sign_in: SignIn) -> None:
    org_admin, csrf = await sign_in("admin_owner")
    assert (await org_admin.get("/workspace/admin")).status_code == 200
    for path in ("/workspace/admin/orgs/SO-YT/close", "/workspace/admin/orgs/SO-YT/merge"):
        assert (await org_admin.get(path)).status_code == 403
        r = await org_admin.post(path, data={"csrf_token": csrf, "confirm": "yes", "into": "SO-TP"})
        assert r.status_code == 403
    viewer, _ = await sign_in("viewer_other")
    assert (await viewer.get("/workspace/admin/users/granted/deactivate")).status_code == 403
    assert world.platform.access.orgs.get("SO-YT").is_active


# users -----------------------------------------------------------------------------------------
async def test_deactivate_then_reactivate_controls_sign_in(
    world: World, sign_in: SignIn, app: FastAPI
) -> None:
    padmin, csrf = await sign_in("padmin")
    ask = await padmin.get("/workspace/admin/users/granted/deactivate")
    assert "Vô hiệu hóa người dùng granted" in ask.text
    done = await padmin.post(
        "/workspace/admin/users/granted/deactivate", data={"csrf_token": csrf, "confirm": "yes"}
    )
    assert done.status_code == 200 and "Đã vô hiệu hóa người dùng granted" in done.text
    async with anonymous(app) as c:
        assert (await login(c, "granted", PASSWORD)).status_code == 401
    back = await padmin.post("/workspace/admin/users/granted/reactivate", data={"csrf_token": csrf})
    assert back.status_code == 200 and "granted đã có thể đăng nhập lại" in back.text
    async with anonymous(app) as c:
        assert (await login(c, "granted", PASSWORD)).status_code == 303
    actions = [e.details for e in world.platform.access.log.list(SYSTEM, action="user.update")]
    assert actions == [{"is_active": True}, {"is_active": False}]


async def test_admins_cannot_deactivate_themselves_or_the_last_platform_admin(
    world: World, sign_in: SignIn
) -> None:
    padmin, csrf = await sign_in("padmin")
    own = await padmin.get("/workspace/admin")
    own_row = re.search(r'<tr id="user-padmin">.*?</tr>', own.text, re.S)
    assert own_row is not None and "/deactivate" not in own_row.group(0)  # not even offered
    r = await padmin.post(
        "/workspace/admin/users/padmin/deactivate", data={"csrf_token": csrf, "confirm": "yes"}
    )
    assert r.status_code == 409 and "Bạn không thể tự vô hiệu hoá" in text_of(r.text)
    add_user(world, "padmin2", None, "viewer", admin=True)
    second, csrf2 = await sign_in("padmin2")
    ok = await second.post(
        "/workspace/admin/users/padmin/deactivate", data={"csrf_token": csrf2, "confirm": "yes"}
    )
    assert ok.status_code == 200  # another platform administrator remains
    assert world.platform.access.users.get("padmin2", actor=SYSTEM).is_active
    unknown = await second.get("/workspace/admin/users/ai-do/deactivate")
    assert unknown.status_code == 404


async def test_unlock_lifts_a_lockout(world: World, sign_in: SignIn, app: FastAPI) -> None:
    async with anonymous(app) as c:
        for _ in range(5):
            await login(c, "granted", "sai-mat-khau")
        assert (await login(c, "granted", PASSWORD)).status_code == 429
    padmin, csrf = await sign_in("padmin")
    assert "bị khóa" in part((await padmin.get("/workspace/admin")).text, "tr", "user-granted")
    r = await padmin.post("/workspace/admin/users/granted/unlock", data={"csrf_token": csrf})
    assert r.status_code == 200 and "Đã mở khóa người dùng granted" in r.text
    async with anonymous(app) as c:
        assert (await login(c, "granted", PASSWORD)).status_code == 303


async def test_reset_link_is_shown_once_works_once_and_ends_sessions(
    world: World, sign_in: SignIn, app: FastAPI
) -> None:
    victim, _ = await sign_in("granted")
    padmin, csrf = await sign_in("padmin")
    ask = await padmin.post("/workspace/admin/users/granted/reset-link", data={"csrf_token": csrf})
    assert (
        ask.status_code == 200
        and "Tạo đường dẫn" in ask.text
        and "/password-reset/" not in ask.text
    )
    made = await padmin.post(
        "/workspace/admin/users/granted/reset-link", data={"csrf_token": csrf, "confirm": "yes"}
    )
    assert made.headers["cache-control"] == "no-store"
    link = re.search(r"http://kho\.test(/password-reset/khr_[A-Za-z0-9_-]+)", made.text).group(1)  # type: ignore[union-attr]
    assert link not in (await padmin.get("/workspace/admin")).text  # shown once
    async with anonymous(app) as c:
        form = await c.get(link)
        assert form.status_code == 200 and "granted" in form.text
        assert form.headers["referrer-policy"] == "no-referrer"
        differ = await c.post(link, data={"password": "mot-mat-khau-moi", "repeat": "khac-han-nhe"})
        assert differ.status_code == 400 and "Hai mật khẩu không khớp" in differ.text
        short = await c.post(link, data={"password": "ngan", "repeat": "ngan"})
        assert short.status_code == 400 and "từ 10 ký tự" in short.text
        new = "mat-khau-moi-that-dai"
        ok = await c.post(link, data={"password": new, "repeat": new})
        assert ok.status_code == 200 and "Đã đặt mật khẩu mới" in ok.text
        assert (await c.get(link)).status_code == 404  # used
        assert (await c.post(link, data={"password": new, "repeat": new})).status_code == 404
        assert (await login(c, "granted", PASSWORD)).status_code == 401
        assert (await login(c, "granted", new)).status_code == 303
    assert (await victim.get("/workspace/grants")).status_code == 303  # old session ended
    for bad in ("khr_khong-co", "x" * 5000, "<script>", "khr_" + "a" * 43):
        async with anonymous(app) as c:
            r = await c.get(f"/password-reset/{bad}")
            assert r.status_code == 404 and "không tồn tại, đã được dùng" in r.text
    assert {"user.reset_link", "user.password_reset"} <= {
        e.action for e in world.platform.access.log.list(SYSTEM, action="user")
    }


async def test_admin_forms_escape_html_and_refuse_huge_input(world: World, sign_in: SignIn) -> None:
    padmin, csrf = await sign_in("padmin")
    r = await padmin.post(
        "/workspace/admin/orgs",
        data={"csrf_token": csrf, "code": "SO-MOI", "name_vi": "<script>alert(1)</script>"},
    )
    assert r.status_code == 200 and "<script>alert(1)" not in r.text and "&lt;script&gt;" in r.text
    huge = await padmin.post(
        "/workspace/admin/orgs", data={"csrf_token": csrf, "code": "X" * 10_000, "name_vi": "x"}
    )
    assert huge.status_code == 400 and "<html" in huge.text
    long_path = await padmin.get("/workspace/admin/users/" + "a" * 5000 + "/reset-link")
    assert long_path.status_code == 404
    nul = await padmin.post(
        "/workspace/admin/orgs/SO-YT/merge",
        data={"csrf_token": csrf, "confirm": "yes", "into": "SO\x00TP"},
    )
    assert nul.status_code in (400, 404) and world.platform.access.orgs.get("SO-YT").is_active


# request access from the portal ----------------------------------------------------------------
async def test_hidden_dataset_offers_sign_in_then_request_access(
    world: World, sign_in: SignIn, app: FastAPI
) -> None:
    async with anonymous(app) as c:
        r = await c.get("/datasets/ho_so")
        assert r.status_code == 404 and "/login?next=/datasets/ho_so" in r.text
        assert "Đăng nhập để xem" in r.text
        hostile = await c.get("/datasets/%3Cscript%3E")
        assert hostile.status_code == 404 and "access-hint" not in hostile.text
    other, _ = await sign_in("viewer_other")
    r = await other.get("/datasets/ho_so")
    assert r.status_code == 404  # its existence is still not disclosed
    assert 'href="/workspace/requests/new?dataset=ho_so"' in r.text
    assert "Yêu cầu quyền truy cập" in r.text
    form = await other.get("/workspace/requests/new?dataset=ho_so")
    assert 'value="ho_so"' in form.text  # prefilled


async def test_partly_readable_dataset_says_so_and_offers_a_request(
    world: World, sign_in: SignIn
) -> None:
    grant_columns(world)
    limited, _ = await sign_in("granted", "en")
    r = await limited.get("/datasets/ho_so")
    assert r.status_code == 200 and 'id="limited-access"' in r.text
    assert "You see part of this dataset" in r.text
    assert 'href="/workspace/requests/new?dataset=ho_so"' in r.text
    owner, _ = await sign_in("editor_owner")
    assert 'id="limited-access"' not in (await owner.get("/datasets/ho_so")).text
