"""SQL, streamed exports, uploads, load history, rejects and rate limits through the real ASGI app."""

from __future__ import annotations

import io
import json

import httpx
import pytest

from kho.web.app import create_app
from tests.integration.api.conftest import GRANTED_COLUMNS, ApiWorld

pytestmark = pytest.mark.anyio


# SQL ----------------------------------------------------------------------------------------------
async def test_sql_returns_json_safe_values_and_truncates(
    api_client: httpx.AsyncClient, api_world: ApiWorld
) -> None:
    sql = (
        "SELECT ma_ho_so, ngay_tiep_nhan, le_phi_dong, 1.50::DECIMAL(9,2) AS d, 'nan'::DOUBLE AS x "
        "FROM cong_khai ORDER BY ma_ho_so"
    )
    r = await api_client.post(
        "/api/v1/sql", json={"sql": sql, "max_rows": 2}, headers=api_world.headers("viewer_other")
    )
    body = r.json()
    assert r.status_code == 200 and body["truncated"] is True and len(body["rows"]) == 2
    assert body["rows"][0] == {
        "ma_ho_so": "HS-0001",
        "ngay_tiep_nhan": "2024-03-05",
        "le_phi_dong": 1234000,
        "d": 1.5,
        "x": None,
    }
    assert body["columns"][:2] == ["ma_ho_so", "ngay_tiep_nhan"] and body["types"][1] == "DATE"
    got = await api_client.get("/api/v1/sql", params={"sql": "SELECT count(*) AS n FROM cong_khai"})
    assert (
        got.status_code == 200
        and got.json()["rows"] == [{"n": 4}]
        and got.json()["truncated"] is False
    )


async def test_sql_for_anonymous_sees_public_tables_only(api_client: httpx.AsyncClient) -> None:
    r = await api_client.post("/api/v1/sql", json={"sql": "SELECT * FROM noi_bo"})
    assert r.status_code == 404 and "cong_khai" in r.json()["error"]["details"]["hint"]
    bad = await api_client.post("/api/v1/sql", json={"sql": "SELEC 1"})
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "query_error"


def test_cli_sql_as_user_applies_their_limits(
    api_world: ApiWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from kho.cli import _common
    from kho.cli.main import app

    s = api_world.platform.settings
    monkeypatch.setenv("KHO_HOME", str(s.home))
    monkeypatch.setenv("KHO_DATABASE_URL", s.resolved_database_url)
    _common.platform.cache_clear()
    try:
        runner = CliRunner()
        out = runner.invoke(app, ["sql", "SELECT * FROM han_che", "--as", "granted", "-f", "json"])
        assert out.exit_code == 0, out.output
        rows = json.loads(out.stdout)
        assert rows and all(
            list(r) == GRANTED_COLUMNS and r["tinh_thanh_pho"] == "Hà Nội" for r in rows
        )
        refused = runner.invoke(app, ["sql", "SELECT * FROM han_che", "--as", "viewer_other"])
        assert getattr(refused.exception, "exit_code", 0) == 2 and "han_che" in str(refused.exception)
    finally:
        _common.platform().close()
        _common.platform.cache_clear()


# exports ------------------------------------------------------------------------------------------
async def test_csv_export_has_bom_crlf_and_vietnamese(api_client: httpx.AsyncClient) -> None:
    r = await api_client.get("/api/v1/datasets/cong_khai/export.csv", params={"_sort": "ma_ho_so"})
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    assert "filename*=UTF-8''cong_khai.csv" in r.headers["content-disposition"]
    text = r.content.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert (
        lines[0].startswith("ma_ho_so,ma_thu_tuc,ten_thu_tuc") and len([x for x in lines if x]) == 5
    )
    assert (
        "Cấp giấy phép xây dựng" in text
        and "2024-03-05" in lines[1]
        and '"Ghi chú, có dấu phẩy\nvà xuống dòng"' in text
    )


async def test_exports_in_every_format_agree(api_client: httpx.AsyncClient) -> None:
    import openpyxl
    import pyarrow.parquet as pq

    params = {"tinh_thanh_pho": "Hà Nội", "_columns": "ma_ho_so,le_phi_dong,ngay_tiep_nhan"}
    pq_r = await api_client.get("/api/v1/datasets/cong_khai/export.parquet", params=params)
    table = pq.read_table(io.BytesIO(pq_r.content))
    assert (
        table.column_names == ["ma_ho_so", "le_phi_dong", "ngay_tiep_nhan"] and table.num_rows == 2
    )
    js = (await api_client.get("/api/v1/datasets/cong_khai/export.json", params=params)).json()
    assert sorted(r["ma_ho_so"] for r in js) == ["HS-0001", "HS-0005"] and js[0][
        "ngay_tiep_nhan"
    ].startswith("2024-")
    nd = (await api_client.get("/api/v1/datasets/cong_khai/export.ndjson", params=params)).text
    assert [json.loads(x) for x in nd.splitlines()] == js
    xl = await api_client.get("/api/v1/datasets/cong_khai/export.xlsx", params=params)
    sheet = openpyxl.load_workbook(io.BytesIO(xl.content)).active
    rows = list(sheet.values)  # type: ignore[union-attr]
    assert rows[0] == ("ma_ho_so", "le_phi_dong", "ngay_tiep_nhan") and len(rows) == 3
    old = await api_client.get("/api/v1/datasets/cong_khai/export.csv", params={"_version": "1"})
    assert old.status_code == 200 and "cong_khai@1.csv" in old.headers["content-disposition"]


async def test_export_applies_the_callers_grant(
    api_client: httpx.AsyncClient, api_world: ApiWorld
) -> None:
    r = await api_client.get(
        "/api/v1/datasets/han_che/export.json", headers=api_world.headers("granted")
    )
    rows = r.json()
    assert (
        r.status_code == 200
        and rows
        and all(list(x) == GRANTED_COLUMNS and x["tinh_thanh_pho"] == "Hà Nội" for x in rows)
    )
    hidden = await api_client.get(
        "/api/v1/datasets/han_che/export.csv",
        params={"_columns": "le_phi_dong"},
        headers=api_world.headers("granted"),
    )
    assert hidden.status_code == 400 and "le_phi_dong" in hidden.json()["error"]["message"]
    bad = await api_client.get("/api/v1/datasets/cong_khai/export.exe")
    assert bad.status_code == 400


# uploads, loads, rejects --------------------------------------------------------------------------
async def test_upload_loads_and_reports_then_cleans_up(
    api_client: httpx.AsyncClient, api_world: ApiWorld
) -> None:
    h = api_world.headers("editor_owner")
    files = {"file": ("Hồ sơ tháng 3.csv", api_world.csv.read_bytes(), "text/csv")}
    r = await api_client.post(
        "/api/v1/datasets/noi_bo/uploads", files=files, data={"mode": "replace"}, headers=h
    )
    report = r.json()
    assert r.status_code == 201, r.text
    assert (
        report["rows_loaded"] == 4
        and report["rows_rejected"] == 1
        and report["source"]["name"] == "Hồ sơ tháng 3.csv"
    )
    assert not any(api_world.platform.settings.uploads_dir.iterdir())
    history = (await api_client.get("/api/v1/datasets/noi_bo/loads", headers=h)).json()
    assert history[-1]["load_id"] == report["load_id"] and history[-1]["status"] == "succeeded"
    one = await api_client.get(f"/api/v1/loads/{report['load_id']}", headers=h)
    assert one.json()["rows_rejected"] == 1
    page = (
        await api_client.get(
            "/api/v1/datasets/noi_bo/rejects", params={"load": report["load_id"]}, headers=h
        )
    ).json()
    assert page["total"] == 1 and page["rejects"][0]["value"] == "31/02/2024"
    fix = await api_client.get("/api/v1/datasets/noi_bo/rejects.csv", headers=h)
    assert (
        fix.status_code == 200 and fix.content.startswith(b"\xef\xbb\xbf") and "HS-0004" in fix.text
    )


async def test_bad_uploads_are_refused_clearly(
    api_client: httpx.AsyncClient, api_world: ApiWorld
) -> None:
    h = api_world.headers("editor_owner")
    junk = {"file": ("anh.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "image/png")}
    r = await api_client.post(
        "/api/v1/datasets/noi_bo/uploads", files=junk, data={"mode": "append"}, headers=h
    )
    assert r.status_code == 422 and r.json()["error"]["message"]
    nomode = await api_client.post(
        "/api/v1/datasets/noi_bo/uploads", files=junk, data={"mode": "erase"}, headers=h
    )
    assert nomode.status_code == 400
    viewer = await api_client.post(
        "/api/v1/datasets/cong_khai/uploads", files=junk, headers=api_world.headers("viewer_other")
    )
    assert viewer.status_code == 403
    assert not any(api_world.platform.settings.uploads_dir.iterdir())


async def test_upload_over_the_size_limit_gets_413(api_world: ApiWorld) -> None:
    settings = api_world.platform.settings
    settings.upload_max_mb = 1
    try:
        app = create_app(api_world.platform)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://kho.test"
        ) as c:
            big = {"file": ("big.csv", b"a,b\n" + b"1,2\n" * 800_000, "text/csv")}
            r = await c.post(
                "/api/v1/datasets/noi_bo/uploads",
                files=big,
                headers=api_world.headers("editor_owner"),
            )

            async def chunked():  # type: ignore[no-untyped-def]
                yield b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
                for _ in range(4):
                    yield b"1,2\n" * (1 << 18)

            streamed = await c.post(
                "/api/v1/datasets/noi_bo/uploads",
                content=chunked(),
                headers={
                    **api_world.headers("editor_owner"),
                    "content-type": "multipart/form-data; boundary=zz",
                },
            )
    finally:
        settings.upload_max_mb = 2048
    assert r.status_code == 413 and "1 MB" in r.json()["error"]["message"]
    assert streamed.status_code == 413 and streamed.json()["error"]["type"] == "payload_too_large"


# rate limits --------------------------------------------------------------------------------------
async def test_rate_limit_answers_429_with_retry_after(api_world: ApiWorld) -> None:
    settings = api_world.platform.settings
    settings.rate_limit_per_minute = 5
    try:
        app = create_app(api_world.platform)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://kho.test"
        ) as c:
            codes = [(await c.get("/api/v1/datasets")).status_code for _ in range(8)]
            limited = await c.get("/api/v1/datasets")
            other = await c.get("/api/v1/datasets", headers=api_world.headers("viewer_other"))
            page = await c.get("/health")
    finally:
        settings.rate_limit_per_minute = 0
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert (
        limited.json()["error"]["type"] == "rate_limited"
        and "5 per minute" in limited.json()["error"]["message"]
    )
    assert other.status_code == 200 and page.status_code == 200
