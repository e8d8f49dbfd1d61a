"""Error pages in the reader's language for browser paths; API paths keep the JSON envelope."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from kho.errors import KhoError

log = logging.getLogger(__name__)
Handler = Callable[[Request, Any], Awaitable[Response] | Response]
MACHINE_PREFIXES = ("/api/", "/static/", "/health", "/catalog.")
MACHINE_SUFFIXES = (".jsonld", ".ttl", ".json", ".csv", ".xlsx", ".parquet", ".svg")


def wants_html(request: Request) -> bool:
    """Pages for people: not the API, not files, and a client that accepts HTML (or says nothing)."""
    path = request.url.path
    if path.startswith(MACHINE_PREFIXES) or path.endswith(MACHINE_SUFFIXES):
        return False
    accept = request.headers.get("accept", "")
    return not accept or "text/html" in accept or "*/*" in accept


def error_page(request: Request, status: int, detail: str = "") -> Response:
    """The error page; ``detail`` is a service message in English, shown in the reader's language."""
    from kho.errors_i18n import translate
    from kho.web.pages.render import render, request_language

    status = status if status in (400, 401, 403, 404, 409, 422, 429) else 500
    detail = translate(detail, request_language(request))
    return render(request, "error.html", {"status": status, "detail": detail}, status=status)


def install_html_errors(app: FastAPI) -> None:
    """Wrap the JSON error handlers already installed so browser paths get an HTML page."""
    for exc_class in (KhoError, StarletteHTTPException, RequestValidationError, Exception):
        json_handler = app.exception_handlers.get(exc_class)
        if json_handler is not None:
            app.add_exception_handler(exc_class, _html_or(json_handler, exc_class))


def _html_or(json_handler: Handler, exc_class: type) -> Handler:
    async def handle(request: Request, exc: Any) -> Response:
        if not wants_html(request):
            result = json_handler(request, exc)
            return await result if isinstance(result, Awaitable) else result
        if isinstance(exc, KhoError):
            return error_page(request, exc.status, exc.message)
        if isinstance(exc, StarletteHTTPException):
            return error_page(request, exc.status_code)
        if isinstance(exc, RequestValidationError):
            return error_page(request, 400)
        log.exception("page crashed: %s", request.url.path, exc_info=exc)
        return error_page(request, 500)

    handle.__name__ = f"html_or_json_{exc_class.__name__}"
    return handle
