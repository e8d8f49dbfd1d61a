"""CKAN Action API through the real ASGI app, on both metadata backends: envelopes, search, errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio
ACTION = "/api/3/action/"


async def _ok(client: httpx.AsyncClient, name: str, **params: Any) -> Any:
    r = await client.post(f"{ACTION}{name}", json=params)
    body = r.json()
    assert r.status_code == 200 and body["success"] is True, body
    return body["result"]


async def _err(client: httpx.AsyncClient, name: str, status: int, **params: Any) -> dict[str, Any]:
    r = await client.post(f"{ACTION}{name}", json=params)
    body = r.json()
    assert r.status_code == status and body["success"] is False, body
    assert body["help"] == f"http://kho.test/api/3/action/help_show?name={name}"
    return dict(body["error"])


async def test_envelope_is_ckans_on_both_paths_and_all_encodings(
    ckan_client: httpx.AsyncClient,
) -> None:
    r = await ckan_client.get(f"{ACTION}status_show")
    assert r.headers["content-type"] == "application/json;charset=utf-8"
    body = r.json()
    assert set(body) == {"help", "success", "result"} and body["success"] is True
    assert body["help"] == "http://kho.test/api/3/action/help_show?name=status_show"
    assert body["result"]["ckan_version"].startswith("2.11")
    expected = ["ho_so", "so_lieu"]  # restricted noi_bo is never listed
    assert (await ckan_client.get(f"{ACTION}package_list")).json()["result"] == expected
    assert (await ckan_client.post("/api/action/package_list", json={})).json()[
        "result"
    ] == expected
    assert (
        await ckan_client.post("/api/action/package_list", data={"limit": "1", "offset": "1"})
    ).json()["result"] == ["so_lieu"]
    ckanapi_dump = {"include_private": False, "include_drafts": False, "include_deleted": False}
    assert await _ok(ckan_client, "package_list", **ckanapi_dump) == expected
    assert (await ckan_client.get("/api/3")).json() == {"version": 3}


async def test_unknown_action_and_bad_json_are_bare_400_strings(
    ckan_client: httpx.AsyncClient,
) -> None:
    r = await ckan_client.post(f"{ACTION}package_delete_everything", json={})
    assert (
        r.status_code == 400
        and r.json() == "Bad request: Action name not known: package_delete_everything"
    )
    r = await ckan_client.post(
        f"{ACTION}package_show", content=b'{"id": ', headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.json().startswith("Bad request: JSON Error:")
    r = await ckan_client.post(f"{ACTION}package_show", json=["ho_so"])
    assert r.status_code == 400 and "needs to be a dictionary" in r.json()


async def test_package_show_by_name_and_uuid_and_hides_restricted(
    ckan_client: httpx.AsyncClient,
) -> None:
    pkg = await _ok(ckan_client, "package_show", id="ho_so")
    assert (
        pkg["name"] == "ho_so"
        and pkg["title"] == "Hồ sơ một cửa Hà Nội"
        and pkg["private"] is False
    )
    assert pkg["organization"]["name"] == "so-tp" and pkg["groups"][0]["name"] == "tu-phap"
    res = pkg["resources"][0]
    assert res["id"] == "ho_so" and res["datastore_active"] is True and res["format"] == "CSV"
    assert res["url"] == "http://kho.test/datastore/dump/ho_so"
    assert (await _ok(ckan_client, "package_show", id=pkg["id"]))["name"] == "ho_so"
    for name in ("noi_bo", "khong_co"):
        err = await _err(ckan_client, "package_show", 404, id=name)
        assert err["__type"] == "Not Found Error" and err["message"].startswith("Not found: ")
    err = await _err(ckan_client, "package_show", 409)
    assert err == {"__type": "Validation Error", "id": ["Missing value"]}


async def test_package_search_q_fq_sort_and_facets(ckan_client: httpx.AsyncClient) -> None:
    found = await _ok(ckan_client, "package_search", q="dan so")
    assert [p["name"] for p in found["results"]] == ["so_lieu"] and found["count"] == 1
    fields = ["organization", "groups", "tags", "res_format", "license_id"]
    every = await _ok(ckan_client, "package_search", rows=0, **{"facet.field": fields})
    assert every["count"] == 2 and every["results"] == []
    assert every["facets"]["organization"] == {"ctk-kh": 1, "so-tp": 1}
    assert every["facets"]["res_format"] == {"CSV": 2}
    orgs = every["search_facets"]["organization"]
    assert orgs["title"] == "organization"
    assert [i["display_name"] for i in orgs["items"]] == [
        "Thống kê tỉnh Khánh Hòa",
        "Sở Tư pháp Hà Nội",
    ]
    assert (
        every["search_facets"]["license_id"]["items"][0]["display_name"]
        == "Creative Commons CCZero"
    )
    cases = {
        "organization:ctk-kh": ["so_lieu"],
        'tags:"dân số"': ["so_lieu"],
        "tags:dan-so": [],
        "groups:tu-phap": ["ho_so"],
        "res_format:CSV license_id:CC0-1.0": ["so_lieu"],
        'organization:so-tp AND tags:"thống kê"': [],
        "organization:so-tp OR organization:ctk-kh": 2,
        "organization:(so-tp OR ctk-kh)": 2,
        "-organization:so-tp": ["so_lieu"],
        "+capacity:public +state:active": 2,
    }
    for fq, expected in cases.items():
        got = await _ok(ckan_client, "package_search", fq=fq)
        names = [p["name"] for p in got["results"]]
        assert (len(names) if isinstance(expected, int) else names) == expected, fq
    by_title = await _ok(ckan_client, "package_search", sort="title_string asc")
    assert [p["name"] for p in by_title["results"]] == ["ho_so", "so_lieu"]
    newest = await _ok(
        ckan_client, "package_search", sort="metadata_modified desc", rows=1, start=0
    )
    assert newest["results"][0]["name"] == "so_lieu" and newest["count"] == 2
    second = await _ok(
        ckan_client, "package_search", sort="metadata_modified desc", rows=1, start=1
    )
    assert second["results"][0]["name"] == "ho_so"


async def test_package_search_get_params_are_strings_like_ckan(
    ckan_client: httpx.AsyncClient,
) -> None:
    r = await ckan_client.get(
        f"{ACTION}package_search", params={"q": "*:*", "facet.field": '["tags"]', "rows": "1"}
    )
    body = r.json()["result"]
    assert body["facets"] == {"tags": {"dân số": 1, "thống kê": 1}} and len(body["results"]) == 1


async def test_package_search_refuses_bad_input_clearly(ckan_client: httpx.AsyncClient) -> None:
    err = await _err(ckan_client, "package_search", 400, fq="owner:someone")
    assert err["__type"] == "Search Query Error" and "unknown field 'owner'" in err["message"]
    assert (await _err(ckan_client, "package_search", 400, sort="random()"))[
        "__type"
    ] == "Search Query Error"
    assert await _err(ckan_client, "package_search", 409, rows=-5) == {
        "__type": "Validation Error",
        "rows": ["Must be a natural number"],
    }
    assert (await _err(ckan_client, "package_search", 409, **{"facet.field": "[tags"}))[
        "facet.field"
    ]
    huge = await _ok(ckan_client, "package_search", rows=10**12)
    assert huge["count"] == 2 and len(huge["results"]) == 2
    private = await _ok(ckan_client, "package_search", include_private=True)
    assert "noi_bo" not in [p["name"] for p in private["results"]]  # anonymous may not read it


async def test_organizations_groups_tags(ckan_client: httpx.AsyncClient) -> None:
    assert await _ok(ckan_client, "organization_list") == ["so-tp", "ctk-kh"]  # by title
    full = await _ok(ckan_client, "organization_list", all_fields=True, sort="name asc")
    assert [(o["name"], o["package_count"]) for o in full] == [("ctk-kh", 1), ("so-tp", 1)]
    org = await _ok(ckan_client, "organization_show", id="so-tp", include_datasets=True)
    assert org["title"] == "Sở Tư pháp Hà Nội" and [p["name"] for p in org["packages"]] == ["ho_so"]
    assert (await _ok(ckan_client, "organization_show", id="SO-TP"))["id"] == org["id"]
    assert (await _err(ckan_client, "organization_show", 404, id="nope"))[
        "__type"
    ] == "Not Found Error"
    assert await _ok(ckan_client, "group_list") == ["dan-so-va-lao-dong", "tu-phap"]
    assert await _ok(ckan_client, "tag_list") == ["dân số", "thống kê"]
    assert await _ok(ckan_client, "tag_list", query="thong") == ["thống kê"]


async def test_resource_show_and_view_list(ckan_client: httpx.AsyncClient) -> None:
    res = await _ok(ckan_client, "resource_show", id="so_lieu")
    assert res["package_id"] == (await _ok(ckan_client, "package_show", id="so_lieu"))["id"]
    assert res["row_count"] == 4 and res["url_type"] == "datastore"
    assert await _ok(ckan_client, "resource_view_list", id="so_lieu") == []
    assert (await _err(ckan_client, "resource_show", 404, id="noi_bo"))[
        "__type"
    ] == "Not Found Error"


async def test_help_url_follows_the_host(ckan_client: httpx.AsyncClient) -> None:
    r = await ckan_client.get(f"{ACTION}tag_list", headers={"host": "data.khanhhoa.gov.vn"})
    assert r.json()["help"] == "http://data.khanhhoa.gov.vn/api/3/action/help_show?name=tag_list"
