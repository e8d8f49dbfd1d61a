"""`kho init` and `kho demo`."""

from __future__ import annotations

from typing import Annotated

import typer

from kho.cli._common import actor, console, platform, print_json


def init(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Create KHO_HOME, the metadata database (migrated to the newest schema) and the warehouse."""
    info = platform().init()
    if json_out:
        print_json(info)
        return
    for key, value in info.items():
        console.print(f"[bold]{key}[/]: {value}")


def demo(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Load the bundled demo: messy one-stop-shop dossiers (CSV), population by province (XLSX), a TCVN3 file."""
    from kho.demo.load import load_demo

    p = platform()
    p.init()
    reports = load_demo(p, actor=actor())
    if json_out:
        print_json([r.model_dump(mode="json") for r in reports])
        return
    for r in reports:
        console.print(
            f"[green]✓[/] {r.dataset}: {r.rows_loaded:,} rows loaded, "
            f"{r.rows_rejected:,} rejected (version {r.version})"
        )
