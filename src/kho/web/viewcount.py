"""Count dataset page views and data downloads as they are served (for "most viewed").

An ASGI middleware looks at each finished response: a successful GET (not HEAD) of a dataset page
or of a table export, from a client that does not say it is a robot, counts once. Paging, sorting
and filtering inside a dataset page (same page in the Referer) are not new views.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kho.catalog.views import DatasetViews, Kind

log = logging.getLogger(__name__)
SLUG = r"[a-z][a-z0-9_]{0,62}"
VIEW_PATH = re.compile(rf"^/datasets/({SLUG})$")
DOWNLOAD_PATH = re.compile(rf"^/api/v1/datasets/({SLUG})/export\.(?:csv|xlsx|parquet|json|ndjson)$")
ROBOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|scrapy|facebookexternalhit|embedly|preview"
    r"|monitor|uptime|pingdom|headless|lighthouse|validator|feedfetcher",
    re.IGNORECASE,
)


def what_is_counted(scope: Scope) -> tuple[str, Kind] | None:
    """The dataset and kind this request would count as, before knowing the response."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    path = scope["path"]
    if match := VIEW_PATH.match(path):
        headers = dict(scope.get("headers") or [])
        if _is_robot(headers) or _same_page(headers.get(b"referer", b""), path):
            return None
        return match.group(1), "view"
    if match := DOWNLOAD_PATH.match(path):
        if _is_robot(dict(scope.get("headers") or [])):
            return None
        return match.group(1), "download"
    return None


def _is_robot(headers: dict[bytes, bytes]) -> bool:
    agent = headers.get(b"user-agent", b"").decode("latin-1")
    return not agent.strip() or ROBOT.search(agent) is not None


def _same_page(referer: bytes, path: str) -> bool:
    try:
        return urlsplit(referer.decode("latin-1")).path == path
    except ValueError:
        return False


class ViewCounter:
    """ASGI middleware counting successful dataset views and downloads into ``DatasetViews``."""

    def __init__(self, app: ASGIApp, views: DatasetViews) -> None:
        self.app = app
        self.views = views

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        counted = what_is_counted(scope)
        if counted is None:
            await self.app(scope, receive, send)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status == 200 and self.views.count(*counted):
            await run_in_threadpool(self._flush)

    def _flush(self) -> None:
        try:
            self.views.flush()
        except Exception:  # noqa: BLE001 - counting must never break a page; retried next time
            log.exception("could not write dataset view counts")


def install_view_counter(app: FastAPI) -> DatasetViews:
    """Count views on ``app`` into ``app.state.views``; pending counts are written at shutdown."""
    views = DatasetViews(lambda: app.state.platform.sessions())  # the engine opens on first use
    app.state.views = views
    app.add_middleware(ViewCounter, views=views)
    app.router.on_shutdown.append(views.flush)
    return views
