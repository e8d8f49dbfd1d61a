"""The public indicator pages through the real ASGI app, on both metadata backends.

Figures are checked against the hand-computed table in tests/integration/indicators/conftest.py
(online share, 2025Q1: SO-A 3/4 = 75, SO-B 1/5 = 20, SO-C 1/1 = 100, TINH 5/10 = 50; 2025Q2:
TINH 3/3 = 100; 2024Q1: SO-A 1/2 = 50) and the targets set below (default 60 for 2025, SO-A 100
for 2025Q1). % achieved = actual / target: SO-A 75 %, SO-B 33.3 %, SO-C 166.7 %, TINH 83.3 %.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from kho.access.actors import SYSTEM
from kho.access.models import MembershipPublic, TokenCreate, UserCreate
from kho.indicators.models import ReportedValueCreate, TargetCreate
from kho.platform import Platform
from kho.web.app import create_app
from tests.integration.indicators.conftest import (  # noqa: F401 - province is a fixture
    ADMIN_TINH,
    MERGER,
    OFFICER_A,
    OFFICER_B,
    ONLINE,
    province,
)

pytestmark = pytest.mark.anyio
CODE = "TY_LE_TRUC_TUYEN"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module", autouse=True)
def _cheap_argon2() -> Iterator[None]:
    from argon2 import PasswordHasher

    from kho.access import passwords

    mp = pytest.MonkeyPatch()
    mp.setattr(passwords, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024))
    yield
    mp.undo()


@pytest.fixture
def world(province: Platform) -> Platform:  # noqa: F811
    """The province with values computed after the ward merger, targets, and a restricted indicator."""
    for code in (CODE, "SO_HO_SO"):
        province.indicators.compute(code, actor=SYSTEM, org_map=MERGER)
    for org, period, value in (("*", "2025", 60.0), ("SO-A", "2025Q1", 100.0)):
        province.indicators.targets.set(
            TargetCreate(indicator=CODE, org=org, period=period, value=value), actor=SYSTEM
        )
    secret = ONLINE.model_copy(
        update={
            "code": "BI_MAT",
            "name_vi": "Chỉ tiêu mật của Sở A",
            "access_level": "restricted",
            "owner_org": "SO-A",
        }
    )
    province.indicators.define(secret, actor=SYSTEM)
    return province


@pytest.fixture
async def client(world: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(world)), base_url="http://kho.test"
    ) as c:
        yield c


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def row_of(page: str, **attrs: str) -> str:
    """The text of the first table row whose data-* attributes match."""
    for match in re.finditer(r"<tr([^>]*)>(.*?)</tr>", page, re.S):
        head = match.group(1)
        if all(f'data-{k}="{v}"' in head for k, v in attrs.items()):
            return text_of(match.group(2)).strip()
    raise AssertionError(f"no row with {attrs}")


def status_of(page: str, **attrs: str) -> str:
    for match in re.finditer(r"<tr([^>]*)>", page):
        head = match.group(1)
        if all(f'data-{k}="{v}"' in head for k, v in attrs.items()):
            found = re.search(r'data-status="([a-z_]+)"', head)
            assert found, head
            return found.group(1)
    raise AssertionError(f"no row with {attrs}")


async def test_list_shows_each_indicator_with_its_latest_scope_value(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get("/indicators")
    assert r.status_code == 200
    # newest quarter of the whole scope is 2025Q2: 3 of 3 online against the default 60 %
    assert row_of(r.text, indicator=CODE) == (
        "Tỷ lệ hồ sơ trực tuyến TY_LE_TRUC_TUYEN Quý 2/2025 100,0% 60,0% 166,7% Đạt % "
        "Càng cao càng tốt"
    )
    assert status_of(r.text, indicator=CODE) == "achieved"
    counted = row_of(r.text, indicator="SO_HO_SO")  # HS10, HS11, HS12 in 2025Q2; no target
    assert "Quý 2/2025 3 —" in counted and "Chưa có kế hoạch" in counted
    assert "Chưa có giá trị" in row_of(r.text, indicator="SO_CUOC_HOP")  # nothing entered
    assert "BI_MAT" not in r.text  # restricted to SO-A: the public does not see it
    assert 'href="/indicators/report?period=2025Q2"' in r.text  # newest ended quarter


async def test_indicator_page_ranks_units_against_their_targets(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get(f"/indicators/{CODE}", params={"period": "2025Q1", "org": "TINH"})
    assert r.status_code == 200
    body = text_of(r.text)
    assert "UBND tỉnh — Quý 1/2025" in body
    summary = re.search(r'<dl class="ind-figures"[^>]*>(.*?)</dl>', r.text, re.S)
    assert summary is not None
    assert (
        text_of(summary.group(1))
        .strip()
        .startswith("Thực hiện 50,0% Kế hoạch 60,0% Tỷ lệ đạt 83,3% Đánh giá Không đạt")
    )
    ranking = re.search(r'<table class="data rank-table">(.*?)</table>', r.text, re.S)
    assert ranking is not None
    ranked = [
        text_of(m).split()[:6] for m in re.findall(r"<tr data-org.*?</tr>", ranking.group(1), re.S)
    ]
    assert ranked == [
        ["1/3", "Sở", "C", "100,0%", "60,0%", "166,7%"],
        ["2/3", "Sở", "A", "75,0%", "100,0%", "75,0%"],
        ["3/3", "Sở", "B", "20,0%", "60,0%", "33,3%"],
    ]
    assert status_of(r.text, org="SO-C") == "achieved" and status_of(r.text, org="SO-B") == "missed"
    # the trend of TINH: 2024Q1 50, 2025Q1 50, 2025Q2 100 with a dashed target from 2025 on
    trend = re.search(r'<figure class="ind-figure" id="trend-chart">(.*?)</figure>', r.text, re.S)
    assert trend is not None and trend.group(1).count('class="target-line"') == 2
    assert ">Quý 1/2024<" in trend.group(1) and ">100,0%<" in trend.group(1)
    # every value opens its trace; the definition says how it is computed
    assert f'href="/indicators/{CODE}/trace?period=2025Q1&amp;org=SO-B"' in r.text
    assert "count(*) FILTER (WHERE \"hinh_thuc_nop\" = 'Trực tuyến')" in html.unescape(r.text)
    assert 'href="/datasets/ho_so_test"' in r.text
    assert 'id="unit-map"' not in r.text  # departments are not provinces: no map


async def test_values_table_and_period_selector(client: httpx.AsyncClient) -> None:
    r = await client.get(f"/indicators/{CODE}", params={"org": "TINH"})
    assert r.status_code == 200
    assert '<option value="2025Q2" selected>' in r.text  # defaults to the newest quarter
    values = re.search(r'<table class="data values-table">(.*?)</table>', r.text, re.S)
    assert values is not None
    assert row_of(values.group(1), org="SO-A").split()[-3:] == ["50,0%", "75,0%", "100,0%"]
    assert row_of(values.group(1), org="SO-C").split()[-3:] == ["—", "100,0%", "—"]


async def test_trace_shows_the_value_its_query_and_hides_restricted_rows(
    client: httpx.AsyncClient, world: Platform
) -> None:
    url = f"/indicators/{CODE}/trace"
    anon = await client.get(url, params={"period": "2025Q1", "org": "SO-B"})
    assert anon.status_code == 200
    body = text_of(anon.text)
    assert "20,0%" in body and "Tử số 1" in body and "Mẫu số 5" in body
    assert 'href="/datasets/ho_so_test?version=1"' in anon.text
    assert "bạn không được xem" in body and "HS05" not in body  # the table is restricted
    token = _viewer_token(world)
    signed = await client.get(
        url,
        params={"period": "2025Q1", "org": "SO-A", "lang": "en"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert signed.status_code == 200
    rows = re.findall(r"<tr( class=\"in-numerator\")?><td>(Yes|No)</td>", signed.text)
    assert len(rows) == 4 and sum(1 for cls, _ in rows if cls) == 3  # HS01–HS04, 3 online
    assert "First 4 of 4 rows." in text_of(signed.text)
    assert all(f"HS0{i}" in signed.text for i in (1, 2, 3, 4)) and "HS05" not in signed.text


def _viewer_token(p: Platform) -> str:
    """A viewer of TINH, which owns the restricted dossier table."""
    p.access.users.create(
        UserCreate(
            username="xem-tinh",
            password="mat-khau-rat-dai-123",
            memberships=[MembershipPublic(org_code="TINH", role="viewer")],
        ),
        actor=SYSTEM,
    )
    actor = p.access.actor_for_user("xem-tinh")
    return str(p.access.tokens.create(TokenCreate(name="t", scopes=["read"]), actor=actor).token)


async def test_report_compares_target_and_actual_per_unit(client: httpx.AsyncClient) -> None:
    r = await client.get("/indicators/report", params={"period": "2025Q1", "org": "TINH"})
    assert r.status_code == 200
    got = {org: row_of(r.text, indicator=CODE, org=org) for org in ("TINH", "SO-A", "SO-B", "SO-C")}
    # unit, target, actual, % achieved, status, vs previous (no 2024Q4), vs a year before, rank
    assert got["SO-A"].startswith("Sở A 100,0% 75,0% 75,0% Không đạt — +25,0 điểm % 2/3 ")
    assert got["SO-C"].startswith("Sở C 60,0% 100,0% 166,7% Đạt — — 1/3 ")
    assert got["TINH"].startswith("UBND tỉnh 60,0% 50,0% 83,3% Không đạt — ±0,0 điểm % — ")
    statuses = {o: status_of(r.text, indicator=CODE, org=o) for o in got}
    assert statuses == {"TINH": "missed", "SO-A": "missed", "SO-B": "missed", "SO-C": "achieved"}
    counts = row_of(r.text, indicator="SO_HO_SO", org="SO-B").split()
    assert counts[2:6] == ["—", "5", "—", "Chưa"]  # 3 own dossiers + the merged wards' 2
    assert row_of(r.text, indicator="SO_HO_SO", org="SO-A").split()[-5:-3] == ["+2", "2/3"]
    # completeness: nobody entered the reported indicator
    section = re.search(r'data-indicator="SO_CUOC_HOP" aria-labelledby.*?</section>', r.text, re.S)
    assert section is not None
    assert "Chưa báo cáo (3): Sở A, Sở B, Sở C" in text_of(section.group(0))
    xlsx = re.search(r'href="(/api/v1/indicators/report\?[^"]+)" download', r.text)
    assert xlsx is not None and "format=xlsx" in xlsx.group(1)
    book = await client.get(html.unescape(xlsx.group(1)))
    assert book.status_code == 200 and book.content[:2] == b"PK"
    assert "BI_MAT" not in r.text


async def test_report_speaks_english_and_prints(client: httpx.AsyncClient) -> None:
    r = await client.get("/indicators/report", params={"period": "2025Q1", "lang": "en"})
    body = text_of(r.text)
    assert "Indicator report: Q1 2025" in body and "Scope: All units" in body
    tinh = row_of(r.text, indicator=CODE, org="TINH").split()
    assert tinh[-9:-5] == ["60.0%", "50.0%", "83.3%", "Missed"]
    assert "Không đạt" not in body and 'href="/static/indicators.css"' in r.text
    assert 'class="btn primary" data-print hidden' in r.text  # shown by JS only


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_bad_period_is_explained_in_the_readers_language(
    client: httpx.AsyncClient, lang: str
) -> None:
    expected = {"vi": "không phải là kỳ hợp lệ", "en": "is not a period"}[lang]
    for url in ("/indicators/report", f"/indicators/{CODE}", f"/indicators/{CODE}/trace"):
        r = await client.get(url, params={"period": "2025Q9", "lang": lang})
        assert r.status_code == 400, url
        assert expected in text_of(r.text) and "2025Q1" in text_of(r.text), url
    huge = await client.get("/indicators/report", params={"period": "9" * 20_000})
    message = re.search(r'<p class="error" role="alert">(.*?)</p>', huge.text)
    assert huge.status_code == 400 and message is not None
    assert len(message.group(1)) < 300 and "9" * 40 + "…" in message.group(1)  # not echoed whole


async def test_hostile_and_unknown_input_never_breaks_a_page(client: httpx.AsyncClient) -> None:
    xss = "<script>alert(1)</script>"
    r = await client.get("/indicators/report", params={"period": "2025Q1", "org": xss})
    assert r.status_code == 200 and "<script>alert(1)" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; không có giá trị nào" in r.text
    page = await client.get(f"/indicators/{CODE}", params={"org": xss})
    assert page.status_code == 200 and "<script>alert(1)" not in page.text
    long_org = await client.get(
        "/indicators/report", params={"period": "2025Q1", "org": "x" * 5000}
    )
    assert long_org.status_code == 200 and "dài quá 200 ký tự" in text_of(long_org.text)
    missing = await client.get("/indicators/KHONG_CO")
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.text
    hidden = await client.get("/indicators/BI_MAT")
    assert hidden.status_code == 404  # restricted indicator: as if it did not exist
    hidden_trace = await client.get("/indicators/BI_MAT/trace", params={"period": "2025Q1"})
    assert hidden_trace.status_code == 404
    no_value = await client.get(f"/indicators/{CODE}/trace", params={"period": "2023Q1"})
    assert no_value.status_code == 404 and "không có giá trị" in text_of(no_value.text)
    no_period = await client.get(f"/indicators/{CODE}/trace")
    assert no_period.status_code == 400 and "2025Q1" in text_of(no_period.text)
    weird = await client.get(f"/indicators/{'A' * 5000}")
    assert weird.status_code == 404


async def test_entered_values_show_who_entered_and_what_rolled_up(
    client: httpx.AsyncClient, world: Platform
) -> None:
    rep, code = world.indicators.reporting, "SO_CUOC_HOP"
    for officer, org, value, day in ((OFFICER_A, "SO-A", 5, 5), (OFFICER_B, "SO-B", 7, 30)):
        rep.submit(
            ReportedValueCreate(indicator=code, org=org, period="2025Q1", value=value),
            actor=officer,
            at=datetime(2025, 4, day, tzinfo=UTC),
        )
    rep.decide(code, "SO-A", "2025Q1", approve=True, actor=ADMIN_TINH)
    r = await client.get("/indicators/report", params={"period": "2025Q1", "org": "TINH"})
    # only approved values roll up: TINH = 5; SO-B entered 7 after the 15-day deadline
    assert row_of(r.text, indicator=code, org="TINH").startswith("UBND tỉnh — 5 ")
    assert row_of(r.text, indicator=code, org="SO-B").endswith("Báo cáo muộn")
    assert row_of(r.text, indicator=code, org="SO-C").endswith("Chưa báo cáo")
    unit = await client.get(f"/indicators/{code}/trace", params={"period": "2025Q1", "org": "SO-A"})
    assert "Người nhập can-bo@so-a" in text_of(unit.text)
    assert "Người duyệt admin@tinh" in text_of(unit.text)
    top = await client.get(f"/indicators/{code}/trace", params={"period": "2025Q1", "org": "TINH"})
    assert "Tổng hợp từ Sở A" in text_of(top.text) and 'id="rows-title"' not in top.text


def test_demo_shows_indicators_at_once_and_loads_them_once(settings) -> None:  # type: ignore[no-untyped-def]
    from kho.demo.load import load_demo

    p = Platform(settings)
    p.init()
    try:
        load_demo(p, actor=SYSTEM)
        targets = len(p.indicators.targets.history("DVC_NOP_TRUC_TUYEN"))
        codes = {s.code for s in p.indicators.list_indicators(actor=SYSTEM)}
        assert {"DVC_NOP_TRUC_TUYEN", "DVC_SO_HO_SO", "KHO_SO_DONG"} <= codes
        assert len(codes) == 9 and targets == 1  # the pack's 70 % default for 2025
        stored = p.indicators.values("DVC_SO_HO_SO", actor=SYSTEM, refresh=False)
        total = p.query.sql(
            "SELECT count(*) FROM ho_so_mot_cua WHERE ngay_tiep_nhan IS NOT NULL", actor=SYSTEM
        ).rows[0][0]
        years = sum(v.value or 0 for v in stored if v.org == "ALL" and len(v.period) == 4)
        assert years == total  # computed by the demo itself, not on first read
        load_demo(p, actor=SYSTEM)
        assert len(p.indicators.targets.history("DVC_NOP_TRUC_TUYEN")) == targets
    finally:
        p.close()
