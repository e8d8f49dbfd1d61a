"""The JSON API (DHIS2-like analytics, traces, errors) and the online_services pack on the demo dossiers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from kho.access.actors import SYSTEM
from kho.platform import Platform
from kho.web.app import create_app
from tests.integration.indicators.conftest import MERGER


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(province: Platform) -> AsyncIterator[httpx.AsyncClient]:
    province.indicators.compute("TY_LE_TRUC_TUYEN", actor=SYSTEM, org_map=MERGER)
    app = create_app(province)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://kho.test"
    ) as c:
        yield c


@pytest.mark.anyio
async def test_analytics_has_dhis2_shape(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/api/v1/indicators/analytics",
        params={
            "dx": "TY_LE_TRUC_TUYEN",
            "pe": "2025Q1;2025Q2",
            "ou": "TINH;SO-B",
            "includeNumDen": "true",
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert [h["name"] for h in body["headers"]] == [
        "dx",
        "pe",
        "ou",
        "value",
        "numerator",
        "denominator",
    ]
    assert body["rows"] == [
        ["TY_LE_TRUC_TUYEN", "2025Q1", "SO-B", "20", "1", "5"],
        ["TY_LE_TRUC_TUYEN", "2025Q1", "TINH", "50", "5", "10"],
        ["TY_LE_TRUC_TUYEN", "2025Q2", "SO-B", "100", "2", "2"],
        ["TY_LE_TRUC_TUYEN", "2025Q2", "TINH", "100", "3", "3"],
    ]
    assert (body["height"], body["width"]) == (4, 6)
    assert body["metaData"]["dimensions"]["pe"] == ["2025Q1", "2025Q2"]
    assert body["metaData"]["items"]["TY_LE_TRUC_TUYEN"]["name"] == "Tỷ lệ hồ sơ trực tuyến"


@pytest.mark.anyio
async def test_values_report_and_errors(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/api/v1/indicators/TY_LE_TRUC_TUYEN/values", params={"pe": "2025Q1", "ou": "TINH"}
    )
    assert r.status_code == 200 and r.json()[0]["sql"].startswith("SELECT")
    r = await client.get("/api/v1/indicators/report", params={"period": "2025Q1", "org": "TINH"})
    assert {row["org"] for row in r.json()["rows"] if row["indicator"] == "TY_LE_TRUC_TUYEN"} == {
        "TINH",
        "SO-A",
        "SO-B",
        "SO-C",
    }
    x = await client.get("/api/v1/indicators/report", params={"period": "2025Q1", "format": "xlsx"})
    assert x.status_code == 200 and x.content[:2] == b"PK"
    bad = await client.get(
        "/api/v1/indicators/analytics", params={"dx": "TY_LE_TRUC_TUYEN", "pe": "2025Q7"}
    )
    assert bad.status_code == 400 and "2025Q1" in bad.json()["error"]["details"]["hint"]
    missing = await client.get("/api/v1/indicators/KHONG_CO")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found"
    # the public sees the indicator but not the restricted rows behind it
    hidden = await client.get(
        "/api/v1/indicators/TY_LE_TRUC_TUYEN/trace", params={"period": "2025Q1", "org": "TINH"}
    )
    assert hidden.status_code == 404


def test_online_services_pack_on_the_demo_matches_a_hand_query(settings) -> None:  # type: ignore[no-untyped-def]
    from kho.demo.load import load_demo

    p = Platform(settings)
    p.init()
    try:
        load_demo(p, actor=SYSTEM)  # loads the packs with their example targets
        pack_targets = {
            code: p.indicators.targets.history(code)
            for code in ("DVC_NOP_TRUC_TUYEN", "DVC_DUNG_HAN", "DVC_THU_TUC_TRUC_TUYEN")
        }
        assert sum(len(h) for h in pack_targets.values()) == 3  # the 2025 example target of each ratio
        assert (
            p.indicators.load_pack("online_services", actor=SYSTEM).targets == 0
        )  # loading again adds nothing
        p.indicators.compute("DVC_NOP_TRUC_TUYEN", actor=SYSTEM)
        got = {
            v.org: v
            for v in p.indicators.values("DVC_NOP_TRUC_TUYEN", actor=SYSTEM, periods_=["2025Q1"])
        }
        spellings = "'Hà Nội', 'Ha Noi', 'HÀ NỘI', 'TP. Hà Nội', 'Thành phố Hà Nội'"
        hand = p.query.sql(
            "SELECT count(*) FILTER (WHERE hinh_thuc_nop = 'Trực tuyến') AS online, count(*) AS total "
            "FROM ho_so_mot_cua WHERE ngay_tiep_nhan BETWEEN DATE '2025-01-01' AND DATE '2025-03-31' "
            f"AND tinh_thanh_pho IN ({spellings})",
            actor=SYSTEM,
        ).rows[0]
        assert (got["Hà Nội"].numerator, got["Hà Nội"].denominator) == hand
        assert got["Hà Nội"].value == pytest.approx(100 * hand[0] / hand[1])
        total = p.query.sql(
            "SELECT avg(CASE WHEN hinh_thuc_nop = 'Trực tuyến' THEN 100.0 ELSE 0 END) FROM "
            "ho_so_mot_cua WHERE ngay_tiep_nhan >= DATE '2025-01-01' AND ngay_tiep_nhan < "
            "DATE '2025-04-01'",
            actor=SYSTEM,
        ).rows[0][0]
        assert got["ALL"].value == pytest.approx(total)
        # Quảng Nam merged into Đà Nẵng on 1 July 2025: its dossiers count under Đà Nẵng
        assert "Quảng Nam" not in got and "Quảng Nam" in got["Đà Nẵng"].lineage["org_values"]
        rep = p.indicators.report("2025Q1", actor=SYSTEM, codes=["DVC_NOP_TRUC_TUYEN"])
        provinces = [r for r in rep.rows if r.org != "ALL"]
        assert len(provinces) == 34 and all(r.target == 70 for r in provinces)
        assert sorted(r.rank for r in provinces if r.rank)[0] == 1
    finally:
        p.close()


def test_warehouse_pack_counts_the_catalog(settings) -> None:  # type: ignore[no-untyped-def]
    from kho.demo.load import load_demo

    p = Platform(settings)
    p.init()
    try:
        load_demo(p, actor=SYSTEM)
        p.indicators.load_pack("warehouse", actor=SYSTEM)
        p.indicators.compute(actor=SYSTEM)
        from kho.indicators import periods

        now = periods.of_date(__import__("datetime").date.today(), "quarter").id
        v = {
            c: {x.org: x.value for x in p.indicators.values(c, actor=SYSTEM, periods_=[now])}
            for c in ("KHO_SO_BO_DU_LIEU", "KHO_SO_DONG", "KHO_SO_DON_VI", "KHO_TY_LE_CAP_NHAT")
        }
        datasets = p.catalog.search("", actor=SYSTEM).items
        assert v["KHO_SO_BO_DU_LIEU"]["ALL"] == len(datasets) == 3
        rows = sum(
            t.row_count for d in datasets for t in p.catalog.get(d.slug, actor=SYSTEM).tables
        )
        assert v["KHO_SO_DONG"]["ALL"] == rows
        assert v["KHO_SO_DON_VI"]["ALL"] == 3 and v["KHO_SO_DON_VI"]["UBND-KH"] == 3
        assert v["KHO_SO_BO_DU_LIEU"]["CTK-KH"] == 1
        assert v["KHO_TY_LE_CAP_NHAT"]["ALL"] == 100.0  # all just loaded
        trace = p.indicators.trace("KHO_SO_DONG", period=now, org="ALL", actor=SYSTEM)
        assert sorted(r["dataset"] for r in trace.rows) == [
            "dan_so_trung_binh@1",
            "danh_ba_co_quan@1",
            "ho_so_mot_cua@1",
        ]
    finally:
        p.close()
