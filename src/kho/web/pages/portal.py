"""Public portal pages: catalog search and dataset pages, readable without JavaScript."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from kho.errors import KhoError
from kho.web.deps import ActorDep, PlatformDep
from kho.web.pages.words import WORDS

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "vi"
    return lang if lang in ("vi", "en") else "vi"


def _render(
    request: Request, name: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    lang = _lang(request)
    words = WORDS[lang]

    def url_with(**changes: Any) -> str:
        params = dict(request.query_params)
        params.update({k: str(v) for k, v in changes.items() if v is not None})
        for k, v in changes.items():
            if v is None:
                params.pop(k, None)
        return f"{request.url.path}?{urlencode(params)}"

    def number(value: Any) -> str:
        if not isinstance(value, int | float):
            return "" if value is None else str(value)
        text = f"{value:,}"
        return text.replace(",", ".") if lang == "vi" else text

    response = templates.TemplateResponse(
        request,
        name,
        {"lang": lang, "w": words, "url_with": url_with, "number": number, **context},
        status_code=status,
    )
    if request.query_params.get("lang") in ("vi", "en"):
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    platform: PlatformDep,
    actor: ActorDep,
    q: Annotated[str, Query(max_length=500)] = "",
    org_code: str | None = None,
    sector: str | None = None,
    access_level: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    filters = {
        k: v
        for k, v in {"org_code": org_code, "sector": sector, "access_level": access_level}.items()
        if v
    }
    result = platform.catalog.search(q, actor=actor, filters=filters, limit=20, offset=offset)
    orgs = {o.code: o for o in platform.catalog.list_organisations()}
    return _render(
        request,
        "index.html",
        {"q": q, "result": result, "orgs": orgs, "filters": filters, "offset": offset},
    )


@router.get("/datasets/{slug}", response_class=HTMLResponse)
def dataset_page(
    request: Request,
    slug: str,
    platform: PlatformDep,
    actor: ActorDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    sort: str | None = None,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    try:
        ds = platform.catalog.get(slug, actor=actor)
    except KhoError as exc:
        return _render(request, "error.html", {"error": exc}, status=exc.status)
    table = ds.tables[0] if ds.tables else None
    page, error = None, None
    versions = platform.catalog.versions(slug, actor=actor) if table else []
    if table and table.versions:
        try:
            page = platform.query.rows(
                table.sql_name,
                actor=actor,
                limit=25,
                offset=offset,
                sort=[sort] if sort else [],
                version=version,
            )
        except KhoError as exc:
            error = exc
    return _render(
        request,
        "dataset.html",
        {
            "ds": ds,
            "table": table,
            "page": page,
            "error": error,
            "offset": offset,
            "sort": sort,
            "versions": versions,
            "version": version,
        },
    )
