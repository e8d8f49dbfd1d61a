"""The access routes through the real ASGI app: sign-in cookies + CSRF, tokens, grants, requests, audit, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from kho.access.actors import SYSTEM
from kho.access.models import TokenCreate
from kho.web.app import create_app
from tests.integration.access.conftest import PASSWORD, World

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    from kho.web.auth import ip_failures

    ip_failures._seen.clear()
    app = create_app(world.platform)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://kho.test"
    ) as c:
        yield c


async def _login(c: httpx.AsyncClient, username: str) -> str:
    r = await c.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"])


def _token(world: World, username: str, *scopes: str) -> str:
    return world.platform.access.tokens.create(
        TokenCreate(name="t", scopes=list(scopes or ("read",))), actor=world.actors[username]
    ).token  # type: ignore[arg-type]


async def test_sign_in_sets_safe_cookie_and_csrf_guards_changes(
    client: httpx.AsyncClient, world: World
) -> None:
    r = await client.post(
        "/api/v1/auth/login", json={"username": "admin_owner", "password": PASSWORD}
    )
    cookie = r.headers["set-cookie"].lower()
    assert (
        r.status_code == 200
        and "httponly" in cookie
        and "samesite=lax" in cookie
        and "secure" not in cookie
    )
    csrf = r.json()["csrf_token"]
    me = await client.get("/api/v1/auth/me")
    assert me.json()["username"] == "admin_owner" and me.json()["memberships"] == [
        {"org_code": "SO-TP", "role": "admin"}
    ]
    body = {"dataset": "ho_so", "org_code": "SO-YT", "columns": ["ma_ho_so"]}
    no_csrf = await client.post("/api/v1/grants", json=body)
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.json()["error"]["message"]
    ok = await client.post("/api/v1/grants", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201 and ok.json()["columns"] == ["ma_ho_so"]
    gid, headers = ok.json()["id"], {"X-CSRF-Token": csrf}
    huge = await client.delete(f"/api/v1/grants/{gid}", params={"reason": "x" * 2001}, headers=headers)
    assert huge.status_code in (400, 422)
    still = await client.get("/api/v1/grants", params={"dataset": "ho_so"})
    assert next(g for g in still.json() if g["id"] == gid)["state"] == "active"  # nothing changed
    gone = await client.delete(
        f"/api/v1/grants/{gid}", params={"reason": "Hết nhiệm vụ <b>"}, headers=headers
    )
    assert gone.status_code == 200 and gone.json()["state"] == "revoked"
    (entry,) = [e for e in world.platform.access.log.list(SYSTEM, action="grant.revoke")
                if e.resource == f"grant:{gid}"]  # fmt: skip
    assert entry.details == {"reason": "Hết nhiệm vụ <b>"}
    out = await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 200
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_https_cookie_is_secure(world: World) -> None:
    app = create_app(world.platform)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://kho.test"
    ) as c:
        r = await c.post("/api/v1/auth/login", json={"username": "padmin", "password": PASSWORD})
    assert "secure" in r.headers["set-cookie"].lower()


async def test_wrong_password_then_lockout_with_retry_after(client: httpx.AsyncClient) -> None:
    for _ in range(5):
        r = await client.post(
            "/api/v1/auth/login", json={"username": "granted", "password": "sai-mat-khau"}
        )
        assert (
            r.status_code == 401 and r.json()["error"]["message"] == "Wrong username or password."
        )
    r = await client.post("/api/v1/auth/login", json={"username": "granted", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert r.json()["error"]["type"] == "too_many_attempts"


@pytest.mark.parametrize("header", ["Bearer {t}", "{t}", "bearer   {t}"])
async def test_token_headers_bearer_and_ckan_style(
    client: httpx.AsyncClient, world: World, header: str
) -> None:
    token = _token(world, "granted")
    r = await client.get("/api/v1/auth/me", headers={"Authorization": header.format(t=token)})
    assert r.status_code == 200 and r.json()["username"] == "granted"


@pytest.mark.parametrize(
    "bad",
    [
        "Bearer nope",
        "kho_short",
        "Bearer kho_" + "A" * 43,
        "' OR 1=1 --",
        "Bearer kho_" + "x" * 5000,
        "Bearer \u0000kho_",
    ],
)
async def test_bad_tokens_get_401_envelope(client: httpx.AsyncClient, bad: str) -> None:
    r = await client.get("/api/v1/datasets", headers={"Authorization": bad})
    assert r.status_code == 401 and r.json()["error"]["type"] == "unauthenticated"


async def test_token_scopes_limit_admin_work(client: httpx.AsyncClient, world: World) -> None:
    read_only = _token(world, "padmin", "read")
    r = await client.get("/api/v1/audit", headers={"Authorization": f"Bearer {read_only}"})
    assert r.status_code == 403
    admin = _token(world, "padmin", "read", "admin")
    r = await client.get(
        "/api/v1/audit", headers={"Authorization": f"Bearer {admin}"}, params={"actor": "padmin"}
    )
    assert r.status_code == 200 and {e["action"] for e in r.json()} >= {"token.create", "token.use"}
    v = await client.get("/api/v1/audit/verify", headers={"Authorization": f"Bearer {admin}"})
    assert v.json()["ok"] is True


async def test_request_flow_over_http(client: httpx.AsyncClient, world: World) -> None:
    asker = {"Authorization": f"Bearer {_token(world, 'viewer_other', 'write')}"}
    owner = {"Authorization": f"Bearer {_token(world, 'admin_owner', 'admin')}"}
    r = await client.post(
        "/api/v1/requests",
        headers=asker,
        json={
            "dataset": "ho_so",
            "purpose": "Báo cáo quý",
            "columns": ["ma_ho_so", "tinh_thanh_pho"],
        },
    )
    assert r.status_code == 201
    rid = r.json()["id"]
    r = await client.post(f"/api/v1/requests/{rid}/refuse", headers=owner, json={})
    assert r.status_code == 400 and "reason" in r.json()["error"]["message"]
    r = await client.post(f"/api/v1/requests/{rid}/approve", headers=asker, json={})
    assert r.status_code == 403
    r = await client.post(
        f"/api/v1/requests/{rid}/approve",
        headers=owner,
        json={
            "columns": ["tinh_thanh_pho"],
            "rows": [{"column": "tinh_thanh_pho", "op": "in", "value": ["Hà Nội", "Huế"]}],
        },
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    mine = (await client.get("/api/v1/requests", headers=asker, params={"mine": True})).json()
    assert mine[0]["status"] == "approved" and mine[0]["grant_id"]
    policy = world.platform.access.read_policy(
        world.actors["viewer_other"],
        dataset_slug="ho_so",
        org_code="SO-TP",
        access_level="restricted",
    )
    assert policy is not None and policy.row_filter == "\"tinh_thanh_pho\" IN ('Hà Nội', 'Huế')"


async def test_admin_creates_org_and_user_over_http(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = {"Authorization": f"Bearer {_token(world, 'padmin', 'admin')}"}
    r = await client.post(
        "/api/v1/orgs",
        headers=admin,
        json={"code": "SO-GD", "name_vi": "Sở Giáo dục", "parent_code": "HN"},
    )
    assert r.status_code == 201
    r = await client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "hoa",
            "password": "mat-khau-moi-456",
            "memberships": [{"org_code": "SO-GD", "role": "editor"}],
        },
    )
    assert r.status_code == 201 and "password" not in r.text
    r = await client.post(
        "/api/v1/orgs",
        headers={"Authorization": f"Bearer {_token(world, 'granted')}"},
        json={"code": "X", "name_vi": "X"},
    )
    assert r.status_code == 403
    tree = (await client.get("/api/v1/orgs/tree")).json()
    assert [c["code"] for c in tree[0]["children"]] == ["SO-GD", "SO-TP", "SO-YT"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "/api/v1/auth/login", {"username": "granted"}, 400),
        ("post", "/api/v1/auth/login", {"username": "", "password": ""}, 400),
        ("post", "/api/v1/auth/login", {"username": "x" * 5000, "password": "p"}, 400),
        ("post", "/api/v1/auth/login", {"username": "' OR 1=1 --", "password": "' OR 1=1 --"}, 401),
        ("post", "/api/v1/auth/login", {"username": "Nguyễn\u0000", "password": "x"}, 401),
        ("post", "/api/v1/auth/login", "not json", 400),
        (
            "post",
            "/api/v1/users",
            {"username": "Robert'); DROP TABLE kho_users;--", "password": "x" * 12},
            400,
        ),
        ("post", "/api/v1/users", {"username": "ok_name", "password": "short"}, 400),
        ("post", "/api/v1/orgs", {"code": "../../etc", "name_vi": "x"}, 400),
        (
            "post",
            "/api/v1/grants",
            {
                "dataset": "ho_so",
                "org_code": "SO-YT",
                "rows": [{"column": 'x"; DROP', "op": "LIKE", "value": 1}],
            },
            400,
        ),
        (
            "post",
            "/api/v1/grants",
            {
                "dataset": "ho_so",
                "org_code": "SO-YT",
                "rows": [{"column": "tinh_thanh_pho", "value": {"$ne": 1}}],
            },
            400,
        ),
        ("post", "/api/v1/grants", {"dataset": "khong_co", "org_code": "SO-YT"}, 404),
        ("get", "/api/v1/users/khong_ai", None, 404),
        ("get", "/api/v1/orgs/KHONG", None, 404),
        ("delete", "/api/v1/tokens/999999", None, 404),
        ("get", "/api/v1/requests/abc", None, 400),
        ("get", "/api/v1/audit?since=hôm-qua", None, 400),
        ("get", "/api/v1/grants?dataset=ho_so%00x", None, 400),
        ("get", "/api/v1/users/an%00", None, 400),
        ("post", "/api/v1/requests", {"dataset": "ho_so", "purpose": "vì\u0000sao"}, 400),
    ],
)
async def test_bad_input_gets_error_envelope(
    client: httpx.AsyncClient, world: World, method: str, path: str, body: object, status: int
) -> None:
    headers = {"Authorization": f"Bearer {_token(world, 'padmin', 'admin')}"}
    if path.endswith("login"):
        headers = {}
    kwargs: dict[str, object] = {"headers": headers}
    if isinstance(body, str):
        kwargs["content"] = body
        headers["content-type"] = "application/json"
    elif body is not None:
        kwargs["json"] = body
    r = await getattr(client, method)(path, **kwargs)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["type"] and err["message"]


async def test_anonymous_is_told_to_sign_in(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/requests", json={"dataset": "ho_so", "purpose": "xin dữ liệu"})
    assert r.status_code == 401 and "Sign in" in r.json()["error"]["message"]
    assert (await client.get("/api/v1/orgs")).status_code == 200  # the organisation list is public
    assert SYSTEM.is_platform_admin
