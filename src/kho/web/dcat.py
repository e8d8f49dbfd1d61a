"""DCAT-AP 3 catalog of the public datasets, as JSON-LD and Turtle, for national-portal harvesters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.platform import Platform
from kho.web.deps import ActorDep, PlatformDep

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

    from kho.web.ckan.packages import Site

router = APIRouter(tags=["dcat"])
FORMATS = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
}
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
DISTRIBUTIONS = (("csv", "CSV", "text/csv"), ("json", "JSON", "application/json"))
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def catalog_graph(platform: Platform, *, actor: Actor, base: str, slug: str | None = None) -> Graph:
    """The catalog (or one dataset of it) as an RDF graph; only public datasets are ever included."""
    from rdflib import Graph

    from kho.web.ckan.packages import Site, all_summaries

    site = Site.load(platform, base)
    g = Graph()
    for prefix, ns in CONTEXT.items():
        g.bind(prefix, ns)
    catalog = _catalog_node(g, site)
    for summary in all_summaries(platform, actor=actor):
        if summary.access_level != "public" or slug not in (None, summary.slug):
            continue
        ds = platform.catalog.get(summary.slug, actor=actor)
        g.add((catalog, _ns("dcat").dataset, _dataset_node(g, site, ds)))
    return g


def _ns(prefix: str) -> Any:
    """rdflib's defined namespaces (a plain Namespace is a str, so ``.format`` would be str.format)."""
    from rdflib import Namespace
    from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

    known = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "skos": SKOS}
    return known.get(prefix) or Namespace(CONTEXT[prefix])


def _catalog_node(g: Graph, site: Site) -> URIRef:
    from rdflib import RDF, Literal, URIRef

    dct, dcat, foaf = _ns("dct"), _ns("dcat"), _ns("foaf")
    node = URIRef(f"{site.base}/catalog")
    g.add((node, RDF.type, dcat.Catalog))
    g.add((node, dct.title, Literal("Kho dữ liệu mở", lang="vi")))
    g.add((node, dct.title, Literal("Open data warehouse", lang="en")))
    g.add(
        (node, dct.description, Literal("Dữ liệu mở của các cơ quan nhà nước trên Kho.", lang="vi"))
    )
    g.add(
        (
            node,
            dct.description,
            Literal("Open data published by government agencies on Kho.", lang="en"),
        )
    )
    g.add((node, foaf.homepage, _typed(g, f"{site.base}/", foaf.Document)))
    publisher = URIRef(f"{site.base}/#publisher")
    g.add((publisher, RDF.type, foaf.Agent))
    g.add((publisher, foaf.name, Literal("Kho — Kho dữ liệu dùng chung", lang="vi")))
    g.add((node, dct.publisher, publisher))
    for code in ("VIE", "ENG"):
        g.add((node, dct.language, _typed(g, f"{EU}language/{code}", dct.LinguisticSystem)))
    g.add((node, dct.modified, _when(datetime.now(UTC))))
    g.add((node, dct.spatial, _typed(g, f"{EU}country/VNM", dct.Location)))
    g.add((node, dct.license, _licence(g, "CC-BY-4.0")))
    g.add((node, _ns("dcat").themeTaxonomy, _scheme(g, site)))
    return node


def _dataset_node(g: Graph, site: Site, ds: m.Dataset) -> URIRef:
    from rdflib import RDF, Literal, URIRef

    from kho.web.ckan.packages import modified, stable_id

    dct, dcat = _ns("dct"), _ns("dcat")
    node = URIRef(site.dataset_page(ds.slug))
    g.add((node, RDF.type, dcat.Dataset))
    for lang, title, text in (
        ("vi", ds.title_vi, ds.description_vi),
        ("en", ds.title_en, ds.description_en),
    ):
        if title:
            g.add((node, dct.title, Literal(title, lang=lang)))
        if text or lang == "vi":
            g.add((node, dct.description, Literal(text or title or ds.title_vi, lang=lang)))
    g.add((node, dct.identifier, Literal(stable_id("dataset", ds.slug))))
    g.add((node, dct.publisher, _agent(g, site, ds.org_code)))
    g.add((node, dcat.landingPage, _typed(g, site.dataset_page(ds.slug), _ns("foaf").Document)))
    for word in ds.keywords:
        g.add((node, dcat.keyword, Literal(word, lang="vi")))
    if ds.sector:
        g.add((node, dcat.theme, _theme(g, site, ds.sector)))
    g.add((node, dct.spatial, _typed(g, f"{EU}country/VNM", dct.Location)))
    g.add((node, dct.issued, _when(ds.created_at)))
    g.add((node, dct.modified, _when(modified(ds))))
    if ds.contact:
        g.add((node, dcat.contactPoint, _contact(g, site, ds)))
    for table in ds.tables:
        for fmt, label, media in DISTRIBUTIONS:
            g.add((node, dcat.distribution, _distribution(g, site, ds, table, (fmt, label, media))))
    return node


def _distribution(
    g: Graph, site: Site, ds: m.Dataset, table: m.TableInfo, fmt: tuple[str, str, str]
) -> URIRef:
    from rdflib import RDF, Literal, URIRef

    dct, dcat = _ns("dct"), _ns("dcat")
    key, label, media = fmt
    node = URIRef(f"{site.dataset_page(ds.slug)}#{table.sql_name}-{key}")
    url = URIRef(site.download_url(table.sql_name, key))
    g.add((node, RDF.type, dcat.Distribution))
    g.add((node, dct.title, Literal(f"{ds.title_vi} ({table.name}, {label})", lang="vi")))
    g.add(
        (
            node,
            dct.description,
            Literal(f"{table.row_count} dòng; bảng SQL {table.sql_name}", lang="vi"),
        )
    )
    g.add((node, dcat.accessURL, url))
    g.add((node, dcat.downloadURL, url))
    g.add((node, dct.format, _typed(g, f"{EU}file-type/{label}", dct.MediaTypeOrExtent)))
    g.add((node, dcat.mediaType, _typed(g, f"{IANA}{media}", dct.MediaType)))
    stable = _typed(g, f"{EU}planned-availability/STABLE", _ns("skos").Concept)
    g.add((stable, _ns("skos").prefLabel, Literal("stable", lang="en")))
    g.add((node, URIRef("http://data.europa.eu/r5r/availability"), stable))
    if ds.licence:
        g.add((node, dct.license, _licence(g, ds.licence)))
    return node


def _typed(g: Graph, iri: str, cls: Any) -> URIRef:
    from rdflib import RDF, URIRef

    node = URIRef(iri)
    g.add((node, RDF.type, cls))
    return node


def _licence(g: Graph, licence: str) -> URIRef:
    from kho.web.ckan.packages import LICENCES

    url = LICENCES.get(licence, ("", f"https://spdx.org/licenses/{licence}", False))[1]
    return _typed(g, url, _ns("dct").LicenseDocument)


def _agent(g: Graph, site: Site, code: str) -> URIRef:
    from rdflib import RDF, Literal, URIRef

    from kho.web.ckan.packages import org_name

    foaf = _ns("foaf")
    org = site.org(code)
    node = URIRef(f"{site.base}/organizations/{org_name(code)}")
    g.add((node, RDF.type, foaf.Agent))
    g.add((node, foaf.name, Literal(org.name_vi, lang="vi")))
    if org.name_en:
        g.add((node, foaf.name, Literal(org.name_en, lang="en")))
    g.add((node, _ns("dct").identifier, Literal(code)))
    return node


def _theme(g: Graph, site: Site, sector: str) -> URIRef:
    from rdflib import RDF, Literal, URIRef

    from kho.web.ckan.packages import group_name

    skos = _ns("skos")
    scheme = _scheme(g, site)
    node = URIRef(f"{site.base}/sectors/{group_name(sector)}")
    g.add((node, RDF.type, skos.Concept))
    g.add((node, skos.prefLabel, Literal(sector, lang="vi")))
    g.add((node, skos.inScheme, scheme))
    return node


def _scheme(g: Graph, site: Site) -> URIRef:
    from rdflib import RDF, Literal, URIRef

    scheme = URIRef(f"{site.base}/sectors")
    g.add((scheme, RDF.type, _ns("skos").ConceptScheme))
    g.add((scheme, _ns("dct").title, Literal("Lĩnh vực", lang="vi")))
    return scheme


def _contact(g: Graph, site: Site, ds: m.Dataset) -> URIRef:
    from rdflib import RDF, Literal, URIRef

    from kho.web.ckan.packages import EMAIL

    vcard = _ns("vcard")
    node = URIRef(f"{site.dataset_page(ds.slug)}#contact")
    g.add((node, RDF.type, vcard.Kind))
    g.add((node, vcard.fn, Literal(ds.contact)))
    email = EMAIL.search(ds.contact or "")
    if email:
        g.add((node, vcard.hasEmail, URIRef(f"mailto:{email.group(0)}")))
    return node


def _when(value: datetime) -> Any:
    from rdflib import XSD, Literal

    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return Literal(value.astimezone(UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime)


def _render(g: Graph, ext: str) -> Response:
    fmt, media = FORMATS[ext]
    body = (
        g.serialize(format=fmt, context=CONTEXT, auto_compact=True)
        if fmt == "json-ld"
        else g.serialize(format=fmt)
    )
    return Response(body, media_type=media)


@router.get("/catalog.jsonld", summary="DCAT-AP 3 catalog of public datasets (JSON-LD)")
def catalog_jsonld(request: Request, platform: PlatformDep, actor: ActorDep) -> Response:
    return _render(catalog_graph(platform, actor=actor, base=str(request.base_url)), "jsonld")


@router.get("/catalog.ttl", summary="DCAT-AP 3 catalog of public datasets (Turtle)")
def catalog_ttl(request: Request, platform: PlatformDep, actor: ActorDep) -> Response:
    return _render(catalog_graph(platform, actor=actor, base=str(request.base_url)), "ttl")


@router.get("/datasets/{slug}.{ext}", summary="One public dataset as DCAT-AP (jsonld or ttl)")
def dataset_dcat(
    slug: str, ext: str, request: Request, platform: PlatformDep, actor: ActorDep
) -> Response:
    from kho.errors import NotFound

    if ext not in FORMATS:
        raise NotFound(f"No DCAT format {ext!r}; use .jsonld or .ttl.")
    from rdflib import URIRef

    base = str(request.base_url)
    g = catalog_graph(platform, actor=actor, base=base, slug=slug)
    if (URIRef(f"{base.rstrip('/')}/datasets/{slug}"), None, None) not in g:
        raise NotFound(
            f"No public dataset {slug!r}.", hint="Only public datasets are published in DCAT."
        )
    return _render(g, ext)
