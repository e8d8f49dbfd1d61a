"""The freshness board: datasets worst first against hand-computed due dates, failed syncs as alerts.

Datasets (set up below, loaded at hand-picked moments; "now" is when the test runs):

| slug            | access   | frequency | last load    | due              | status        |
|-----------------|----------|-----------|--------------|------------------|---------------|
| d_never         | public   | quarterly | never        | —                | never loaded  |
| c_late          | public   | monthly   | 70 days ago  | 39 days ago      | late (> 2×31) |
| b_due           | public   | weekly    | 10 days ago  | 3 days ago       | due (7 < 10 ≤ 14) |
| a_fresh         | public   | daily     | 1 hour ago   | in 23 hours      | fresh         |
| e_unscheduled   | public   | —         | 1 hour ago   | not on the board |               |
| f_internal      | internal | daily     | 3 days ago   | 2 days ago       | late (> 2×1)  |

The sync `mot-cua` (SO-TTTT) copies tables `tiep_nhan` and `le_phi` from a SQLite file; after a
good first run, `le_phi` is dropped from the source, so the next run fails on that table only
(retried once). A value its INTEGER column cannot hold is no failure: the run is ok, the row a
reject, and no alert is raised.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from kho.access.actors import SYSTEM
from kho.access.models import MembershipPublic, OrgCreate, UserCreate
from kho.catalog.models import DatasetCreate
from kho.metadata import models as db
from kho.migrate.sync import Syncer
from kho.platform import Platform
from kho.web.app import create_app
from kho.web.i18n import local_time

PASSWORD = "mat-khau-rat-dai-123"
PEOPLE = {
    "quantri": ("SO-TTTT", "admin"),
    "canbo": ("SO-TTTT", "editor"),
    "khac": ("SO-YT", "admin"),
}
ROW = re.compile(r'<tr class="fr-row-(\w+)">\s*<td><a href="/datasets/(\w+)"')
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters so sign-in stays fast; the code path is the real one."""
    from argon2 import PasswordHasher

    from kho.access import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


def _source(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE tiep_nhan (id INTEGER PRIMARY KEY, noi_dung TEXT)")
    conn.execute("INSERT INTO tiep_nhan VALUES (1, 'Hồ sơ đất đai'), (2, 'Hộ tịch')")
    conn.execute("CREATE TABLE le_phi (id INTEGER PRIMARY KEY, so_tien INTEGER)")
    conn.execute("INSERT INTO le_phi VALUES (1, 50000)")
    conn.commit()
    conn.close()
    return path


def _loaded_at(p: Platform, slug: str, when: datetime) -> None:
    with p.sessions() as s, s.begin():
        ds = s.scalar(select(db.Dataset).where(db.Dataset.slug == slug))
        assert ds is not None
        ds.last_loaded_at = when


@pytest.fixture
def board(settings, tmp_path: Path) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    p = Platform(settings)
    p.init()
    a = p.access
    a.orgs.create(OrgCreate(code="SO-TTTT", name_vi="Sở Thông tin và Truyền thông"), actor=SYSTEM)
    a.orgs.create(OrgCreate(code="SO-YT", name_vi="Sở Y tế"), actor=SYSTEM)
    now = datetime.now(UTC)
    for slug, access, freq, age in (
        ("a_fresh", "public", "daily", timedelta(hours=1)),
        ("b_due", "public", "weekly", timedelta(days=10)),
        ("c_late", "public", "monthly", timedelta(days=70)),
        ("d_never", "public", "quarterly", None),
        ("e_unscheduled", "public", None, timedelta(hours=1)),
        ("f_internal", "internal", "daily", timedelta(days=3)),
    ):
        org = "SO-YT" if slug == "c_late" else "SO-TTTT"
        p.catalog.create(
            DatasetCreate(
                slug=slug,
                org_code=org,
                title_vi=f"Bộ {slug}",
                access_level=access,  # type: ignore[arg-type]
                update_frequency=freq,  # type: ignore[arg-type]
            ),
            actor=SYSTEM,
        )
        if age is not None:
            _loaded_at(p, slug, now - age)
    for name, (org, role) in PEOPLE.items():
        a.users.create(
            UserCreate(
                username=name,
                password=PASSWORD,
                memberships=[MembershipPublic(org_code=org, role=role)],  # type: ignore[arg-type]
            ),
            actor=SYSTEM,
        )
    source = _source(tmp_path / "mot_cua.db")
    syncer = Syncer(p)
    syncer.add(
        "mot-cua",
        f"sqlite:///{source}",
        tables=["tiep_nhan", "le_phi"],
        mode="keys",
        schedule="daily 02:00",
        org_code="SO-TTTT",
        actor=SYSTEM,
    )
    assert syncer.run("mot-cua", actor=SYSTEM)["status"] == "ok"
    yield p
    p.close()


def _source_path(p: Platform) -> str:
    return str(Syncer(p).get("mot-cua")["source"]).removeprefix("sqlite:///")


def _break_le_phi(p: Platform, caplog: pytest.LogCaptureFixture) -> dict[str, object]:
    """The source loses table le_phi; the sync fails on that table, twice."""
    conn = sqlite3.connect(_source_path(p))
    conn.execute("DROP TABLE le_phi")
    conn.commit()
    conn.close()
    with caplog.at_level(logging.WARNING, logger="kho.sync"):
        return Syncer(p).run_with_retries(
            "mot-cua", actor=SYSTEM, retries=1, backoff=0, sleep=lambda _s: None
        )


@pytest.fixture
async def client(board: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(board)), base_url="http://kho.test"
    ) as c:
        yield c


async def _sign_in(c: httpx.AsyncClient, username: str) -> None:
    r = await c.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text


def _rows(html: str) -> list[tuple[str, str]]:
    """(status, slug) of the dataset rows, in page order."""
    return [(status, slug) for status, slug in ROW.findall(html)]


async def test_public_board_lists_scheduled_public_datasets_worst_first(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get("/freshness")
    assert r.status_code == 200 and r.headers["content-language"] == "vi"
    assert _rows(r.text) == [
        ("never", "d_never"),
        ("late", "c_late"),
        ("due", "b_due"),
        ("fresh", "a_fresh"),
    ]
    assert "Độ cập nhật dữ liệu" in r.text and "Chưa từng nạp" in r.text
    due = local_time(datetime.now(UTC) - timedelta(days=10) + timedelta(days=7)).strftime("%d/%m/%Y")
    assert due in r.text  # b_due: loaded 10 days ago, weekly
    assert "1 bộ dữ liệu chưa có tần suất cập nhật đều đặn" in r.text  # e_unscheduled
    assert "mot-cua" not in r.text and "tiep_nhan" not in r.text  # syncs are not public
    en = await client.get("/freshness", params={"lang": "en"})
    assert "Data freshness" in en.text and "Never loaded" in en.text


async def test_filters_by_status_and_organisation(client: httpx.AsyncClient) -> None:
    late = await client.get("/freshness", params={"status": "late"})
    assert _rows(late.text) == [("late", "c_late")]
    yt = await client.get("/freshness", params={"org": "SO-YT"})
    assert _rows(yt.text) == [("late", "c_late")]
    both = await client.get("/freshness", params={"org": "SO-TTTT", "status": "late"})
    assert _rows(both.text) == []
    assert "Không có bộ dữ liệu nào khớp bộ lọc" in both.text


@pytest.mark.parametrize(
    ("params", "vi", "en"),
    [
        ({"status": "stale"}, "Không có trạng thái “stale”", "There is no status “stale”"),
        (
            {"status": "<script>alert(1)</script>"},
            "Không có trạng thái “&lt;script&gt;",
            "There is no status “&lt;script&gt;",
        ),
        ({"status": "x" * 20_000}, "“" + "x" * 60 + "…”", "“" + "x" * 60 + "…”"),
        (
            {"org": "'; DROP TABLE kho_datasets; --"},
            "Không có cơ quan nào có mã “&#39;; DROP TABLE",
            "There is no organisation with the code “&#39;; DROP TABLE",
        ),
        ({"org": "\u0000\ud7ff"}, "Không có cơ quan nào", "There is no organisation"),
    ],
)
async def test_wrong_filters_say_what_is_wrong_in_both_languages(
    client: httpx.AsyncClient, params: dict[str, str], vi: str, en: str
) -> None:
    r = await client.get("/freshness", params=params)
    assert r.status_code == 400 and vi in r.text and "<script>alert" not in r.text
    assert len(_rows(r.text)) == 4  # the board is still shown, unfiltered
    r_en = await client.get("/freshness", params={**params, "lang": "en"})
    assert r_en.status_code == 400 and en in r_en.text


async def test_successful_sync_makes_its_datasets_fresh_for_signed_in_members(
    client: httpx.AsyncClient,
) -> None:
    await _sign_in(client, "canbo")
    r = await client.get("/freshness")
    rows = _rows(r.text)
    assert ("fresh", "tiep_nhan") in rows and ("fresh", "le_phi") in rows  # internal, synced daily
    assert ("late", "f_internal") in rows
    assert 'href="/freshness/syncs/mot-cua"' in r.text and "Thành công" in r.text
    assert "Cảnh báo" not in r.text


async def test_failed_sync_is_an_alert_with_table_error_and_retries(
    board: Platform, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    result = _break_le_phi(board, caplog)
    assert result["status"] == "failed"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2 and all("le_phi" in r.getMessage() for r in errors)  # both attempts
    assert any("retrying in 0 s" in r.getMessage() for r in caplog.records)

    await _sign_in(client, "canbo")
    r = await client.get("/freshness", params={"lang": "en"})
    alert = r.text.split('id="h-alerts"', 1)[1].split("</section>", 1)[0]
    assert "Sync mot-cua failed" in alert and "attempt 2, retries: 1" in alert
    assert "<code>le_phi</code>" in alert and "No table le_phi in sqlite:///" in alert
    assert "2 failed runs in a row" in alert
    assert 'href="/freshness/syncs/mot-cua"' in alert
    rows = _rows(r.text)
    assert ("fresh", "tiep_nhan") in rows  # the good table still synced
    flagged = r.text.split('href="/datasets/le_phi"', 1)[1].split("</td>", 1)[0]
    assert "Last sync failed" in flagged

    history = await client.get("/freshness/syncs/mot-cua", params={"lang": "en"})
    assert history.status_code == 200
    assert history.text.count('class="fr-row-failed"') == 2 and "2 inserted" in history.text


async def test_failed_sync_banner_on_the_workspace_home_of_its_admins_only(
    board: Platform, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    _break_le_phi(board, caplog)
    await _sign_in(client, "quantri")
    home = await client.get("/workspace")
    assert home.status_code == 200 and "Đồng bộ bị lỗi" in home.text
    assert "không có bảng le_phi" in home.text  # the error in the reader's language
    for other in ("canbo", "khac"):  # an editor of the organisation; an admin of another one
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(board)), base_url="http://kho.test"
        ) as c:
            await _sign_in(c, other)
            page = await c.get("/workspace")
            assert page.status_code == 200 and "Đồng bộ bị lỗi" not in page.text


async def test_a_value_the_column_cannot_hold_is_a_reject_not_a_failed_sync(
    board: Platform, client: httpx.AsyncClient
) -> None:
    conn = sqlite3.connect(_source_path(board))
    conn.execute("INSERT INTO le_phi VALUES (2, 'năm mươi nghìn')")
    conn.commit()
    conn.close()
    result = Syncer(board).run("mot-cua", actor=SYSTEM)
    assert result["status"] == "ok" and len(result["warnings"]) == 1
    await _sign_in(client, "quantri")
    r = await client.get("/freshness", params={"lang": "en"})
    assert 'id="h-alerts"' not in r.text and ("fresh", "le_phi") in _rows(r.text)
    _, (reject,) = board.ingest.list_rejects("le_phi", actor=SYSTEM)
    assert (reject.line, reject.column, reject.value) == (2, "so_tien", "năm mươi nghìn")
    history = await client.get("/freshness/syncs/mot-cua", params={"lang": "vi"})
    assert "1 dòng bị loại" in history.text
    assert f'href="/workspace/loads/{reject.load_id}"' in history.text


@pytest.mark.parametrize("name", ["mot-cua", "khong-co", "../../etc/passwd", "a" * 5000])
async def test_sync_history_is_not_found_for_those_who_may_not_watch(
    client: httpx.AsyncClient, name: str
) -> None:
    anonymous = await client.get(f"/freshness/syncs/{name}")
    assert anonymous.status_code == 404 and "Không tìm thấy trang" in anonymous.text
    await _sign_in(client, "khac")  # admin of another organisation
    other = await client.get(f"/freshness/syncs/{name}")
    assert other.status_code == 404 and len(other.text) < 20_000
    board = await client.get("/freshness")  # internal datasets yes (any signed-in user), syncs no
    assert 'href="/datasets/tiep_nhan"' in board.text and "/freshness/syncs/" not in board.text
    assert "Cơ quan của bạn chưa có kết nối đồng bộ cơ sở dữ liệu nào." in board.text


def test_alerts_go_to_admins_of_the_owning_organisation_and_its_successor(
    board: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    _break_le_phi(board, caplog)
    a = board.access
    a.orgs.create(OrgCreate(code="SO-KHCN", name_vi="Sở Khoa học và Công nghệ"), actor=SYSTEM)
    a.orgs.close("SO-TTTT", successor="SO-KHCN", actor=SYSTEM)  # the 2025 merger of departments
    a.users.create(
        UserCreate(
            username="moi",
            password=PASSWORD,
            memberships=[MembershipPublic(org_code="SO-KHCN", role="admin")],
        ),
        actor=SYSTEM,
    )
    syncer = Syncer(board)
    who = {name: a.actor_for_user(name) for name in (*PEOPLE, "moi")}
    alerted = {name: [s["name"] for s in syncer.alerts(actor=actor)] for name, actor in who.items()}
    assert alerted == {"quantri": ["mot-cua"], "canbo": [], "khac": [], "moi": ["mot-cua"]}
    assert [s["name"] for s in syncer.alerts(actor=SYSTEM)] == ["mot-cua"]
    (watched,) = syncer.board(actor=who["canbo"])  # editors watch, without the banner
    assert watched["failed_runs"] == 2 and watched["latest"]["attempt"] == 2
    assert watched["failing_since"] <= watched["latest"]["started_at"]
    assert syncer.board(actor=who["khac"]) == []
    assert [r["status"] for r in syncer.history(actor=who["khac"])] == []
    assert [r["status"] for r in syncer.history(actor=who["moi"])] == ["failed", "failed", "ok"]
