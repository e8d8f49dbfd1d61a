"""`kho serve`: the web portal and JSON API."""

from __future__ import annotations

from typing import Annotated

import typer

from kho.cli._common import console, lang, platform
from kho.i18n import t


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default KHO_HOST, 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default KHO_PORT, 8000).")] = None,
) -> None:
    """Serve the portal and the JSON API (FastAPI + uvicorn)."""
    import uvicorn

    from kho.web.app import create_app

    p = platform()
    p.init()
    _warm_up()
    h, pt = host or p.settings.host, port or p.settings.port
    console.print(f"{t('serving', lang())} http://{h}:{pt}")
    uvicorn.run(create_app(p), host=h, port=pt, log_level="warning")


def _warm_up() -> None:
    """Build the administrative-unit index (~1 s) in the background while the server starts, so the
    first map or unit-aware indicator page does not pay for it."""
    import threading

    from kho.units.resolver import default_resolver

    threading.Thread(target=default_resolver, name="kho-warm-up", daemon=True).start()
