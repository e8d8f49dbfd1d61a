"""Upload a file (with a progress bar), read the load report, page through and download the rejects.

Uploads run the ingest in a background thread of the serving process; the job (rows read so far,
then the load id) is kept in memory of that process only, so a page polling ``/workspace/jobs/ID``
must reach the same process (true for `kho serve`, which runs one). Without JavaScript the form
posts normally and the answer waits for the load, then shows the report.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.background import BackgroundTask

from kho.errors import InvalidInput, KhoError, NotFound
from kho.errors_i18n import translate
from kho.ingest.models import MODES
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
REJECTS_PAGE = 50
JOBS_KEPT = 200
NEW = "__new__"


@dataclass
class Job:
    """One upload being loaded: what the progress bar polls."""

    id: str
    user_id: int | None
    dataset: str
    state: str = "running"  # running | done | failed
    phase: str = "reading"
    rows: int = 0
    load_id: int | None = None
    rows_loaded: int = 0
    rows_rejected: int = 0
    error: str = ""
    started: float = field(default_factory=time.monotonic)


class JobStore:
    """Upload jobs of this process, newest kept; a restart forgets them (the loads themselves stay)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def add(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > JOBS_KEPT:
                self._jobs.pop(next(iter(self._jobs)))

    def get(self, job_id: str, *, user_id: int | None) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.user_id != user_id:
            raise NotFound(f"No upload job {job_id!r}.", hint="Its server may have restarted.")
        return job


jobs = JobStore()


@dataclass(frozen=True)
class UploadForm:
    """What the upload form asks: where the data goes and how to read the file."""

    dataset: str
    title: str | None
    org: str | None
    access_level: str | None
    mode: str
    key: list[str]
    sheet: str | int | None
    header_row: int | None

    def load_kwargs(self) -> dict[str, Any]:
        return asdict(self)


# pages -----------------------------------------------------------------------------------------
@router.get("/workspace/upload", response_class=HTMLResponse)
def upload_page(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    dataset: Annotated[str, Query(max_length=63)] = "",
    mode: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    return _upload_form(request, platform, visitor, {"dataset": dataset, "mode": mode or None})


def _upload_form(
    request: Request,
    platform: Any,
    visitor: Visitor,
    values: dict[str, Any],
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    from kho.web.pages.workspace import my_datasets

    actor = visitor.actor
    orgs = [
        o
        for o in platform.access.orgs.list()
        if actor.is_platform_admin or actor.role_in(o.code) in ("admin", "editor")
    ]
    return render(
        request,
        "workspace/upload.html",
        {
            "datasets": my_datasets(platform, visitor),
            "orgs": orgs,
            "modes": MODES,
            "values": values,
            "error": error,
            "new": NEW,
        },
        visitor=visitor,
        status=status,
    )


@router.post("/workspace/upload")
def upload(
    request: Request,
    platform: PlatformDep,
    visitor: VisitorDep,
    file: UploadFile,
    dataset: Annotated[str, Form(max_length=63)] = "",
    new_slug: Annotated[str, Form(max_length=63)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    org: Annotated[str, Form(max_length=64)] = "",
    access_level: Annotated[str, Form(max_length=20)] = "",
    mode: Annotated[str, Form(max_length=10)] = "create",
    key: Annotated[str, Form(max_length=500)] = "",
    sheet: Annotated[str, Form(max_length=200)] = "",
    header_row: Annotated[str, Form(max_length=10)] = "",
    background: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    values = {
        "dataset": dataset,
        "new_slug": new_slug,
        "title": title,
        "org": org,
        "access_level": access_level,
        "mode": mode,
        "key": key,
        "sheet": sheet,
        "header_row": header_row,
    }
    try:
        form = _parse(values)
        path = _save(platform, file)
    except (KhoError, ValueError) as exc:
        if background:  # read by workspace.js, shown as it is: in the visitor's language
            return JSONResponse(
                {"error": translate(form_error(exc), visitor.lang)}, status_code=400
            )
        return _upload_form(request, platform, visitor, values, error=form_error(exc), status=400)
    if background:
        job = _start(platform, visitor, form, path, source_name=file.filename or path.name)
        return JSONResponse({"job": job.id, "status_url": f"/workspace/jobs/{job.id}"})
    try:
        report = _load(platform, visitor, form, path, source_name=file.filename or path.name)
    except KhoError as exc:
        return _upload_form(
            request, platform, visitor, values, error=form_error(exc), status=exc.status
        )
    return see_other(f"/workspace/loads/{report.load_id}")


@router.get("/workspace/jobs/{job_id}")
def job_status(job_id: str, visitor: VisitorDep) -> JSONResponse:
    try:
        job = jobs.get(job_id, user_id=visitor.actor.user_id)
    except NotFound as exc:
        return JSONResponse({"error": translate(exc.message, visitor.lang)}, status_code=404)
    body = asdict(job) | {"seconds": round(time.monotonic() - job.started, 1)}
    body["error"] = translate(job.error, visitor.lang)  # the job keeps English, like the API
    if job.load_id is not None:
        body["report_url"] = f"/workspace/loads/{job.load_id}"
    return JSONResponse(body)


@router.get("/workspace/loads/{load_id}", response_class=HTMLResponse)
def load_report(
    request: Request,
    load_id: int,
    platform: PlatformDep,
    visitor: VisitorDep,
    offset: Annotated[int, Query(ge=0, lt=2**62)] = 0,
) -> Response:
    with shown():
        report = platform.ingest.report(load_id, actor=visitor.actor)
        total, rejects = platform.ingest.list_rejects(
            report.dataset, actor=visitor.actor, load_id=load_id, limit=REJECTS_PAGE, offset=offset
        )
    return render(
        request,
        "workspace/load.html",
        {
            "r": report,
            "rejects": rejects,
            "rejects_total": total,
            "offset": offset,
            "page_size": REJECTS_PAGE,
        },
        visitor=visitor,
    )


@router.get("/workspace/loads/{load_id}/rejects.csv")
def download_rejects(load_id: int, platform: PlatformDep, visitor: VisitorDep) -> Response:
    with shown():
        report = platform.ingest.report(load_id, actor=visitor.actor)
        tmp = Path(tempfile.mkdtemp(prefix="kho-rejects-")) / "rejects.csv"
        try:
            platform.ingest.export_rejects(
                report.dataset, tmp, actor=visitor.actor, load_id=load_id
            )
        except KhoError:
            shutil.rmtree(tmp.parent, ignore_errors=True)
            raise
    return FileResponse(
        tmp,
        media_type="text/csv; charset=utf-8",
        filename=f"{report.dataset}-load-{load_id}-rejects.csv",
        background=BackgroundTask(shutil.rmtree, tmp.parent, ignore_errors=True),
    )


# work ------------------------------------------------------------------------------------------
def _parse(v: dict[str, str]) -> UploadForm:
    """Check the form: a dataset (existing or a new slug), a known mode, a key for upsert."""
    is_new = v["dataset"] in ("", NEW)
    slug = (v["new_slug"] if is_new else v["dataset"]).strip()
    if not slug:
        raise InvalidInput("Choose a dataset or give the short name (slug) of a new one.")
    if v["mode"] not in MODES:
        raise InvalidInput(f"Unknown mode {v['mode']!r}; use one of {', '.join(MODES)}.")
    keys = [k.strip() for k in v["key"].split(",") if k.strip()]
    if v["mode"] == "upsert" and not keys:
        raise InvalidInput("Upsert needs a key column.")
    header = v["header_row"].strip()
    if header and (not header.isdigit() or int(header) < 1):
        raise InvalidInput("The header row is a line number from 1.")
    sheet = v["sheet"].strip()
    return UploadForm(
        dataset=slug,
        title=(v["title"].strip() or None) if is_new else None,
        org=(v["org"] or None) if is_new else None,
        access_level=(v["access_level"] or None) if is_new else None,
        mode=v["mode"],
        key=keys,
        sheet=int(sheet) if sheet.isdigit() else (sheet or None),
        header_row=int(header) if header else None,
    )


def _save(platform: Any, file: UploadFile) -> Path:
    """Copy the upload under KHO_HOME/uploads, keeping a safe version of its name and its extension."""
    name = Path(file.filename or "upload").name
    safe = re.sub(r"[^\w.\-]+", "_", name)[-120:] or "upload"
    if not Path(safe).suffix:
        raise InvalidInput(
            f"{name!r} has no file extension; upload a .csv, .xlsx, .xls, .json or .parquet file."
        )
    folder: Path = platform.settings.uploads_dir / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe
    with path.open("wb") as out:
        shutil.copyfileobj(file.file, out, length=1024 * 1024)
    if path.stat().st_size == 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise InvalidInput(f"{name!r} is empty.")
    return path


def _load(
    platform: Any,
    visitor: Visitor,
    form: UploadForm,
    path: Path,
    *,
    source_name: str,
    progress: Any = None,
) -> Any:
    try:
        return platform.ingest.load(
            path,
            actor=visitor.actor,
            source_name=source_name,
            progress=progress,
            **form.load_kwargs(),
        )
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


def _start(
    platform: Any, visitor: Visitor, form: UploadForm, path: Path, *, source_name: str
) -> Job:
    job = Job(id=uuid.uuid4().hex, user_id=visitor.actor.user_id, dataset=form.dataset)
    jobs.add(job)

    def progress(phase: str, done: int, total: int) -> None:
        job.phase, job.rows = phase, done

    def run() -> None:
        try:
            report = _load(
                platform, visitor, form, path, source_name=source_name, progress=progress
            )
        except Exception as exc:  # noqa: BLE001 - the page shows whatever stopped the load
            job.error, job.state = form_error(exc), "failed"
            return
        job.rows_loaded, job.rows_rejected = report.rows_loaded, report.rows_rejected
        job.rows = max(job.rows, report.rows_read)
        job.load_id, job.phase, job.state = report.load_id, "done", "done"

    threading.Thread(target=run, name=f"kho-upload-{job.id[:8]}", daemon=True).start()
    return job
