"""datastore_search, datastore_search_sql and the dump URL through the ASGI app, with hostile input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio
ACTION = "/api/3/action/"


async def _call(client: httpx.AsyncClient, name: str, **params: Any) -> tuple[int, dict[str, Any]]:
    r = await client.post(f"{ACTION}{name}", json=params)
    return r.status_code, r.json()


async def test_search_with_filters_q_fields_sort_and_links(ckan_client: httpx.AsyncClient) -> None:
    status, body = await _call(
        ckan_client,
        "datastore_search",
        resource_id="ho_so",
        filters={"tinh_thanh_pho": "Hà Nội"},
        sort="le_phi_dong desc",
        fields=["ma_ho_so", "le_phi_dong"],
        limit=1,
    )
    result = body["result"]
    assert status == 200 and result["total"] == 2
    assert result["fields"] == [
        {
            "id": "ma_ho_so",
            "type": "text",
            "info": {"label": "Mã hồ sơ", "notes": "", "type_override": ""},
        },
        {
            "id": "le_phi_dong",
            "type": "int",
            "info": {"label": "Lệ phí (đồng)", "notes": "", "type_override": ""},
        },
    ]
    assert result["records"] == [{"ma_ho_so": "HS-0001", "le_phi_dong": 1234000}]
    assert result["_links"]["next"].startswith("/api/3/action/datastore_search?")
    follow = await ckan_client.get(result["_links"]["next"])
    assert follow.json()["result"]["records"] == [{"ma_ho_so": "HS-0005", "le_phi_dong": 12500}]
    _, listed = await _call(
        ckan_client,
        "datastore_search",
        resource_id="ho_so",
        filters={"ma_ho_so": ["HS-0002", "HS-0003"]},
        fields="ma_ho_so",
    )
    assert [r["ma_ho_so"] for r in listed["result"]["records"]] == ["HS-0002", "HS-0003"]


async def test_q_ignores_diacritics_and_matches_whole_words(ckan_client: httpx.AsyncClient) -> None:
    for q in ("khanh hoa", "KHÁNH HÒA", "ket hon"):
        _, body = await _call(ckan_client, "datastore_search", resource_id="ho_so", q=q)
        assert [r["ma_ho_so"] for r in body["result"]["records"]] == ["HS-0002"], q
    _, body = await _call(ckan_client, "datastore_search", resource_id="ho_so", q="hon ket thua")
    assert body["result"]["total"] == 0  # every word must be present
    _, body = await _call(
        ckan_client, "datastore_search", resource_id="ho_so", q={"tinh_thanh_pho": "hue"}
    )
    assert [r["ma_ho_so"] for r in body["result"]["records"]] == ["HS-0003"]


async def test_types_use_ckans_names(ckan_client: httpx.AsyncClient) -> None:
    _, body = await _call(ckan_client, "datastore_search", resource_id="ho_so", limit=0)
    types = {f["id"]: f["type"] for f in body["result"]["fields"]}
    assert types["ngay_tiep_nhan"] == "date" and types["dung_han"] == "bool"
    assert types["ma_thu_tuc"] == "text" and body["result"]["records"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": -1}, "offset"),
        ({"limit": "many"}, "limit"),
        ({"filters": "{not json"}, "filters"),
        ({"filters": ["a"]}, "filters"),
        ({"filters": {"no_such_column": 1}}, "filters"),
        ({"fields": ["ma_ho_so", "secret"]}, "fields"),
        ({"sort": "ma_ho_so; DROP TABLE ho_so"}, "sort"),
        ({"sort": "ma_ho_so sideways"}, "sort"),
    ],
)
async def test_hostile_search_input_is_a_validation_error(
    ckan_client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    status, body = await _call(ckan_client, "datastore_search", resource_id="ho_so", **params)
    assert (
        status == 409 and body["error"]["__type"] == "Validation Error" and field in body["error"]
    ), body


async def test_injection_in_values_is_only_data(ckan_client: httpx.AsyncClient) -> None:
    for value in ("x' OR '1'='1", "'; DROP TABLE ho_so; --", "\\' \x00"):
        status, body = await _call(
            ckan_client,
            "datastore_search",
            resource_id="ho_so",
            filters={"ma_ho_so": value},
            q=value,
        )
        assert status == 200 and body["result"]["total"] == 0, value
    status, body = await _call(ckan_client, "datastore_search", resource_id="ho_so", limit=10**9)
    assert (
        status == 200 and body["result"]["limit"] == 32000 and len(body["result"]["records"]) == 4
    )


async def test_restricted_and_unknown_tables_are_not_found(ckan_client: httpx.AsyncClient) -> None:
    for rid in ("noi_bo", "khong_co", '"; select 1'):
        status, body = await _call(ckan_client, "datastore_search", resource_id=rid)
        assert status == 404 and body["error"]["__type"] == "Not Found Error", rid
    status, body = await _call(ckan_client, "datastore_search")
    assert status == 409 and body["error"]["resource_id"] == ["Missing value"]


async def test_search_sql(ckan_client: httpx.AsyncClient) -> None:
    sql = 'SELECT tinh_thanh_pho, count(*) AS n FROM "ho_so" GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1'
    status, body = await _call(ckan_client, "datastore_search_sql", sql=sql)
    assert status == 200 and body["result"]["records"] == [{"tinh_thanh_pho": "Hà Nội", "n": 2}]
    assert body["result"]["fields"] == [
        {"id": "tinh_thanh_pho", "type": "text"},
        {"id": "n", "type": "int"},
    ]
    assert "records_truncated" not in body["result"]


@pytest.mark.parametrize(
    ("sql", "status"),
    [
        ("DELETE FROM ho_so", 409),
        ("SELECT * FROM read_csv('/etc/passwd')", 409),
        ("SELECT 1; SELECT 2", 409),
        ("SELECT * FROM noi_bo", 404),
        ("", 409),
    ],
)
async def test_search_sql_refuses(ckan_client: httpx.AsyncClient, sql: str, status: int) -> None:
    got, body = await _call(ckan_client, "datastore_search_sql", sql=sql)
    assert got == status and body["success"] is False, body
    assert body["error"]["__type"] == ("Not Found Error" if status == 404 else "Validation Error")


async def test_dump_is_csv_with_bom_and_json_lines(ckan_client: httpx.AsyncClient) -> None:
    r = await ckan_client.get("/datastore/dump/ho_so")
    assert r.status_code == 200 and r.content.startswith("\ufeff".encode())
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith('"ma_ho_so","ma_thu_tuc"') and len(lines) >= 5
    r = await ckan_client.get("/datastore/dump/ho_so", params={"format": "json"})
    assert len(r.text.splitlines()) == 4 and '"Hà Nội"' in r.text
    assert (await ckan_client.get("/datastore/dump/noi_bo")).status_code == 404
