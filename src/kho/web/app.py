"""create_app: the FastAPI application over one Platform."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from kho import __version__
from kho.platform import Platform


def create_app(platform: Platform | None = None) -> FastAPI:
    """Build the web app; every route goes through the platform's services."""
    from kho.web.api import datasets
    from kho.web.errors import install_error_handlers

    app = FastAPI(title="Kho API", version=__version__, openapi_url="/api/v1/openapi.json",
                  docs_url="/api/v1/docs", redoc_url=None,
                  description="Kho — kho dữ liệu dùng chung. Shared data warehouse and open data portal.")
    app.state.platform = platform or Platform()
    install_error_handlers(app)
    app.include_router(datasets.router)
    from kho.web.api import catalog_edit

    app.include_router(catalog_edit.router)
    from kho.web.api import access as access_api

    app.include_router(access_api.router)
    from kho.web import ckan, dcat

    app.include_router(ckan.router)
    app.include_router(dcat.router)
    from kho.web.api import indicators as indicators_api

    app.include_router(indicators_api.router)
    from kho.web.api import exports, loads, sql
    from kho.web.ratelimit import RateLimit

    for r in (sql.router, exports.router, loads.router):
        app.include_router(r)
    app.add_middleware(loads.UploadSizeLimit, limit_mb=lambda: app.state.platform.settings.upload_max_mb)
    app.add_middleware(RateLimit)

    @app.get("/health", tags=["health"], summary="Liveness and metadata database check")
    def health() -> dict[str, Any]:
        from sqlalchemy import text

        with app.state.platform.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    from pathlib import Path

    from fastapi.staticfiles import StaticFiles

    from kho.web.pages import install_pages

    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    install_pages(app)
    return app
