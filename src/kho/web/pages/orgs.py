"""Organisation pages: the tree of publishers and each one's datasets."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kho.web.deps import ActorDep, PlatformDep
from kho.web.pages.portal import title_of
from kho.web.pages.render import render

router = APIRouter(include_in_schema=False)


@router.get("/orgs", response_class=HTMLResponse)
def orgs_page(request: Request, platform: PlatformDep, actor: ActorDep) -> HTMLResponse:
    orgs = platform.access.orgs.list()
    counts = platform.catalog.search("", actor=actor, limit=0).facets.get("org_code", {})
    by_code = {o.code: o for o in orgs}
    roots = [o for o in orgs if not o.parent_code or o.parent_code not in by_code]
    return render(
        request,
        "orgs.html",
        {"actor": actor, "roots": roots, "by_code": by_code, "counts": counts},
    )


@router.get("/orgs/{code}", response_class=HTMLResponse)
def org_page(code: str, request: Request, platform: PlatformDep, actor: ActorDep) -> HTMLResponse:
    org = platform.access.orgs.get(code)
    by_code = {o.code: o for o in platform.access.orgs.list(include_closed=True)}
    datasets = platform.catalog.search(
        "", actor=actor, filters={"org_code": code}, limit=1000, sort="title"
    )
    return render(
        request,
        "org.html",
        {
            "actor": actor,
            "org": org,
            "by_code": by_code,
            "datasets": datasets.items,
            "title_of": title_of,
        },
    )
