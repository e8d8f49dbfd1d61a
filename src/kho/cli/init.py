"""`kho init` and `kho demo`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from kho.cli._common import actor, console, lang, platform, print_json, word
from kho.i18n import num, t


def init(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Create KHO_HOME, the metadata database (migrated to the newest schema) and the warehouse."""
    info = platform().init()
    if json_out:
        print_json(info)
        return
    for key, value in info.items():
        console.print(f"[bold]{word('init', key)}[/]: {escape(str(value))}")


def demo(
    reload: Annotated[
        bool, typer.Option("--reload", help="Load the demo files again as new versions.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Load the bundled demo: messy one-stop-shop dossiers (CSV), population by province (XLSX), a TCVN3 file."""
    from kho.demo.load import load_demo

    p = platform()
    p.init()
    reports = load_demo(p, actor=actor(), reload=reload)
    if json_out:
        print_json([r.model_dump(mode="json") for r in reports])
        return
    L = lang()
    if not reports:
        console.print(t("demo_already", L))
    for r in reports:
        loaded, rejected = num(r.rows_loaded, L), num(r.rows_rejected, L)
        console.print(
            "[green]✓[/] "
            + t(
                "demo_loaded",
                L,
                dataset=r.dataset,
                loaded=loaded,
                rejected=rejected,
                version=r.version,
            )
        )
