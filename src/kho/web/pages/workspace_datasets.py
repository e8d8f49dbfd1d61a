"""Edit a dataset's metadata and data dictionary; register inventory entries for not-yet-digitised data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from kho.catalog import models as cm
from kho.errors import KhoError
from kho.web.deps import PlatformDep
from kho.web.pages.workspace_common import (
    Visitor,
    VisitorDep,
    form_error,
    render,
    see_other,
    shown,
)

router = APIRouter(include_in_schema=False)
TEXT_FIELDS = (
    "title_vi",
    "title_en",
    "description_vi",
    "description_en",
    "sector",
    "licence",
    "source",
    "contact",
)
DICT_FIELDS = ("label", "unit", "description_vi", "description_en")
FREQUENCIES = ("", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular")
ACCESS_LEVELS = ("public", "internal", "restricted")
INVENTORY_STATUSES = ("not_digitised", "digitised_not_loaded", "planned", "loaded")


@router.get("/workspace/datasets/{slug}", response_class=HTMLResponse)
def edit_page(
    request: Request,
    slug: str,
    platform: PlatformDep,
    visitor: VisitorDep,
    saved: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _edit(request, platform, visitor, slug, saved=saved)


def _edit(
    request: Request,
    platform: Any,
    visitor: Visitor,
    slug: str,
    *,
    saved: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    with shown():
        platform.catalog.check_write(slug, actor=visitor.actor)
        ds = platform.catalog.get(slug, actor=visitor.actor)
        loads = platform.ingest.loads(slug, actor=visitor.actor)
    return render(
        request,
        "workspace/dataset.html",
        {
            "ds": ds,
            "loads": list(reversed(loads))[:20],
            "saved": saved,
            "error": error,
            "frequencies": FREQUENCIES,
            "levels": ACCESS_LEVELS,
        },
        visitor=visitor,
        status=status,
    )


@router.post("/workspace/datasets/{slug}")
async def save_metadata(
    request: Request, slug: str, platform: PlatformDep, visitor: VisitorDep
) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    changes: dict[str, Any] = {f: _text(form.get(f)) for f in TEXT_FIELDS if f in form}
    if "keywords" in form:
        changes["keywords"] = [k.strip() for k in str(form.get("keywords")).split(",") if k.strip()]
    for choice in ("access_level", "update_frequency"):
        if choice in form:
            changes[choice] = _text(form.get(choice))
    try:
        data = cm.DatasetUpdate(**changes)
        await run_in_threadpool(platform.catalog.update, slug, data, actor=visitor.actor)
    except (KhoError, ValueError) as exc:
        return await run_in_threadpool(
            _edit, request, platform, visitor, slug, error=form_error(exc), status=400
        )
    return see_other(f"/workspace/datasets/{slug}?saved=metadata")


@router.post("/workspace/datasets/{slug}/dictionary")
async def save_dictionary(
    request: Request, slug: str, platform: PlatformDep, visitor: VisitorDep
) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    try:
        await run_in_threadpool(_save_columns, platform, visitor, slug, form)
    except (KhoError, ValueError) as exc:
        return await run_in_threadpool(
            _edit, request, platform, visitor, slug, error=form_error(exc), status=400
        )
    return see_other(f"/workspace/datasets/{slug}?saved=dictionary")


def _save_columns(platform: Any, visitor: Visitor, slug: str, form: Any) -> int:
    """Update each column whose fields changed (fields are named ``<field>__<column>``)."""
    ds = platform.catalog.get(slug, actor=visitor.actor)
    changed = 0
    for table in ds.tables:
        for col in table.columns:
            wanted = {
                f: _text(form.get(f"{f}__{col.name}"))
                for f in DICT_FIELDS
                if f"{f}__{col.name}" in form
            }
            current = {f: getattr(col, f) for f in wanted}
            if wanted and wanted != current:
                if not wanted.get("label"):
                    wanted.pop("label", None)
                data = cm.ColumnUpdate(**wanted)
                platform.catalog.update_column(
                    slug, col.name, data, actor=visitor.actor, table=table.name
                )
                changed += 1
    return changed


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


# inventory -------------------------------------------------------------------------------------
@router.get("/workspace/inventory", response_class=HTMLResponse)
def inventory_page(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    org: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    return _inventory(request, platform, visitor, org=org)


def _inventory(
    request: Request,
    platform: Any,
    visitor: Visitor,
    *,
    org: str = "",
    error: str = "",
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    actor = visitor.actor
    with shown():
        items = platform.catalog.list_inventory(actor=actor, org_code=org or None)
    orgs = platform.access.orgs.list()
    writable = [o for o in orgs if platform.access.can_write(actor, org_code=o.code)]
    return render(
        request,
        "workspace/inventory.html",
        {
            "items": items,
            "orgs": {o.code: o for o in orgs},
            "writable": writable,
            "org": org,
            "statuses": INVENTORY_STATUSES,
            "error": error,
            "values": values or {},
        },
        visitor=visitor,
        status=status,
    )


@router.post("/workspace/inventory")
def add_inventory(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    org_code: Annotated[str, Form(max_length=64)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    description: Annotated[str, Form(max_length=5000)] = "",
    format: Annotated[str, Form(max_length=100)] = "",
    volume: Annotated[str, Form(max_length=200)] = "",
    plan: Annotated[str, Form(max_length=2000)] = "",
    status: Annotated[str, Form(max_length=30)] = "not_digitised",
) -> Response:
    values = {
        "org_code": org_code,
        "title": title.strip(),
        "description": _text(description),
        "format": _text(format),
        "volume": _text(volume),
        "plan": _text(plan),
        "status": status,
    }
    try:
        platform.catalog.add_inventory(
            cm.InventoryCreate.model_validate(values), actor=visitor.actor
        )
    except (KhoError, ValueError) as exc:
        return _inventory(
            request, platform, visitor, error=form_error(exc), values=values, status=400
        )
    return see_other(f"/workspace/inventory?org={org_code}")
