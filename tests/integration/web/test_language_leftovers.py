"""Service messages that reached pages in English are now in the reader's language: the hidden
dataset page, failed loads in the workspace, the upload's JSON for JavaScript, the chart error.
The real ASGI app over a real warehouse; messages do not depend on the metadata backend, so
SQLite is enough here."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from kho.access.actors import SYSTEM
from kho.access.models import MembershipPublic, UserCreate
from kho.catalog.models import DatasetCreate, Organisation
from kho.errors import SourceUnreadable
from kho.platform import Platform
from kho.web.app import create_app
from tests.integration.access.conftest import fast_argon2  # noqa: F401 - cheap password hashing

pytestmark = pytest.mark.anyio
PASSWORD = "mat-khau-rat-dai-123"
EMPTY_VI = "Không đọc được rong.csv: tệp rỗng (0 byte). Hãy xuất lại bảng."
EMPTY_EN = "Cannot read rong.csv: the file is empty (0 bytes). Export the table again."
BINARY = b"\x00\x01\x02\x03" * 500


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def platform(sqlite_settings, fast_argon2, tmp_path: Path) -> Iterator[Platform]:  # type: ignore[no-untyped-def]  # noqa: F811
    """A public dataset with one good load and one failed load, a restricted one, an editor."""
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
    for slug, access in (("ho_so", "public"), ("noi_bo", "restricted")):
        p.catalog.create(
            DatasetCreate(slug=slug, org_code="SO-TP", title_vi=slug, access_level=access),
            actor=SYSTEM,
        )
    good = tmp_path / "ho_so.csv"
    good.write_text("Tỉnh,Số hồ sơ\nHà Nội,12\nHuế,7\n", encoding="utf-8")
    p.ingest.load(good, dataset="ho_so", actor=SYSTEM)
    empty = tmp_path / "rong.csv"
    empty.write_bytes(b"")
    with pytest.raises(SourceUnreadable):
        p.ingest.load(empty, dataset="ho_so", actor=SYSTEM, mode="append")
    yield p
    p.close()


@pytest.fixture
async def client(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(platform))
    async with httpx.AsyncClient(transport=transport, base_url="http://kho.test") as c:
        yield c


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


async def sign_in(client: httpx.AsyncClient) -> str:
    """Sign in as the editor; the CSRF token of the session."""
    form = (await client.get("/login")).text
    token = re.search(r'name="login_csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    r = await client.post(
        "/login", data={"username": "can_bo", "password": PASSWORD, "login_csrf": token}
    )
    assert r.status_code == 303, r.text
    page = (await client.get("/workspace/upload")).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


async def test_hidden_dataset_page_says_why_in_the_page_language(
    client: httpx.AsyncClient,
) -> None:
    vi = await client.get("/datasets/noi_bo?lang=vi")
    assert vi.status_code == 404
    assert "Chi tiết: Không tìm thấy bộ dữ liệu 'noi_bo'." in text_of(vi.text)
    en = await client.get("/datasets/noi_bo?lang=en")
    assert en.status_code == 404 and "Details: No dataset 'noi_bo'." in text_of(en.text)
    assert "Không tìm thấy" not in en.text


async def test_failed_load_is_explained_in_the_page_language(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    for path in ("/workspace", "/workspace/datasets/ho_so"):
        vi = await client.get(f"{path}?lang=vi")
        assert vi.status_code == 200 and EMPTY_VI in text_of(vi.text), path
        assert "Cannot read" not in vi.text, path
        en = await client.get(f"{path}?lang=en")
        assert en.status_code == 200 and EMPTY_EN in text_of(en.text), path


async def poll_failed_job(client: httpx.AsyncClient, status_url: str) -> None:
    """Wait (at most 30 s) until the background load has stopped."""
    for _ in range(300):
        job = (await client.get(status_url)).json()
        if job["state"] != "running":
            assert job["state"] == "failed", job
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the upload job did not finish")


async def test_upload_errors_read_by_javascript_are_in_the_page_language(
    client: httpx.AsyncClient,
) -> None:
    csrf = await sign_in(client)
    form = {"csrf_token": csrf, "dataset": "__new__", "new_slug": "nhi_phan", "org": "SO-TP"}
    form |= {"mode": "create", "background": "1"}
    no_extension = await client.post(
        "/workspace/upload?lang=vi", data=form, files={"file": ("bang_tinh", b"a,b\n1,2\n")}
    )
    assert no_extension.status_code == 400
    assert no_extension.json()["error"] == (
        "'bang_tinh' không có đuôi tệp; hãy tải lên tệp .csv, .xlsx, .xls, .json hoặc .parquet."
    )
    started = await client.post(
        "/workspace/upload", data=form, files={"file": ("nhi_phan.csv", BINARY)}
    )
    assert started.status_code == 200, started.text
    status_url = started.json()["status_url"]
    await poll_failed_job(client, status_url)
    vi = (await client.get(status_url)).json()["error"]
    assert vi.startswith("Không đọc được nhi_phan.csv: tệp chứa dữ liệu nhị phân"), vi
    en = (await client.get(f"{status_url}?lang=en")).json()["error"]
    assert en.startswith("Cannot read nhi_phan.csv: it contains binary data"), en
    missing = await client.get("/workspace/jobs/khong_co")
    assert missing.status_code == 404
    assert missing.json()["error"] == "Không tìm thấy lượt tải lên 'khong_co'."
    missing = await client.get("/workspace/jobs/khong_co?lang=en")
    assert missing.json()["error"] == "No upload job 'khong_co'."


async def test_chart_error_is_in_the_page_language(client: httpx.AsyncClient) -> None:
    vi = await client.get("/datasets/ho_so/chart", params={"type": "banh_xe", "lang": "vi"})
    assert vi.status_code == 200
    assert (
        "Không vẽ được biểu đồ này: Không có loại biểu đồ 'banh_xe'; hãy dùng bar, line, pie, map."
        in text_of(vi.text)
    )
    en = await client.get("/datasets/ho_so/chart", params={"type": "banh_xe", "lang": "en"})
    expected = (
        "This chart could not be drawn: Unknown chart type 'banh_xe'; use bar, line, pie, map."
    )
    assert expected in text_of(en.text)
