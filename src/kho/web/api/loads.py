"""Uploads that run an ingest, load history and reports, rejected rows: /api/v1/…/uploads, /loads, /rejects"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kho.errors import InvalidInput
from kho.ingest.models import LoadReport, LoadSummary, Mode, Reject
from kho.web.api.exports import content_disposition
from kho.web.deps import ActorDep, PlatformDep

router = APIRouter(prefix="/api/v1", tags=["loads"])
CHUNK = 1 << 20
UPLOAD_PATH = re.compile(r"^/api/v1/datasets/[^/]+/uploads/?$")


class PayloadTooLarge(InvalidInput):
    """An upload bigger than KHO_UPLOAD_MAX_MB (HTTP 413)."""

    status, type_name = 413, "payload_too_large"


class RejectsPage(BaseModel):
    dataset: str
    total: int
    limit: int
    offset: int
    rejects: list[Reject]


def _too_large(limit_mb: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The upload is larger than the {limit_mb:,} MB limit.",
        hint="Split the file, or ask the administrator to raise KHO_UPLOAD_MAX_MB.",
        details={"limit_mb": limit_mb},
    )


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


def _save(upload: UploadFile, folder: Path, limit_mb: int) -> Path:
    """Copy the upload to the uploads folder in 1 MB chunks, refusing it once it passes the limit."""
    suffix = "".join(Path(upload.filename or "").suffixes[-2:])[:16].lower()
    if not re.fullmatch(r"(\.[a-z0-9]{1,8}){0,2}", suffix):
        suffix = ""
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"upload-{uuid.uuid4().hex}{suffix}"
    size = 0
    try:
        with dest.open("wb") as out:
            while chunk := upload.file.read(CHUNK):
                size += len(chunk)
                if size > limit_mb * CHUNK:
                    raise _too_large(limit_mb)
                out.write(chunk)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return dest


@router.post(
    "/datasets/{slug}/uploads",
    response_model=LoadReport,
    status_code=201,
    summary="Upload a file (multipart, streamed to disk) and load it; returns the load report",
)
def upload(
    slug: str,
    platform: PlatformDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX, XLS, JSON or Parquet")],
    mode: Annotated[Mode, Form()] = "append",
    key: Annotated[
        list[str] | None, Form(description="Upsert key column(s), comma-separated")
    ] = None,
    sheet: Annotated[
        str | None, Form(max_length=200, description="Sheet name or 0-based index")
    ] = None,
    header_row: Annotated[
        int | None, Form(ge=1, le=1_000, description="Line of the header")
    ] = None,
    unit_column: Annotated[
        list[str] | None, Form(description="Columns holding administrative unit names")
    ] = None,
    table: Annotated[str | None, Form(max_length=63)] = None,
) -> LoadReport:
    """Needs write permission on the dataset (editor or admin of its organisation)."""
    platform.catalog.check_write(slug, actor=actor)  # before keeping gigabytes on disk
    limit_mb = platform.settings.upload_max_mb
    path = _save(file, platform.settings.uploads_dir, limit_mb)
    try:
        chosen_sheet: str | int | None = int(sheet) if sheet and sheet.isdigit() else sheet or None
        return platform.ingest.load(
            path,
            dataset=slug,
            actor=actor,
            mode=mode,
            key=_split(key),
            sheet=chosen_sheet,
            header_row=header_row,
            unit_columns=_split(unit_column),
            table=table,
            source_name=Path(file.filename or path.name).name[:200] or path.name,
        )
    finally:
        path.unlink(missing_ok=True)


@router.get(
    "/datasets/{slug}/loads", response_model=list[LoadSummary], summary="Load history of a dataset"
)
def loads(slug: str, platform: PlatformDep, actor: ActorDep) -> list[LoadSummary]:
    return platform.ingest.loads(slug, actor=actor)


@router.get("/loads/{load_id}", response_model=LoadReport, summary="The report of one load")
def load_report(load_id: int, platform: PlatformDep, actor: ActorDep) -> LoadReport:
    if not 0 < load_id < 2**62:
        raise InvalidInput("A load id is a positive number.")
    return platform.ingest.report(load_id, actor=actor)


@router.get(
    "/datasets/{slug}/rejects", response_model=RejectsPage, summary="Rejected cells of a load"
)
def rejects(
    slug: str,
    platform: PlatformDep,
    actor: ActorDep,
    load: Annotated[
        int | None, Query(ge=1, lt=2**62, description="Load id (default: latest)")
    ] = None,
    limit: Annotated[int, Query(ge=0, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0, lt=2**62)] = 0,
) -> RejectsPage:
    """Rejects hold whole original rows, so they are shown to those who may load into the dataset."""
    platform.catalog.check_write(slug, actor=actor)
    total, items = platform.ingest.list_rejects(
        slug, actor=actor, load_id=load, limit=limit, offset=offset
    )
    return RejectsPage(dataset=slug, total=total, limit=limit, offset=offset, rejects=items)


@router.get(
    "/datasets/{slug}/rejects.csv",
    summary="Rejected rows as CSV (UTF-8 BOM) to fix and load again",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def rejects_csv(
    slug: str,
    platform: PlatformDep,
    actor: ActorDep,
    load: Annotated[
        int | None, Query(ge=1, lt=2**62, description="Load id (default: latest)")
    ] = None,
) -> StreamingResponse:
    import tempfile

    platform.catalog.check_write(slug, actor=actor)
    folder = Path(tempfile.mkdtemp(prefix="kho-rejects-"))
    dest = folder / f"{slug}-rejects.csv"
    try:
        platform.ingest.export_rejects(slug, dest, actor=actor, load_id=load)
    except BaseException:
        _remove(folder)
        raise

    def body() -> Iterator[bytes]:
        try:
            with dest.open("rb") as fh:
                while chunk := fh.read(CHUNK):
                    yield chunk
        finally:
            _remove(folder)

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition(dest.name)},
    )


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


class UploadSizeLimit:
    """Refuses upload bodies over KHO_UPLOAD_MAX_MB with 413 before they are parsed or spooled.

    A declared Content-Length is checked at once; a chunked body is counted as it arrives.
    """

    def __init__(self, app: ASGIApp, limit_mb: Any) -> None:
        self.app = app
        self.limit_mb = limit_mb  # a callable, so tests and settings changes are honoured

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not UPLOAD_PATH.match(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        limit_mb = int(self.limit_mb())
        limit = limit_mb * CHUNK
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit + CHUNK:
            await _send_error(send, _too_large(limit_mb))
            return
        seen = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit + CHUNK:
                    exceeded = True
                    raise _too_large(limit_mb)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _send_error(send, _too_large(limit_mb))
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counting_receive, guarded_send)


async def _send_error(send: Send, exc: InvalidInput) -> None:
    import json

    body = json.dumps({"error": exc.to_dict()}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": exc.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
