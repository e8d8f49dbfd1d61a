"""Catalog changes over HTTP: create, update, delete datasets; edit the data dictionary; inventory."""

from __future__ import annotations

from fastapi import APIRouter, Response

from kho.catalog import models as m
from kho.web.deps import ActorDep, PlatformDep

router = APIRouter(prefix="/api/v1", tags=["datasets"])


@router.post("/datasets", response_model=m.Dataset, status_code=201, summary="Create a dataset")
def create_dataset(body: m.DatasetCreate, platform: PlatformDep, actor: ActorDep) -> m.Dataset:
    return platform.catalog.create(body, actor=actor)


@router.patch("/datasets/{slug}", response_model=m.Dataset, summary="Change a dataset's metadata")
def update_dataset(
    slug: str, body: m.DatasetUpdate, platform: PlatformDep, actor: ActorDep
) -> m.Dataset:
    return platform.catalog.update(slug, body, actor=actor)


@router.delete("/datasets/{slug}", status_code=204, summary="Delete a dataset and its versions")
def delete_dataset(slug: str, platform: PlatformDep, actor: ActorDep) -> Response:
    platform.catalog.delete(slug, actor=actor)
    return Response(status_code=204)


@router.patch(
    "/datasets/{slug}/columns/{column}",
    response_model=m.ColumnInfo,
    summary="Edit a data dictionary entry (label, unit, descriptions)",
)
def update_column(
    slug: str,
    column: str,
    body: m.ColumnUpdate,
    platform: PlatformDep,
    actor: ActorDep,
    table: str | None = None,
) -> m.ColumnInfo:
    return platform.catalog.update_column(slug, column, body, actor=actor, table=table)


@router.get(
    "/inventory", response_model=list[m.InventoryItem], summary="Inventory of data not yet loaded"
)
def list_inventory(
    platform: PlatformDep, actor: ActorDep, org_code: str | None = None
) -> list[m.InventoryItem]:
    return platform.catalog.list_inventory(actor=actor, org_code=org_code)


@router.post(
    "/inventory",
    response_model=m.InventoryItem,
    status_code=201,
    summary="Register an inventory entry",
)
def add_inventory(
    body: m.InventoryCreate, platform: PlatformDep, actor: ActorDep
) -> m.InventoryItem:
    return platform.catalog.add_inventory(body, actor=actor)
