"""Service errors in the reader's language on the real ASGI app: the JSON API keeps English unless
asked, pages and workspace forms follow the page language. Messages do not depend on the metadata
backend, so SQLite is enough here."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from kho.access.actors import SYSTEM
from kho.access.models import MembershipPublic, UserCreate
from kho.catalog.models import Organisation
from kho.platform import Platform
from kho.web.app import create_app
from tests.integration.access.conftest import fast_argon2  # noqa: F401 - cheap password hashing

pytestmark = pytest.mark.anyio
PASSWORD = "mat-khau-rat-dai-123"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def platform(sqlite_settings, fast_argon2) -> Iterator[Platform]:  # type: ignore[no-untyped-def]  # noqa: F811
    p = Platform(sqlite_settings)
    p.init()
    p.catalog.ensure_organisation(Organisation(code="SO-TP", name_vi="Sở Tư pháp"), actor=SYSTEM)
    p.access.users.create(
        UserCreate(
            username="can_bo",
            password=PASSWORD,
            memberships=[MembershipPublic(org_code="SO-TP", role="editor")],
        ),
        actor=SYSTEM,
    )
    yield p
    p.close()


@pytest.fixture
async def client(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(platform))
    async with httpx.AsyncClient(transport=transport, base_url="http://kho.test") as c:
        yield c


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize(
    ("query", "headers", "lang"),
    [
        ("", {}, "en"),
        ("?lang=vi", {}, "vi"),
        ("", {"accept-language": "vi-VN,vi;q=0.9,en;q=0.5"}, "vi"),
        ("", {"accept-language": "fr-FR,fr;q=0.9"}, "en"),
        ("?lang=en", {"accept-language": "vi"}, "en"),
        ("?lang=%3Cscript%3E", {"accept-language": "de;q=abc"}, "en"),
    ],
)
async def test_api_errors_are_english_unless_vietnamese_is_asked_for(
    client: httpx.AsyncClient, query: str, headers: dict[str, str], lang: str
) -> None:
    r = await client.get(f"/api/v1/datasets/khong_co{query}", headers=headers)
    assert r.status_code == 404
    assert r.headers["content-language"] == lang
    error = r.json()["error"]
    assert set(error) == {"type", "message", "details"} and error["type"] == "not_found"
    if lang == "vi":
        assert error["message"] == "Không tìm thấy bộ dữ liệu 'khong_co'."
        assert error["details"]["hint"] == "Hãy chạy `kho datasets list` để xem các bộ dữ liệu."
    else:
        assert error["message"] == "No dataset 'khong_co'."
        assert error["details"]["hint"] == "Run `kho datasets list` to see datasets."


async def test_error_pages_follow_the_page_language(client: httpx.AsyncClient) -> None:
    vi = await client.get("/orgs/KHONG", headers={"accept": "text/html"})
    assert vi.status_code == 404 and "Không tìm thấy cơ quan 'KHONG'." in text_of(vi.text)
    en = await client.get("/orgs/KHONG?lang=en", headers={"accept": "text/html"})
    assert en.status_code == 404 and "No organisation 'KHONG'." in text_of(en.text)


async def sign_in(client: httpx.AsyncClient) -> str:
    form = (await client.get("/login")).text
    token = re.search(r'name="login_csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    r = await client.post(
        "/login", data={"username": "can_bo", "password": PASSWORD, "login_csrf": token}
    )
    assert r.status_code == 303, r.text
    page = (await client.get("/workspace/requests/new")).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


async def test_workspace_errors_and_form_errors_follow_the_page_language(
    client: httpx.AsyncClient,
) -> None:
    csrf = await sign_in(client)
    missing = await client.get("/workspace/loads/424242")
    assert missing.status_code == 404
    assert "Không tìm thấy báo cáo nạp 424242." in text_of(missing.text)
    form = {"csrf_token": csrf, "dataset": "khong_co", "purpose": "thống kê"}
    vi = await client.post("/workspace/requests", data=form)
    assert vi.status_code == 400
    assert "Không tìm thấy bộ dữ liệu 'khong_co'." in text_of(vi.text)
    en = await client.post("/workspace/requests?lang=en", data=form)
    assert en.status_code == 400 and "No dataset 'khong_co'." in text_of(en.text)
