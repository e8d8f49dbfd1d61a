"""DCAT-AP catalog: parsed back with rdflib, public datasets only, and checked with the SEMIC SHACL shapes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.anyio
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"


async def _graph(client: httpx.AsyncClient, path: str, fmt: str):  # type: ignore[no-untyped-def]
    import rdflib

    r = await client.get(path)
    assert r.status_code == 200, r.text
    return rdflib.Graph().parse(data=r.text, format=fmt), r


async def test_catalog_has_only_public_datasets_with_mandatory_properties(
    ckan_client: httpx.AsyncClient,
) -> None:
    from rdflib import RDF, Literal, URIRef

    for path, fmt, media in (
        ("/catalog.jsonld", "json-ld", "application/ld+json"),
        ("/catalog.ttl", "turtle", "text/turtle"),
    ):
        g, r = await _graph(ckan_client, path, fmt)
        assert r.headers["content-type"].startswith(media)
        datasets = set(g.subjects(RDF.type, URIRef(DCAT + "Dataset")))
        assert {str(d) for d in datasets} == {
            "http://kho.test/datasets/ho_so",
            "http://kho.test/datasets/so_lieu",
        }
        so_lieu = URIRef("http://kho.test/datasets/so_lieu")
        titles = set(g.objects(so_lieu, URIRef(DCT + "title")))
        assert Literal("Số liệu dân số Khánh Hòa", lang="vi") in titles
        assert Literal("Khanh Hoa population figures", lang="en") in titles
        assert Literal("dân số", lang="vi") in set(g.objects(so_lieu, URIRef(DCAT + "keyword")))
        dists = list(g.objects(so_lieu, URIRef(DCAT + "distribution")))
        urls = {str(u) for d in dists for u in g.objects(d, URIRef(DCAT + "accessURL"))}
        assert urls == {
            "http://kho.test/datastore/dump/so_lieu",
            "http://kho.test/datastore/dump/so_lieu?format=json",
        }
        catalog = URIRef("http://kho.test/catalog")
        for prop in ("title", "description", "publisher"):
            assert list(g.objects(catalog, URIRef(DCT + prop))), prop
        assert "noi_bo" not in r.text


async def test_one_dataset_as_dcat_and_restricted_is_not_found(
    ckan_client: httpx.AsyncClient,
) -> None:
    from rdflib import RDF, URIRef

    g, _ = await _graph(ckan_client, "/datasets/so_lieu.ttl", "turtle")
    assert len(set(g.subjects(RDF.type, URIRef(DCAT + "Dataset")))) == 1
    assert (await ckan_client.get("/datasets/noi_bo.jsonld")).status_code == 404
    assert (await ckan_client.get("/datasets/so_lieu.exe")).status_code == 404


@pytest.mark.parametrize("profile", ["3.0.1", "2.1.1"])
async def test_catalog_conforms_to_dcat_ap_shacl(
    ckan_client: httpx.AsyncClient, realdata: Path, tmp_path: Path, profile: str
) -> None:
    pytest.importorskip("pyshacl")
    script = realdata / "clients" / "validate_dcat_shacl.py"
    for path, fmt in (("/catalog.ttl", "ttl"), ("/catalog.jsonld", "json-ld")):
        out = tmp_path / f"catalog.{fmt}"
        out.write_bytes((await ckan_client.get(path)).content)
        run = subprocess.run(
            [sys.executable, str(script), str(out), "--profile", profile, "--format", fmt],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0 and "conforms=True" in run.stdout, run.stdout[-3000:]
        assert "datasets=2" in run.stdout
