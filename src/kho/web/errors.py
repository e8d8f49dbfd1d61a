"""The one place that maps the error family to HTTP statuses and the JSON error envelope.

``message`` (and ``details.hint``) are English unless the caller asks for Vietnamese with
``?lang=vi``, the ``lang`` cookie or an Accept-Language that names ``vi`` before ``en``: scripts
get stable English text, people's browsers get their language. ``type`` never changes.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kho.errors import KhoError
from kho.web.i18n import LANGUAGES


def api_language(request: Request) -> str:
    """The language an API caller asked for; English when it names neither vi nor en."""
    from kho.web.pages.render import LANG_COOKIE, request_language

    header = request.headers.get("accept-language", "")
    asked = (
        request.query_params.get("lang") in LANGUAGES
        or request.cookies.get(LANG_COOKIE) in LANGUAGES
        or any(part.strip().lower()[:2] in LANGUAGES for part in header.split(",")[:20])
    )
    return request_language(request) if asked else "en"


def error_body(exc: KhoError, lang: str) -> dict[str, object]:
    """The envelope's ``error`` object, its message and hint in ``lang``."""
    from kho.errors_i18n import translate

    body = exc.to_dict()
    if lang != "en":
        body["message"] = translate(exc.message, lang)
        if exc.hint and body["details"].get("hint") == exc.hint:
            body["details"]["hint"] = translate(exc.hint, lang)
    return body


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KhoError)
    async def _kho(request: Request, exc: KhoError) -> JSONResponse:
        lang = api_language(request)
        return JSONResponse(
            {"error": error_body(exc, lang)},
            status_code=exc.status,
            headers={"Content-Language": lang, "Vary": "Accept-Language, Cookie"},
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        message = f"Invalid {'.'.join(str(x) for x in first['loc'])}: {first['msg']}"
        return JSONResponse(
            {"error": {"type": "invalid_input", "message": message, "details": {"errors": errors}}},
            status_code=400,
        )

    @app.exception_handler(ValidationError)
    async def _model(_request: Request, exc: ValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "msg": "invalid input"}
        message = f"Invalid {'.'.join(str(x) for x in first['loc'])}: {first['msg']}"
        return JSONResponse(
            {"error": {"type": "invalid_input", "message": message, "details": {"errors": errors}}},
            status_code=400,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            {"error": {"type": kind, "message": str(exc.detail), "details": {}}},
            status_code=exc.status_code,
        )

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {
                "error": {
                    "type": "internal_error",
                    "message": "Kho hit an unexpected error; it was logged.",
                    "details": {"exception": type(exc).__name__},
                }
            },
            status_code=500,
        )
