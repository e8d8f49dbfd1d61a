"""Server-rendered pages (Vietnamese by default, English with ?lang=en)."""

from __future__ import annotations

from fastapi import FastAPI


def install_pages(app: FastAPI) -> None:
    from kho.web.pages import charts, freshness, indicators, orgs, portal
    from kho.web.pages.errors import install_html_errors

    app.include_router(portal.router)
    app.include_router(orgs.router)
    app.include_router(charts.router)
    app.include_router(indicators.router)
    app.include_router(freshness.router)
    install_html_errors(app)
    from kho.web.pages import workspace

    workspace.install(app)
    from kho.web.viewcount import install_view_counter

    install_view_counter(app)
