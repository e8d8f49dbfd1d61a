"""The real `ckanapi` client (RemoteCKAN, POST to /api/action/…) against a real `kho serve` with the demo."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

ckanapi = pytest.importorskip("ckanapi")


@pytest.fixture(scope="module")
def ckan(demo_server: str):  # type: ignore[no-untyped-def]
    return ckanapi.RemoteCKAN(demo_server, user_agent="kho-tests")


def test_catalog_actions(ckan) -> None:  # type: ignore[no-untyped-def]
    assert ckan.action.status_show()["ckan_version"].startswith("2.11")
    names = ckan.action.package_list()
    assert "ho_so_mot_cua" in names and names == sorted(names)
    found = ckan.action.package_search(q="dan so", rows=5)
    assert found["results"][0]["name"] == "dan_so_trung_binh"
    org = found["results"][0]["organization"]["name"]
    only = ckan.action.package_search(
        fq=f"organization:{org} res_format:XLSX", **{"facet.field": ["organization", "tags"]}
    )
    assert {p["organization"]["name"] for p in only["results"]} == {org}
    assert only["search_facets"]["organization"]["items"][0]["name"] == org
    pkg = ckan.action.package_show(id="ho_so_mot_cua")
    assert pkg["resources"][0]["datastore_active"] and pkg["num_resources"] >= 1
    assert ckan.action.package_show(id=pkg["id"])["name"] == "ho_so_mot_cua"
    orgs = ckan.action.organization_list(all_fields=True)
    assert org in {o["name"] for o in orgs} and all(o["is_organization"] for o in orgs)


def test_datastore_pages_through_links_next(ckan) -> None:  # type: ignore[no-untyped-def]
    first = ckan.action.datastore_search(
        resource_id="ho_so_mot_cua", limit=1000, filters={"dung_han": True}, sort="ma_ho_so"
    )
    total, seen, page = first["total"], list(first["records"]), first
    assert 1000 < total < 4994
    while page["records"]:
        params = dict(parse_qsl(urlsplit(page["_links"]["next"]).query))
        page = ckan.action.datastore_search(**params)
        seen.extend(page["records"])
    assert len(seen) == total and len({r["ma_ho_so"] for r in seen}) == total
    assert all(r["dung_han"] is True for r in seen)


def test_sql_and_errors_map_to_ckanapi_exceptions(ckan) -> None:  # type: ignore[no-untyped-def]
    rows = ckan.action.datastore_search_sql(sql='SELECT count(*) AS n FROM "ho_so_mot_cua"')
    assert rows["records"][0]["n"] > 4000
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="__kho_no_such_dataset__")
    with pytest.raises(ckanapi.ValidationError) as refused:
        ckan.action.datastore_search_sql(sql="DROP TABLE ho_so_mot_cua")
    assert "SELECT" in str(refused.value.error_dict["query"])
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.datastore_search(resource_id="ho_so_mot_cua", offset=-1)
    with pytest.raises(ckanapi.CKANAPIError):
        ckan.call_action("no_such_action")
    assert ckan.action.status_show()["site_url"]  # the server is still up after hostile calls
