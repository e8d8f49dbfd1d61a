"""Server-rendered pages (Vietnamese by default, English with ?lang=en)."""

from __future__ import annotations

from fastapi import FastAPI


def install_pages(app: FastAPI) -> None:
    from kho.web.pages import portal

    app.include_router(portal.router)
