"""The one place that maps the error family to HTTP statuses and the JSON error envelope."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kho.errors import KhoError


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KhoError)
    async def _kho(_request: Request, exc: KhoError) -> JSONResponse:
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.status)

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
